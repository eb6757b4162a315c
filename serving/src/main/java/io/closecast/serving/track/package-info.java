/**
 * The track record of served forecasts: the forecast log (every dated forecast, {@link
 * io.closecast.serving.track.ForecastLog} off the request path into a {@link io.closecast.serving.track.TrackStore}),
 * realised closes from a price directory checked with the data checks ({@link io.closecast.serving.track.PriceDirectory})
 * or fetched after each exchange's close from Yahoo or Alpha Vantage ({@link io.closecast.serving.track.PriceFeed}),
 * the scoring of each logical forecast once, the live figures per model, version and step
 * ({@link io.closecast.serving.track.TrackRecord}), the loop that ties them ({@link io.closecast.serving.track.Tracker}),
 * client feedback scored there too ({@link io.closecast.serving.track.Tracker#feedback}: each day once), and the
 * feedback-only online accuracy ({@link io.closecast.serving.track.OnlineAccuracy}; its gauges only without the log).
 * <p>Uses {@code models} (what served), the model core (prices, checks, calendar, price sources, Diebold-Mariano) and Helidon's
 * metrics API; no HTTP types, no JDBC (the store's JDBC implementation is {@code track.jdbc}, which uses this package).
 */
package io.closecast.serving.track;
