/**
 * What closecast writes to MLflow about itself: run metadata, the code version and the MLflow client set-up.
 */
package io.closecast.pipeline.tracking;
