package io.closecast.pipeline.sweep;

import io.closecast.pipeline.config.ConfigException;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.config.PromotionObjective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The shipped interval sweep (configs/quickstart-interval.yaml, what scripts/main-job.sh runs): a sweep file takes a
 * {@code promotion:} section, the trials are chosen on the validation interval score and the gate's objective is
 * the intervals.
 */
class IntervalSweepConfigTest {

    private static final Path ROOT = Path.of(System.getProperty("closecast.root", ".."));

    @Test
    void theShippedIntervalSweepIsChosenOnValidationIntervalsAndPromotedOnThem() {
        Path config = ROOT.resolve("configs/quickstart-interval.yaml");
        SweepFile sweep = SweepFile.read(config, ProjectRoot.of(config));
        assertEquals(PromotionObjective.INTERVAL, sweep.base().tracking().objective());
        assertEquals("val_interval_score_80", sweep.spec().metric());
        assertEquals(SweepSpec.Goal.MINIMIZE, sweep.spec().goal());
        // the same data, network and search space as the quickstart: only the selection and the gate differ
        SweepFile quickstart = SweepFile.read(ROOT.resolve("configs/quickstart.yaml"), ProjectRoot.of(config));
        assertEquals(quickstart.spec().space(), sweep.spec().space());
        assertEquals(quickstart.base().dataset(), sweep.base().dataset());
        assertEquals(PromotionObjective.POINT, quickstart.base().tracking().objective());
    }

    @Test
    void aWrongObjectiveInASweepFileNamesTheFieldAndValue(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("s.yaml"), Files.readString(ROOT.resolve("configs/quickstart-interval.yaml"))
                .replace("objective: interval ", "objective: risky ").replace("file: data/MSFT.csv",
                        "file: " + ROOT.resolve("data/MSFT.csv").toAbsolutePath()));
        ConfigException e = assertThrows(ConfigException.class, () -> SweepFile.read(text, tmp));
        assertTrue(e.getMessage().contains("objective") && e.getMessage().contains("risky"), e.getMessage());
    }
}
