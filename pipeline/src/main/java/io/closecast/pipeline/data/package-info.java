/**
 * Prices: the CSV cache in front of the model core's price sources ({@code io.closecast.model.prices.source}: Yahoo
 * Finance's chart API, Alpha Vantage's daily time series) and {@link io.closecast.pipeline.data.PriceLoader}, the
 * prices a training config names. Uses the model core's price types and sources and {@code config}; nothing of
 * training, sweep or registry.
 */
package io.closecast.pipeline.data;
