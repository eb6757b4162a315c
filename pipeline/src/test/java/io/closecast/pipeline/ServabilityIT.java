package io.closecast.pipeline;

import io.closecast.pipeline.registry.Gate;
import io.closecast.pipeline.registry.Promotion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servability check before an alias moves, against a real MLflow server: real bundles uploaded and registered,
 * downloaded and loaded by {@code promote} through the model core's loading and warm-up code; a bundle with a bad
 * checksum and one with NaN weights are refused (even forced), tagged, and the alias stays where it was.
 */
class ServabilityIT {
    private static MlflowClient client;
    private static String experiment;
    @TempDir
    static Path work;

    private static final Promotion.Evaluator EVALUATOR = RuleEvaluator.onRandomWalk(11, 100, 0.01);

    @BeforeAll
    static void connect() {
        client = ItServers.client();
        experiment = client.getOrCreateExperiment("closecast-it-servability").id();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    /** Registers {@code bundle} (after {@code damage} changed it) as a version judged by the gate as rule "good". */
    private static int register(String name, float weight, boolean badChecksum) throws Exception {
        String runId = client.createRun(RunSpec.create(experiment, "servability-it")).info().runId();
        Path bundle = TinyBundle.write(work.resolve(runId), runId, weight);
        if (badChecksum) {
            Path codec = bundle.resolve("codec.json");
            Files.writeString(codec, Files.readString(codec).replace("90.0", "91.0"));
        }
        client.artifacts().uploadDirectory(runId, bundle, "model");
        client.setTerminated(runId, RunStatus.FINISHED);
        if (client.registry().searchModelVersions("name = '" + name + "'", List.of()).isEmpty()) {
            try {
                client.registry().createRegisteredModel(name);
            } catch (io.closecast.mlflow.MlflowException alreadyThere) {
                // created before
            }
        }
        return client.registry().createModelVersion(ModelVersionSpec.create(name, runId, "model")
                .withTags(Map.of("it.rule", "good", "it.oos", "0"))).version();
    }

    @Test
    void aBrokenBundleIsRefusedByPromoteBeforeTheAliasMoves() throws Exception {
        String name = ItServers.unique("closecast-it-servable");
        Promotion promotion = new Promotion(client, Clock.systemUTC(), "it-user"); // the real check
        int good = register(name, 0.1f, false);
        Promotion.Verdict promoted = promotion.promote(request(name, good, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.PROMOTED, promoted.decision(), promoted.reason());
        ModelVersion goodTags = client.registry().getModelVersion(name, good);
        assertEquals("passed", goodTags.tag("closecast.servability.verdict").orElseThrow());
        assertTrue(goodTags.tag("closecast.servability.reason").orElseThrow().startsWith("servable: window 5"),
                goodTags.tags().toString());

        int tampered = register(name, 0.1f, true);
        Promotion.Verdict refused = promotion.promote(request(name, tampered, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, refused.decision());
        assertTrue(refused.reason().startsWith("refused: not servable: model bundle checksum mismatch for codec.json"),
                refused.reason());
        assertTrue(refused.candidate().isEmpty(), "the gate did not even evaluate it");
        ModelVersion tamperedTags = client.registry().getModelVersion(name, tampered);
        assertEquals("refused", tamperedTags.tag("closecast.servability.verdict").orElseThrow());
        assertEquals("refused", tamperedTags.tag("closecast.promotion.verdict").orElseThrow());
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version(), "the alias did not move");

        int nan = register(name, Float.NaN, false);
        Promotion.Verdict forced = promotion.promote(request(name, nan, Optional.of("ship it anyway")), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, forced.decision(), "--force skips the gate, never the servability check");
        assertTrue(forced.reason().startsWith("refused: not servable: warm-up forecast 1 (30 steps) failed:"), forced.reason());
        assertEquals("refused", client.registry().getModelVersion(name, nan).tag("closecast.servability.verdict").orElseThrow());
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version(), "the alias did not move");
        assertEquals(Optional.of(good), ItServers.pythonAlias(name, "production"));
        assertEquals(List.of(good), promotion.history(name, "production"));
    }

    @Test
    void promotesBudgetOptionsReachTheCheck() throws Exception {
        String name = ItServers.unique("closecast-it-servable-budget");
        int version = register(name, 0.1f, false);
        Cli small = Cli.run("promote", name, "--version", Integer.toString(version), "--servability-memory", "1KiB");
        assertEquals(1, small.code(), small.out() + small.err());
        assertTrue(small.out().contains("the memory budget is 1024"), small.out());
        ModelVersion refused = client.registry().getModelVersion(name, version);
        assertEquals("refused", refused.tag("closecast.servability.verdict").orElseThrow());
        assertTrue(refused.tag("closecast.servability.reason").orElseThrow().endsWith("the memory budget is 1024"),
                refused.tags().toString());
        Cli quick = Cli.run("promote", name, "--version", Integer.toString(version), "--servability-time", "1us");
        assertEquals(1, quick.code(), quick.out() + quick.err());
        assertTrue(quick.out().contains("longer than the time budget of 1 us"), quick.out());
        assertTrue(client.registry().findModelVersionByAlias(name, "production").isEmpty(), "the alias did not move");
    }

    private static Promotion.Request request(String name, int version, Optional<String> force) {
        return new Promotion.Request(name, version, "production", Gate.Policy.DEFAULT, force);
    }
}
