package io.closecast.pipeline.sweep;

import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.training.TrainingUi;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.closecast.mlflow.MlflowClient;

/**
 * The training UI's stats file of a sweep run with {@code --ui}, kept on the parent run: logged there when the trials
 * are done, and imported again when the sweep resumes.
 */
final class SweepUiStats {
    private final MlflowClient client;
    private final PrintWriter console;

    SweepUiStats(MlflowClient client, PrintWriter console) {
        this.client = client;
        this.console = console;
    }

    /** A resumed sweep's UI starts with the sessions of the stats file an earlier --ui run logged to the parent. */
    void restore(String parentId, TrainingUi ui, Path workDir) {
        String artifact = TrainingUi.ARTIFACT_DIR + "/" + TrainingUi.STATS_FILE;
        if (client.artifacts().listArtifacts(parentId, TrainingUi.ARTIFACT_DIR).stream().noneMatch(f -> f.path().equals(artifact))) {
            return;
        }
        Path earlier = client.artifacts().downloadFile(parentId, artifact, workDir.resolve(parentId).resolve("ui-earlier")
                .resolve(TrainingUi.STATS_FILE));
        List<String> sessions = ui.importSessions(earlier);
        console.printf(Locale.ROOT, "training UI: %d earlier session(s) from the parent run's %s kept%n", sessions.size(),
                artifact);
        console.flush();
    }

    /** Stops the training UI (which completes its stats file) and logs the file to each parent run. */
    void log(List<String> parentIds, TrainingUi ui) {
        int sessions = ui.sessions().size();
        ui.close();
        for (String parentId : parentIds) {
            client.artifacts().uploadFile(parentId, ui.statsFile(), TrainingUi.ARTIFACT_DIR);
            client.setTags(parentId, Map.of(ClosecastTags.UI_STATS, TrainingUi.ARTIFACT_DIR + "/" + TrainingUi.STATS_FILE));
            console.printf(Locale.ROOT, "training UI stopped; its stats (%d session(s)) are artifact %s/%s of run %s%n",
                    sessions, TrainingUi.ARTIFACT_DIR, TrainingUi.STATS_FILE, parentId);
        }
        console.flush();
    }
}
