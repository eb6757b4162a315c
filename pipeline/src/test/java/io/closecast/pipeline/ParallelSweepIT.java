package io.closecast.pipeline;

import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.tracking.RunMetadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;

/**
 * One real sweep of 4 trials run 4 at a time on one dataset (against the build's SQLite-backed MLflow): no trial
 * fails registering the dataset, runs and the experiment carry the metadata MLflow's UI shows, and MLflow's official
 * Java client ({@code org.mlflow:mlflow-client}) reads the sweep: parent and child runs, params, metric histories,
 * the registered version and its alias.
 */
class ParallelSweepIT {
    private static MlflowClient client;
    private static String experiment;
    private static CliProcess.Result sweep;

    @BeforeAll
    static void sweep() throws Exception {
        client = ItServers.client();
        experiment = ItServers.unique("closecast-it-parallel");
        Path config = CliProcess.config("parallel-sweep.yaml", experiment);
        sweep = CliProcess.run(600, "sweep", config.toString(), "--register");
        assertEquals(0, sweep.code(), sweep.out());
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    private static Run parent(String experimentId) {
        List<Run> parents = client.searchAllRuns(RunSearch.builder(experimentId).filter("tags.`closecast.kind` = 'sweep'").build());
        assertEquals(1, parents.size(), parents.toString());
        return client.getRun(parents.getFirst().id());
    }

    private static List<Run> children(String experimentId, String parentId) {
        return client.searchAllRuns(RunSearch.builder(experimentId).filter("tags.`mlflow.parentRunId` = '" + parentId + "'")
                .build()).stream().map(r -> client.getRun(r.id())).toList();
    }

    @Test
    void fourParallelTrialsShareOneDatasetAndNoneFails() {
        String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
        List<Run> trials = children(experimentId, parent(experimentId).id());
        assertEquals(4, trials.size());
        for (Run trial : trials) {
            assertEquals(RunStatus.FINISHED, trial.info().status(), trial.tags().toString());
            assertEquals(1, trial.inputs().size(), "each trial logs its dataset: " + trial.inputs());
        }
        Set<String> digests = trials.stream().map(r -> r.inputs().getFirst().dataset().digest()).collect(Collectors.toSet());
        assertEquals(1, digests.size(), "one dataset for all trials: " + digests);
        assertTrue(sweep.out().contains("0 failed"), sweep.out());
    }

    @Test
    void runsAndTheExperimentCarryWhoWhatAndWhereFrom() {
        Experiment exp = client.findExperimentByName(experiment).orElseThrow();
        assertEquals(RunMetadata.CUSTOM_MODEL_DEVELOPMENT, exp.tags().get(RunMetadata.EXPERIMENT_KIND), exp.tags().toString());
        assertTrue(exp.tags().getOrDefault(RunMetadata.NOTE, "").startsWith("closecast LSTM forecasts of MSFT"), exp.tags().toString());
        assertEquals(experiment, exp.tags().get("closecast.registered_model"));
        Run parent = parent(exp.id());
        assertEquals(RunMetadata.user(), parent.tags().get(RunMetadata.USER));
        String description = parent.tags().getOrDefault(RunMetadata.NOTE, "");
        assertTrue(description.startsWith("Sweep of 4 trials (random search, minimize val_loss)"), description);
        assertTrue(description.contains("pipeline/target/it-configs/closecast-it-"), "names the config file: " + description);
        for (Run trial : children(exp.id(), parent.id())) {
            assertEquals(RunMetadata.user(), trial.tags().get(RunMetadata.USER));
            assertTrue(trial.tags().getOrDefault(RunMetadata.NOTE, "").startsWith("Trial " + trial.tags().get(ClosecastTags.TRIAL_INDEX)
                    + " of the sweep in parent run " + parent.id()), trial.tags().get(RunMetadata.NOTE));
        }
    }

    @Test
    void theOfficialJavaClientReadsTheSweep() throws Exception {
        org.mlflow.tracking.MlflowClient official = new org.mlflow.tracking.MlflowClient(ItServers.trackingUri());
        try {
            Service.Experiment exp = official.getExperimentByName(experiment).orElseThrow();
            List<Service.RunInfo> parents = official.searchRuns(List.of(exp.getExperimentId()), "tags.`closecast.kind` = 'sweep'");
            assertEquals(1, parents.size());
            Run ours = parent(exp.getExperimentId());
            Service.Run parent = official.getRun(parents.getFirst().getRunId());
            assertEquals(ours.id(), parent.getInfo().getRunId());
            assertEquals(ours.params(), params(parent));
            assertEquals("val_loss", params(parent).get("sweep.metric"));

            List<Service.RunInfo> children = official.searchRuns(List.of(exp.getExperimentId()),
                    "tags.`mlflow.parentRunId` = '" + ours.id() + "'");
            assertEquals(4, children.size());
            for (Service.RunInfo info : children) {
                Service.Run child = official.getRun(info.getRunId());
                assertEquals("FINISHED", child.getInfo().getStatus().name());
                Run same = client.getRun(info.getRunId());
                assertEquals(same.params(), params(child), "params of " + info.getRunId());
                List<Service.Metric> history = official.getMetricHistory(info.getRunId(), "val_loss");
                List<Metric> ourHistory = client.metricHistory(info.getRunId(), "val_loss");
                assertEquals(2, history.size(), "val_loss per epoch of a 2-epoch trial");
                for (int i = 0; i < history.size(); i++) {
                    assertEquals(ourHistory.get(i).value(), history.get(i).getValue(), 0);
                    assertEquals(ourHistory.get(i).step(), history.get(i).getStep());
                }
            }

            String best = ours.tags().get("closecast.best_run_id");
            ModelVersion registered = client.registry().searchModelVersions("run_id = '" + best + "'", List.of()).getFirst();
            client.registry().setAlias(experiment, "production", registered.version());
            ModelRegistry.ModelVersion version = official.getModelVersion(experiment, Integer.toString(registered.version()));
            assertEquals(best, version.getRunId());
            assertEquals(registered.source(), version.getSource());
            assertTrue(version.getSource().startsWith("mlflow-artifacts:/"), version.getSource());
            assertEquals(version.getSource(), official.getModelVersionDownloadUri(experiment, version.getVersion()));
            // The official client has no alias call; its generic GET reads the alias from the REST API.
            JsonNode alias = new ObjectMapper().readTree(official.sendGet("registered-models/alias?name=" + experiment
                    + "&alias=production")).path("model_version");
            assertEquals(Integer.toString(registered.version()), alias.path("version").asText(), alias.toString());
            assertEquals(List.of("production"), new ObjectMapper().convertValue(alias.path("aliases"), List.class));
        } finally {
            official.close();
        }
    }

    private static Map<String, String> params(Service.Run run) {
        return run.getData().getParamsList().stream().collect(Collectors.toMap(Service.Param::getKey, Service.Param::getValue));
    }
}
