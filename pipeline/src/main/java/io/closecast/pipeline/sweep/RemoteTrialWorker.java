package io.closecast.pipeline.sweep;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.config.ProjectRoot;
import io.closecast.pipeline.sweep.pruning.MlflowCurves;
import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialScheduler;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;

/**
 * The sweep's side of a {@link RemoteTrial}: {@link #ship} packs a trial of a sweep file into one, and in the other JVM
 * (a Spark executor) {@link #run} rebuilds the {@link TrialRunner} from its payload and runs the trial idempotently
 * ({@link TrialRunner#runOnce}), with median pruning reading the other trials' curves from MLflow
 * ({@link MlflowCurves}), logging to MLflow itself.
 */
public enum RemoteTrialWorker implements RemoteTrial.Worker {
    INSTANCE;

    /** Trial {@code trial} of {@code file} as a task for another JVM; its result is recorded in {@code progress}. */
    public static RemoteTrial ship(TrialScheduler.Trial trial, SweepFile file, String trackingUri, String experimentId,
                                   String parentId, String sweepId, int threads, SweepProgress progress) {
        Path path = file.path().toAbsolutePath().normalize();
        RemoteTrial.Task task = new RemoteTrial.Task(trial, path.toString(), file.text(), ProjectRoot.of(path).toString(),
                trackingUri, experimentId, parentId, sweepId, threads);
        return RemoteTrial.create(task, INSTANCE,
                result -> progress.finished(result.index(), result.status(), result.value(), result.note()));
    }

    /**
     * In the other JVM: runs the trial of {@code payload} (unless an attempt of it already ended) and returns its result
     * as JSON. MLflow's credentials come from this JVM's environment ({@code MLFLOW_TRACKING_TOKEN}, ...), the URI from
     * the task.
     */
    @Override
    public String run(String payload) {
        RemoteTrial.Task task = RemoteTrial.Task.of(payload);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MLFLOW_TRACKING_URI", task.trackingUri());
        Path work;
        try {
            work = Files.createTempDirectory("closecast-trial-" + task.trial().index() + "-");
        } catch (IOException e) {
            throw new PipelineException("cannot create a work directory for trial " + task.trial().index(), e);
        }
        try (MlflowClient client = MlflowClient.create(MlflowConfig.fromEnvironment(env))) {
            SweepFile file = SweepFile.parse(Path.of(task.sweepPath()), task.sweepText(), Path.of(task.projectRoot()),
                    task.trial().symbol());
            SweepProgress silent = new SweepProgress(new PrintWriter(OutputStream.nullOutputStream()), 1, file.spec(), "");
            TrialRunner runner = new TrialRunner(client, Clock.systemUTC(), file, task.experimentId(), task.parentId(),
                    task.sweepId(), task.threads(), new MlflowCurves(client, task.experimentId(), task.parentId(),
                            TrialObjective.pruneMetric(file.spec())), silent, work, Optional.empty());
            return RemoteTrial.resultJson(runner.runOnce(task.trial()));
        } finally {
            try {
                WorkDirs.delete(work);
            } catch (IOException e) {
                // a temp dir left behind is not worth failing a finished trial for
            }
        }
    }
}
