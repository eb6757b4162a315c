package io.closecast.pipeline;

import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.registry.Promotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fleet sweep ({@code data.symbols: [MSFT, AAPL]}) against a real MLflow: one job whose trials of both symbols share
 * the slots; each symbol its own parent run with its own trials, its best registered as its own model
 * ({@code mlflow.registered-model: <experiment>-{symbol}}) and put through that model's gate by {@code --promote}.
 */
class FleetSweepIT {
    private static final List<String> SYMBOLS = List.of("MSFT", "AAPL");
    private static MlflowClient client;
    private static String experiment;
    private static CliProcess.Result sweep;

    @BeforeAll
    static void sweep() throws Exception {
        client = ItServers.client();
        experiment = ItServers.unique("closecast-it-fleet");
        Path config = CliProcess.config("fleet-sweep.yaml", experiment);
        sweep = CliProcess.run(600, "sweep", config.toString(), "--register", "--promote", "--gate-days", "20");
        assertEquals(0, sweep.code(), sweep.out());
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void eachSymbolIsItsOwnSweepWithItsOwnRegisteredModelAndGate() {
        String experimentId = client.findExperimentByName(experiment).orElseThrow().id();
        List<Run> parents = client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`closecast.kind` = 'sweep'").build());
        assertEquals(2, parents.size(), "one parent run per symbol: " + parents);
        Set<String> parentSymbols = parents.stream().map(p -> client.getRun(p.id()).tags().get(ClosecastTags.SYMBOL))
                .collect(Collectors.toSet());
        assertEquals(Set.copyOf(SYMBOLS), parentSymbols);
        for (Run p : parents) {
            Run parent = client.getRun(p.id());
            String symbol = parent.tags().get(ClosecastTags.SYMBOL);
            assertEquals(RunStatus.FINISHED, parent.info().status(), symbol);
            assertEquals("MSFT,AAPL", parent.tags().get(ClosecastTags.FLEET), "the parent names its fleet");
            List<Run> children = client.searchAllRuns(RunSearch.builder(experimentId)
                    .filter("tags.`mlflow.parentRunId` = '" + parent.id() + "'").build());
            assertEquals(Set.of("0", "1"), children.stream().map(c -> c.tags().get(ClosecastTags.TRIAL_INDEX))
                    .collect(Collectors.toSet()), symbol + ": the grid's two trials, once each");
            assertEquals(2, children.size(), symbol + ": " + children);
            for (Run child : children) {
                Run trial = client.getRun(child.id());
                assertEquals(symbol, trial.params().get("data.symbol"), "a trial of " + symbol + " trains " + symbol);
                assertEquals("data/" + symbol + ".csv", trial.params().get("data.file"));
                assertEquals(RunStatus.FINISHED, trial.info().status(), trial.tags().toString());
            }

            String model = experiment + "-" + TrainConfig.slug(symbol);
            String best = parent.tags().get("closecast.best_run_id");
            List<ModelVersion> versions = client.registry().searchModelVersions("name = '" + model + "'", List.of());
            assertEquals(1, versions.size(), model + ": " + versions);
            ModelVersion version = versions.getFirst();
            assertEquals(Optional.of(best), version.runId(), model + " holds " + symbol + "'s best trial");
            assertEquals(symbol, version.tags().get("closecast.symbol"));
            String verdict = version.tags().get(ClosecastTags.PROMOTION_PREFIX + "verdict");
            assertFalse(verdict == null || verdict.isBlank(), model + " went through its gate: " + version.tags());
            Optional<ModelVersion> production = client.registry().findModelVersionByAlias(model, Promotion.DEFAULT_ALIAS);
            assertEquals(verdict.equals("passed"), production.isPresent(), model + ": verdict " + verdict
                    + ", production " + production);
            assertTrue(sweep.out().contains(symbol + " (sweep " + parent.tags().get(ClosecastTags.SWEEP_ID)),
                    "the console table of " + symbol + " is labelled:\n" + sweep.out());
        }
        Map<String, Long> started = sweep.out().lines().filter(l -> l.contains(" start {"))
                .collect(Collectors.groupingBy(l -> l.substring(1, l.indexOf(' ')), Collectors.counting()));
        assertEquals(Map.of("MSFT", 2L, "AAPL", 2L), started, "trial lines carry their symbol:\n" + sweep.out());
    }
}
