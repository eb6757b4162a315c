/**
 * The wire under the client: one HTTP exchange with retries and credentials ({@code Http}), JSON to and from
 * the entities ({@code Wire}), and MLflow's error bodies turned into exceptions ({@code Errors}).
 * <p>Internal to the client: only the {@code mlflow} module uses it.
 */
package io.closecast.mlflow.http;
