/**
 * The closecast REST service (Helidon SE 4): {@code Main} reads the config, builds the collaborators by hand
 * and starts the server. The sub-packages: {@code config}, {@code models} (what is served and its hot swap),
 * {@code registry} (models from MLflow), {@code http} (routes, filters and their support), {@code security},
 * {@code monitoring} and {@code dashboard}.
 */
package io.closecast.serving;
