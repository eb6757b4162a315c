/**
 * The wire under the client: one HTTP exchange with retries and credentials, and the one loop over page tokens
 * ({@code Http}), the spelling of request URLs ({@code Urls}), JSON to and from the entities ({@code Wire}), and
 * MLflow's error bodies turned into exceptions ({@code Errors}).
 * <p>Internal to the client: only the {@code mlflow} module uses it (its root, {@code artifacts} and
 * {@code registry}). It uses the root's configuration and exceptions and the {@code entities}.
 */
package io.closecast.mlflow.http;
