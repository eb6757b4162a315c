package io.closecast.pipeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.closecast.pipeline.config.YamlConfig;
import io.closecast.model.train.EpochStats;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which metric a trial is judged by, and which per-epoch metric pruning compares. */
class TrialObjectiveTest {

    private static SweepSpec spec(String metric) {
        return SweepSpec.read(YamlConfig.parse("sweep: {metric: " + metric + ", space: {a: [1]}}", "s.yaml").root());
    }

    @Test
    void validationMetricsAreJudgedAtTheBestEpochOthersAsLogged() {
        assertEquals("best_val_loss", TrialObjective.objectiveKey("val_loss"));
        assertEquals("best_val_mase", TrialObjective.objectiveKey("val_mase"));
        assertEquals("test_mae", TrialObjective.objectiveKey("test_mae"));
        Map<String, Double> metrics = Map.of("val_loss", 0.9, "best_val_loss", 0.4, "test_mae", 1.5);
        assertEquals(Optional.of(0.4), TrialObjective.objective("val_loss", metrics, List.of()));
        assertEquals(Optional.of(1.5), TrialObjective.objective("test_mae", metrics, List.of()));
        assertEquals(Optional.empty(), TrialObjective.objective("test_mase", metrics, List.of()));
    }

    @Test
    void theValidationIntervalScoreIsJudgedAsLoggedAtTheTrialsEndAndPrunedOnValLoss() {
        assertEquals("val_interval_score_80", TrialObjective.objectiveKey("val_interval_score_80"));
        assertEquals(Optional.of(11.5), TrialObjective.objective("val_interval_score_80",
                Map.of("best_val_loss", 0.4, "val_interval_score_80", 11.5), List.of()));
        assertEquals("val_loss", TrialObjective.pruneMetric(spec("val_interval_score_80")));
    }

    @Test
    void trainLossFallsBackToTheLastEpochAndIsWhatPruningThenCompares() {
        List<EpochStats> epochs = List.of(new EpochStats(1, 0.8, 0.9, 10), new EpochStats(2, 0.6, 0.7, 10));
        assertEquals(Optional.of(0.6), TrialObjective.objective("train_loss", Map.of(), epochs));
        assertEquals(Optional.of(0.3), TrialObjective.objective("train_loss", Map.of("train_loss", 0.3), epochs));
        assertEquals(Optional.empty(), TrialObjective.objective("train_loss", Map.of(), List.of()));
        assertEquals("train_loss", TrialObjective.pruneMetric(spec("train_loss")));
        assertEquals("val_loss", TrialObjective.pruneMetric(spec("val_loss")));
        assertEquals("val_loss", TrialObjective.pruneMetric(spec("test_mase")));
    }
}
