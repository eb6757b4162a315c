package io.closecast.pipeline.sweep.spi;

import java.util.Map;
import java.util.Optional;

/**
 * How one trial ended: the symbol it forecasts, its index in that symbol's sweep, its run, status and point, the
 * sweep's objective (finished trials only) and a note (why it stopped or failed; empty when it finished).
 */
public record TrialResult(String symbol, int index, String runId, TrialStatus status, Map<String, Object> point,
                          Optional<Double> value, String note) {
}
