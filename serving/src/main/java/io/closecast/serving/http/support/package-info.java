/**
 * Request parsing and answer writing shared by the resources: bodies, input checks, JSON, the error record
 * and the one place exceptions become HTTP answers ({@code Responses.failure}, with {@code DomainErrors} mapping the
 * domain exceptions of {@code serving.models} to their status, code and message).
 */
package io.closecast.serving.http.support;
