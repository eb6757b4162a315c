package io.closecast.mlflow.entities;

import java.time.Instant;
import java.util.Optional;

/** A run's metadata. {@code artifactUri} is where the run's artifacts live, e.g. {@code mlflow-artifacts:/1/<id>/artifacts}. */
public record RunInfo(String runId, String experimentId, String runName, RunStatus status, Instant startTime,
                      Optional<Instant> endTime, String artifactUri, String lifecycleStage, String userId) {
}
