/**
 * What the dashboard shows beyond the API's answers: the bundled price files it offers as samples
 * ({@link io.closecast.serving.dashboard.SampleFiles}), and the model card's verdict in words
 * ({@link io.closecast.serving.dashboard.ModelVerdict}: the test period against naive, the intervals' calibration and
 * their score against GARCH(1,1), the live track record in {@link io.closecast.serving.dashboard.LiveVerdict}; each
 * comparison decided by its test in {@link io.closecast.serving.dashboard.Comparison}), so that the page renders
 * words decided by tested code. Uses {@code models} (what serves), {@code track} (the track record's figures) and the
 * model core; no HTTP types.
 */
package io.closecast.serving.dashboard;
