/**
 * The {@code closecast} commands (picocli): data, train, sweep, evaluate, models, promote, rollback, retrain. Each
 * command parses its options and calls the concern packages; no command holds the work itself.
 */
package io.closecast.pipeline.cli;
