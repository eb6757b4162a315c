/**
 * What the service serves: one or several models, each pulled from a model source, loaded, checked and
 * swapped in without a failed request when its alias moves.
 * <p>No HTTP here: failures are domain exceptions that the {@code http} package maps to answers.
 */
package io.closecast.serving.models;
