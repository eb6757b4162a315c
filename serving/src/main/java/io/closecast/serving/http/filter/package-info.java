/**
 * Filters on every request: API keys, request metrics, the header deadline and the connection guard.
 */
package io.closecast.serving.http.filter;
