/**
 * The service's live evidence, read by the pipeline: a running closecast service's track record of a served model
 * (its logged forecasts scored against realised closes, and the challenger in shadow beside production), fetched
 * over HTTP ({@link io.closecast.pipeline.live.TrackRecordClient}) and read into
 * {@link io.closecast.pipeline.live.LiveTrackRecord}. Speaks the service's documented JSON only: uses nothing of
 * serving (which the pipeline never uses), only Jackson, {@code java.net.http} and {@code PipelineException}.
 */
package io.closecast.pipeline.live;
