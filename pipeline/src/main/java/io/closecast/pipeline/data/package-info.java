/**
 * Prices: Yahoo Finance's chart API, the CSV cache in front of it, and {@link io.closecast.pipeline.data.PriceLoader},
 * the prices a training config names. Uses the model core's price types and {@code config}; nothing of training,
 * sweep or registry.
 */
package io.closecast.pipeline.data;
