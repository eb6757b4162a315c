/**
 * API keys and webhook signatures, free of HTTP types.
 */
package io.closecast.serving.security;
