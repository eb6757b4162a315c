/**
 * API keys (configured, admin and issued by the service: {@link io.closecast.serving.security.IssuedKeys} over an
 * {@link io.closecast.serving.security.IssuedKeyStore}; the file one, {@link io.closecast.serving.security.FileKeyStore},
 * is here, the database one in {@code track.jdbc}) and webhook signatures, free of HTTP types: a refused delivery is a {@link
 * io.closecast.serving.security.WebhookRejectedException}, which {@code serving.http.support.DomainErrors} maps to
 * its answer. Uses only the serving root ({@code ServingException}).
 */
package io.closecast.serving.security;
