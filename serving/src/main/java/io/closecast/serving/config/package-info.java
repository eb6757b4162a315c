/**
 * The service's configuration: {@link io.closecast.serving.config.ServingConfig}, one record per section
 * ({@link io.closecast.serving.config.ServerSettings}, {@link io.closecast.serving.config.RegistrySettings},
 * {@link io.closecast.serving.config.SecuritySettings}, {@link io.closecast.serving.config.WebhookSettings},
 * {@link io.closecast.serving.config.DashboardSettings}), each validating its keys; the YAML read by
 * {@link io.closecast.serving.config.ServingConfigReader} (its key table is the list of known keys) and the environment
 * overrides applied by {@code EnvOverrides}.
 * <p>Uses Helidon's config (not its web server), the model core's duration syntax, mlflow's download limits and
 * {@code serving.models}' loader settings.
 */
package io.closecast.serving.config;
