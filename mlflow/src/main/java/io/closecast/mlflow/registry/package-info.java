/**
 * MLflow's model registry: registered models, model versions and their tags, aliases, legacy stages and searches
 * ({@code ModelRegistry}), and the one parser of the names MLflow gives models, {@code models:/NAME@ALIAS},
 * {@code models:/NAME/N} and {@code runs:/RUN_ID/PATH} ({@code ModelUri}).
 * <p>Uses the module's root ({@code Checks}, the exceptions), {@code entities}, {@code http} and {@code artifacts}
 * (a version's files are downloaded through the {@code ArtifactStore}).
 */
package io.closecast.mlflow.registry;
