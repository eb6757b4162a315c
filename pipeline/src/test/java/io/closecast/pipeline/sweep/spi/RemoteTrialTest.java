package io.closecast.pipeline.sweep.spi;

import io.closecast.pipeline.sweep.RemoteTrialWorker;
import io.closecast.pipeline.sweep.SweepFile;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.sweep.SweepProgress;
import io.closecast.pipeline.sweep.TrialRunner;
import io.closecast.pipeline.sweep.spi.TrialStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What a distributed scheduler ships to an executor and gets back: nothing of the trial is lost on the way. */
class RemoteTrialTest {
    private static final String SWEEP = """
            data: {symbol: MSFT, file: data/MSFT.csv, window: 10}
            model: {lstm: {hidden-units: [4]}}
            training: {max-epochs: 2}
            mlflow: {experiment: e, registered-model: m}
            sweep:
              method: grid
              space:
                training.batch-size: [32, 64]
                model.lstm.hidden-units: [[4], [8, 4]]
                training.learning-rate: [0.003]
            """;

    private static SweepFile file() {
        Path root = ProjectRoot.ofDirectory(Path.of("."));
        return SweepFile.parse(root.resolve("configs/remote-trial-test.yaml"), SWEEP, root, "MSFT");
    }

    @Test
    void thePayloadCarriesTheWholeTrialWithItsValueTypesAndTheSweepText() throws Exception {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("training.batch-size", 64);
        point.put("model.lstm.hidden-units", List.of(8, 4));
        point.put("training.learning-rate", 0.003);
        TrialScheduler.Trial trial = new TrialScheduler.Trial("MSFT", 3, point);
        SweepProgress progress = new SweepProgress(new PrintWriter(OutputStream.nullOutputStream()), 4, file().spec(), "");
        RemoteTrial remote = RemoteTrialWorker.ship(trial, file(), "http://mlflow:5000", "7", "parent-id", "sweep-id", 2,
                progress);
        RemoteTrial.Task task = new ObjectMapper().readValue(remote.payload(), RemoteTrial.Task.class);
        assertEquals(RemoteTrialWorker.INSTANCE, remote.worker(), "the sweep's worker runs it on the other side");
        assertEquals(trial, task.trial());
        assertEquals(List.copyOf(point.keySet()), List.copyOf(task.trial().point().keySet()), "the space's key order");
        assertEquals(Integer.class, task.trial().point().get("training.batch-size").getClass());
        assertEquals(Double.class, task.trial().point().get("training.learning-rate").getClass());
        assertEquals(SWEEP, task.sweepText());
        assertEquals("http://mlflow:5000", task.trackingUri());
        assertEquals(List.of("7", "parent-id", "sweep-id", 2), List.of(task.experimentId(), task.parentId(), task.sweepId(),
                task.threads()));
        // the executor binds the same training config as a local trial would
        SweepFile again = SweepFile.parse(Path.of(task.sweepPath()), task.sweepText(),
                Path.of(task.projectRoot()), task.trial().symbol());
        assertEquals(TrialRunner.trialConfig(file(), 3, point, 2, false).resolved(),
                TrialRunner.trialConfig(again, task.trial().index(), task.trial().point(), task.threads(), false).resolved());
    }

    @Test
    void theRowComesBackAsTheExecutorRecordedIt() {
        TrialScheduler.Trial trial = new TrialScheduler.Trial("MSFT", 1, Map.of("training.batch-size", 32));
        SweepProgress progress = new SweepProgress(new PrintWriter(OutputStream.nullOutputStream()), 4, file().spec(), "");
        RemoteTrial remote = RemoteTrialWorker.ship(trial, file(), "http://mlflow:5000", "7", "p", "s", 1, progress);
        String finished = "{\"symbol\":\"MSFT\",\"index\":1,\"runId\":\"r1\",\"status\":\"FINISHED\",\"point\":{\"training.batch-size\":32},"
                + "\"value\":0.25,\"note\":\"\"}";
        assertEquals(new TrialResult("MSFT", 1, "r1", TrialStatus.FINISHED, Map.of("training.batch-size", 32),
                Optional.of(0.25), ""), remote.ended(finished));
        String pruned = "{\"symbol\":\"MSFT\",\"index\":1,\"runId\":\"r2\",\"status\":\"PRUNED\",\"point\":{},\"value\":null,\"note\":\"pruned\"}";
        assertEquals(Optional.empty(), remote.ended(pruned).value());
        PipelineException other = assertThrows(PipelineException.class, () -> remote.ended(finished.replace(
                "\"index\":1", "\"index\":2")));
        assertTrue(other.getMessage().startsWith("trial 1 of MSFT came back as trial 2 of MSFT"), other.getMessage());
    }
}
