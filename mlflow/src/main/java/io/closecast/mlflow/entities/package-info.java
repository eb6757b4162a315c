/**
 * MLflow's entities as closecast's own records: experiments, runs and their info, metrics, params, tags,
 * dataset inputs, registered models, model versions, stages, pages of results and the specs that create them.
 * <p>Plain values with validating constructors; they use only the module's root ({@code Checks}), never the wire.
 */
package io.closecast.mlflow.entities;
