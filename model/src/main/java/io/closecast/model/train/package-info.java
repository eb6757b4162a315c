/**
 * What a trainer is told and tells back: the training spec, the optimizer choice, per-epoch statistics and
 * the listener's continue / stop decision, and the engine choice. The trainers themselves live in the
 * {@code training} module.
 */
package io.closecast.model.train;
