/**
 * Daily bars from the network: the sources behind {@link io.closecast.model.prices.source.PriceSource} (Yahoo
 * Finance's chart API, {@link io.closecast.model.prices.source.YahooChartClient}; Alpha Vantage's daily time series,
 * {@link io.closecast.model.prices.source.AlphaVantageClient}), each answering a
 * {@link io.closecast.model.prices.source.ChartData}. Shared by the pipeline (its CSV cache, {@code data fetch}) and
 * the service (its price feed), which is why it lives in the model core.
 * <p>Uses the core's {@code prices} package, {@code java.net.http}, Jackson and SLF4J; nothing of MLflow, Helidon or DL4J.
 */
package io.closecast.model.prices.source;
