package io.closecast.pipeline;


import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.config.YamlConfig;
import io.closecast.pipeline.sweep.SweepSpec;
import io.closecast.pipeline.sweep.TrialObjective;
import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.pruning.MlflowCurves;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import org.junit.jupiter.api.Test;

/**
 * Median pruning across machines reads the other trials' curves from a real MLflow: the latest attempt of every
 * other trial under the parent, running or ended, as logged so far; not interrupted attempts, not the trial itself.
 */
class MlflowCurvesIT {

    @Test
    void othersAreTheLatestAttemptsOfTheOtherTrialsAsLoggedSoFar() {
        try (MlflowClient client = ItServers.client()) {
            String experimentId = client.getOrCreateExperiment(ItServers.unique("closecast-it-curves")).id();
            Run parent = client.createRun(RunSpec.builder(experimentId, "sweep").build());
            Run finished = trial(client, experimentId, parent, 0, List.of(0.9, 0.8, 0.7));
            client.setTerminated(finished.id(), RunStatus.FINISHED);
            trial(client, experimentId, parent, 1, List.of(0.95, 0.85)); // running on another executor, 2 epochs so far
            Run lost = trial(client, experimentId, parent, 2, List.of(0.1, 0.1)); // a lost executor's attempt ...
            client.setTags(lost.id(), Map.of(ClosecastTags.TRIAL_STATUS, TrialStatus.INTERRUPTED.key()));
            client.setTerminated(lost.id(), RunStatus.KILLED);
            Run retry = trial(client, experimentId, parent, 2, List.of(0.6)); // ... and its retry, which wins
            client.setTerminated(retry.id(), RunStatus.FINISHED);
            trial(client, experimentId, parent, 3, List.of(0.5, 0.4)); // the trial asking

            SweepSpec spec = SweepSpec.read(YamlConfig.parse("sweep: {space: {a: [1]}}", "s.yaml").root());
            MlflowCurves curves = new MlflowCurves(client, experimentId, parent.id(), TrialObjective.pruneMetric(spec));
            assertEquals(List.of(0.9, 0.95, 0.6), curves.others(3, 1));
            assertEquals(List.of(0.8, 0.85), curves.others(3, 2));
            assertEquals(List.of(0.7), curves.others(3, 3));
            assertEquals(List.of(0.9, 0.95, 0.6, 0.5), curves.others(4, 1), "a trial not yet started sees all");
        }
    }

    private static Run trial(MlflowClient client, String experimentId, Run parent, int index, List<Double> valLoss) {
        Run run = client.createRun(RunSpec.builder(experimentId, "trial-" + index).parentRunId(parent.id())
                .tag(ClosecastTags.TRIAL_INDEX, Integer.toString(index)).build());
        for (int epoch = 1; epoch <= valLoss.size(); epoch++) {
            client.logMetrics(run.id(), List.of(Metric.create("val_loss", valLoss.get(epoch - 1), epoch)));
        }
        return run;
    }
}
