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
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promotion gate, alias + stage moves, forced promotion and rollback against a real MLflow server,
 * with MLflow's own Python client reading the alias after each step.
 */
class PromotionIT {
    private static MlflowClient client;
    private static String runId;
    @TempDir
    static Path work;

    private static final Promotion.Evaluator EVALUATOR = RuleEvaluator.onRandomWalk(11, 100, 0.01);

    @BeforeAll
    static void connect() throws Exception {
        client = ItServers.client();
        String experiment = client.getOrCreateExperiment("closecast-it-promotion").id();
        Run run = client.createRun(RunSpec.create(experiment, "promotion-it"));
        runId = run.info().runId();
        Path model = Files.createDirectories(work.resolve("model"));
        Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
        client.artifacts().uploadDirectory(runId, model, "model");
        client.setTerminated(runId, RunStatus.FINISHED);
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static int version(String name, String rule) {
        return version(name, rule, 0);
    }

    /** A version following {@code rule} whose out-of-sample days start on synthetic day {@code oos}. */
    private static int version(String name, String rule, int oos) {
        if (client.registry().searchModelVersions("name = '" + name + "'", List.of()).isEmpty()) {
            try {
                client.registry().createRegisteredModel(name);
            } catch (io.closecast.mlflow.MlflowException alreadyThere) {
                // created by an earlier version() call
            }
        }
        ModelVersion v = client.registry().createModelVersion(ModelVersionSpec.create(name, runId, "model")
                .withTags(Map.of("it.rule", rule, "it.oos", Integer.toString(oos))));
        return v.version();
    }

    private static Promotion.Request request(String name, int version, Optional<String> force) {
        return new Promotion.Request(name, version, "production", Gate.Policy.DEFAULT, force);
    }

    @Test
    void gateRefusesWorseThanNaivePromotesGoodForcesAndRollsBack() {
        String name = ItServers.unique("closecast-it-promote");
        Promotion promotion = new Promotion(client, Clock.systemUTC(), "it-user", RuleEvaluator.SYNTHETIC);
        int bad = version(name, "bad");
        int good = version(name, "good");
        int other = version(name, "bad");

        Promotion.Verdict refused = promotion.promote(request(name, bad, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, refused.decision());
        assertTrue(refused.reason().startsWith("refused: MASE "), refused.reason());
        assertTrue(client.registry().findModelVersionByAlias(name, "production").isEmpty(), "the alias did not move");
        assertEquals("refused", client.registry().getModelVersion(name, bad).tag("closecast.promotion.verdict").orElseThrow());
        assertEquals(Optional.empty(), ItServers.pythonAlias(name, "production"));

        Promotion.Verdict promoted = promotion.promote(request(name, good, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.PROMOTED, promoted.decision(), promoted.reason());
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version());
        assertEquals(Stage.PRODUCTION, client.registry().getModelVersion(name, good).stage());
        ModelVersion goodTags = client.registry().getModelVersion(name, good);
        assertEquals("passed", goodTags.tag("closecast.promotion.verdict").orElseThrow());
        assertEquals("it-user", goodTags.tag("closecast.promotion.by").orElseThrow());
        assertTrue(Double.parseDouble(goodTags.tag("closecast.promotion.candidate_mase").orElseThrow()) < 1.0);
        assertEquals(Optional.of(good), ItServers.pythonAlias(name, "production"));

        Promotion.Verdict forced = promotion.promote(request(name, other, Optional.of("hotfix for a data bug")), EVALUATOR);
        assertEquals(Promotion.Decision.FORCED, forced.decision());
        ModelVersion forcedVersion = client.registry().getModelVersion(name, other);
        assertEquals("forced", forcedVersion.tag("closecast.promotion.verdict").orElseThrow());
        assertEquals("hotfix for a data bug", forcedVersion.tag("closecast.promotion.reason").orElseThrow());
        assertEquals(Stage.PRODUCTION, forcedVersion.stage());
        assertEquals(Stage.ARCHIVED, client.registry().getModelVersion(name, good).stage(), "the old holder is archived");
        assertEquals(Optional.of(other), ItServers.pythonAlias(name, "production"));
        assertEquals(List.of(good, other), promotion.history(name, "production"));

        Promotion.Rollback rollback = promotion.rollback(name, "production");
        assertEquals(new Promotion.Rollback(name, "production", other, good), rollback);
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version());
        assertEquals(Stage.PRODUCTION, client.registry().getModelVersion(name, good).stage());
        assertEquals(Optional.of(good), ItServers.pythonAlias(name, "production"));

        PipelineException none = assertThrows(PipelineException.class, () -> promotion.rollback(name, "production"));
        assertEquals("cannot roll back " + name + "@production: version " + good
                + " is the first version that held it (history: [" + good + "])", none.getMessage());
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version(), "a refused rollback moves nothing");
    }

