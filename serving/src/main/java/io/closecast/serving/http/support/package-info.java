/**
 * Request parsing and answer writing shared by the resources: bodies, input checks, JSON, the error record
 * and the one place exceptions become HTTP answers.
 */
package io.closecast.serving.http.support;
