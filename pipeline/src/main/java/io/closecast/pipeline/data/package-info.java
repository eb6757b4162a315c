/**
 * Prices: the sources behind {@link io.closecast.pipeline.data.PriceSource} (Yahoo Finance's chart API, Alpha
 * Vantage's daily time series), the CSV cache in front of them, and {@link io.closecast.pipeline.data.PriceLoader},
 * the prices a training config names. Uses the model core's price types and {@code config}; nothing of training,
 * sweep or registry.
 */
package io.closecast.pipeline.data;
