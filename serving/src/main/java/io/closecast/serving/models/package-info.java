/**
 * What the service serves: one or several models, each pulled from a model source, loaded, checked and
 * swapped in without a failed request when its alias moves.
 * <p>{@link io.closecast.serving.models.ModelFleet} holds one {@link io.closecast.serving.models.ModelManager} per
 * model; a manager's {@link io.closecast.serving.models.AliasPoller} runs its checks in the background, everything it
 * knows is one immutable {@link io.closecast.serving.models.ModelState} (with its
 * {@link io.closecast.serving.models.Condition}) replaced atomically, and requests forecast through a
 * {@link io.closecast.serving.models.VersionLease}. A new version passes the model core's warm-up
 * ({@link io.closecast.model.bundle.Servability#warmUp}) before it serves.
 * <p>Uses the model core, {@code serving.monitoring} (its meters) and the serving root ({@code ServingException}).
 * No HTTP here: failures are domain exceptions ({@link io.closecast.serving.models.UnknownModelException},
 * {@link io.closecast.serving.models.ModelRequiredException}) that the {@code http} packages map to answers.
 */
package io.closecast.serving.models;
