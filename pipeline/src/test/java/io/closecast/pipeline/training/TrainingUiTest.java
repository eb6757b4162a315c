package io.closecast.pipeline.training;

import io.closecast.pipeline.sweep.SweepIds;
import io.closecast.pipeline.Cli;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.config.YamlConfig;

import java.nio.file.Path;

import io.closecast.model.train.TrainingEngine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --ui flags and what they change in a trial's config; the UI server itself runs in SweepUiIT. */
class TrainingUiTest {

    @Test
    void badPortAndFrequencyNameTheFlagAndTheValue() {
        PipelineException port = assertThrows(PipelineException.class, () -> new TrainingUi.Settings(0, 5));
        assertEquals("--ui-port must be between 1 and 65535, found 0", port.getMessage());
        PipelineException frequency = assertThrows(PipelineException.class, () -> new TrainingUi.Settings(9000, 0));
        assertEquals("--ui-frequency must be >= 1 (iterations between stats reports), found 0", frequency.getMessage());
        assertEquals(new TrainingUi.Settings(9000, 5), TrainingUi.Settings.defaults());
    }

    @Test
    void badFlagsAreUsageErrorsBeforeAnyFileIsRead() {
        for (String command : new String[] {"sweep", "train"}) {
            Cli cli = Cli.run(command, "no-such-file.yaml", "--ui", "--ui-port", "70000");
            assertEquals(2, cli.code(), command + ": " + cli.out() + cli.err());
            assertTrue(cli.err().contains("--ui-port must be between 1 and 65535, found 70000"), cli.err());
            Cli frequency = Cli.run(command, "no-such-file.yaml", "--ui", "--ui-frequency", "-1");
            assertEquals(2, frequency.code(), command + ": " + frequency.out() + frequency.err());
            assertTrue(frequency.err().contains("--ui-frequency must be >= 1"), frequency.err());
        }
    }

    @Test
    void helpStatesTheDefaultPortAndFrequency() {
        Cli help = Cli.run("sweep", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--ui-port=<uiPort>"), help.out());
        assertTrue(help.out().contains("(default: 9000)"), help.out());
        assertTrue(help.out().contains("(default: 5;"), help.out());
        assertTrue(help.out().contains("training.engine=dl4j"), help.out());
    }

    @Test
    void forcedEngineIsWhatTheResolvedParamsSay() {
        TrainConfig config = TrainConfig.read(YamlConfig.parse("data:\n  symbol: MSFT\n", "x.yaml"), Path.of("/tmp"));
        assertEquals(TrainingEngine.FUSED, config.training().engine());
        assertEquals("fused", config.resolved().get("training.engine"));
        TrainConfig forced = config.withEngine(TrainingEngine.DL4J);
        assertEquals(TrainingEngine.DL4J, forced.training().engine());
        assertEquals("dl4j", forced.resolved().get("training.engine"));
        assertEquals(config.training().withEngine(TrainingEngine.DL4J), forced.training());
    }

    @Test
    void trialSessionsNameTheTrialAndItsRun() {
        assertEquals("trial-3-abc123", SweepIds.uiSession(3, "abc123"));
        assertEquals("trial-3", SweepIds.uiWorker(3));
    }
}
