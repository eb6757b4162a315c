/**
 * The HTTP resources: prediction, MLflow's scoring protocol ({@code /invocations}), model info, health,
 * feedback, webhooks, OpenAPI and the dashboard. One {@code HttpService} per resource; the only package
 * (with {@code Main}) that touches Helidon's web server types.
 */
package io.closecast.serving.http;