    @Test
    void aCandidateTheDieboldMarianoTestFindsWorseThanProductionIsRefused() {
        String name = ItServers.unique("closecast-it-dm");
        Promotion promotion = new Promotion(client, Clock.systemUTC(), "it-user", RuleEvaluator.SYNTHETIC);
        int good = version(name, "good");
        assertEquals(Promotion.Decision.PROMOTED, promotion.promote(request(name, good, Optional.empty()), EVALUATOR).decision());
        // A quarter of the way to the true price beats naive (MASE 0.75) but loses to halfway every single day.
        int quarter = version(name, "quarter");
        Promotion.Verdict verdict = promotion.promote(request(name, quarter, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, verdict.decision(), verdict.reason());
        assertTrue(verdict.reason().startsWith("refused: worse than production version " + good
                + " by the Diebold-Mariano test"), verdict.reason());
        assertEquals(0.75, verdict.candidate().orElseThrow().step().mase(), 1e-9);
        assertEquals(good, client.registry().getModelVersionByAlias(name, "production").version());
        ModelVersion tags = client.registry().getModelVersion(name, quarter);
        assertTrue(Double.parseDouble(tags.tag("closecast.promotion.dm_vs_production_p_worse").orElseThrow()) < 0.05);
        assertEquals("200", tags.tag("closecast.promotion.days").orElseThrow());
    }

    @Test
    void tooFewOutOfSampleDaysAreRefusedSayingHowMany() {
        String name = ItServers.unique("closecast-it-days");
        Promotion promotion = new Promotion(client, Clock.systemUTC(), "it-user", RuleEvaluator.SYNTHETIC);
        // Out of sample from day 150: 50 days, fewer than the default 120, however good the model.
        int late = version(name, "good", 150);
        Promotion.Verdict verdict = promotion.promote(request(name, late, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, verdict.decision());
        assertTrue(verdict.reason().startsWith("refused: 50 out-of-sample days (synthetic 2020-05-30..2020-07-18"),
                verdict.reason());
        assertTrue(verdict.reason().contains("the gate needs at least 120"), verdict.reason());
        assertEquals("50", client.registry().getModelVersion(name, late).tag("closecast.promotion.days").orElseThrow());
        assertEquals("2020-05-30", client.registry().getModelVersion(name, late).tag("closecast.promotion.out_of_sample_from").orElseThrow());
        assertTrue(client.registry().findModelVersionByAlias(name, "production").isEmpty());

        // The same version with the minimum lowered to 40 days passes, judged on those 50 days only.
        Promotion.Verdict lowered = promotion.promote(new Promotion.Request(name, late, "production",
                new Gate.Policy(1.0, 40, false, 0.05), Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.PROMOTED, lowered.decision(), lowered.reason());
        assertEquals(50, lowered.candidate().orElseThrow().days());
    }

    @Test
    void requireSignificanceRefusesAModelNotSignificantlyBetterThanNaive() {
        String name = ItServers.unique("closecast-it-signif");
        Promotion promotion = new Promotion(client, Clock.systemUTC(), "it-user", RuleEvaluator.SYNTHETIC);
        // Halfway to the true price plus noise: MASE just below 1, DM p above 5 %.
        int v = version(name, "noisy");
        Promotion.Verdict strict = promotion.promote(new Promotion.Request(name, v, "production",
                Gate.Policy.DEFAULT.withRequireSignificance(true), Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.REFUSED, strict.decision(), strict.reason());
        assertTrue(strict.reason().contains("but not significantly better than naive (Diebold-Mariano p = "), strict.reason());
        double p = strict.candidate().orElseThrow().step().dmAbsolute().pBetter();
        assertTrue(p > 0.05 && strict.candidate().orElseThrow().step().mase() < 1, "p " + p);

        Promotion.Verdict lenient = promotion.promote(request(name, v, Optional.empty()), EVALUATOR);
        assertEquals(Promotion.Decision.PROMOTED, lenient.decision(), lenient.reason());
        assertTrue(lenient.reason().contains("not required"), lenient.reason());
    }
}
