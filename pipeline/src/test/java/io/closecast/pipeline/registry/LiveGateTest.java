package io.closecast.pipeline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.live.LiveTrackRecord;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

import io.closecast.model.evaluation.DieboldMariano;
import org.junit.jupiter.api.Test;

/**
 * The live rule on synthetic track records built as the service builds them (errors of a seeded random walk, the
 * Diebold-Mariano test of the challenger's against production's from 30 common days): no service, no MLflow.
 */
class LiveGateTest {
    private static final LiveGate.Policy POINT = new LiveGate.Policy(30, 0.05, PromotionObjective.POINT);
    private static final LiveGate.Policy INTERVAL = new LiveGate.Policy(30, 0.05, PromotionObjective.INTERVAL);
    private static final LocalDate FIRST = LocalDate.of(2026, 10, 1);

    /**
     * A record of production version 1 and challenger version 2 on {@code days} common days: production's errors
     * N(0, 1), the challenger's {@code scale} times them plus N(0, noise) noise; coverage per level as given for the
     * challenger (inside of days at 80 % and 95 %), production's at nominal.
     */
    private static LiveTrackRecord record(int days, double scale, double noise, int inside80, int inside95) {
        SplittableRandom random = new SplittableRandom(11);
        double[] production = new double[days];
        double[] challenger = new double[days];
        for (int i = 0; i < days; i++) {
            production[i] = random.nextGaussian();
            challenger[i] = scale * production[i] + noise * random.nextGaussian();
        }
        double maeP = Arrays.stream(production).map(Math::abs).average().orElse(Double.NaN);
        double maeC = Arrays.stream(challenger).map(Math::abs).average().orElse(Double.NaN);
        Optional<LiveTrackRecord.Dm> dm = Optional.empty();
        if (days >= 30) {
            DieboldMariano.Result r = DieboldMariano.test(challenger, production, 1, DieboldMariano.Loss.ABSOLUTE);
            dm = Optional.of(new LiveTrackRecord.Dm(r.n(), r.statistic(), r.pTwoSided(), r.pBetter()));
        }
        LocalDate last = FIRST.plusDays(Math.max(0, days - 1));
        List<LiveTrackRecord.LevelCoverage> coverage = inside80 < 0 ? List.of() : List.of(
                new LiveTrackRecord.LevelCoverage(0.8, inside80, days), new LiveTrackRecord.LevelCoverage(0.95, inside95, days));
        List<LiveTrackRecord.LevelCoverage> nominal = List.of(new LiveTrackRecord.LevelCoverage(0.8, (int) Math.round(0.8 * days), days),
                new LiveTrackRecord.LevelCoverage(0.95, (int) Math.round(0.95 * days), days));
        List<LiveTrackRecord.Line> lines = List.of(
                line("2", days, maeC, coverage), line("1", days, maeP, nominal));
        LiveTrackRecord.Comparison comparison = new LiveTrackRecord.Comparison(1, days, FIRST, last, maeP, maeC,
                OptionalDouble.of(maeC / maeP), dm);
        return new LiveTrackRecord("closecast-msft", 250, 30, lines, Optional.of(new LiveTrackRecord.Challenger(
                "challenger", Optional.of("2"), Optional.of("1"), "serving", days == 0 ? List.of() : List.of(comparison))));
    }

    private static LiveTrackRecord.Line line(String version, int days, double mae, List<LiveTrackRecord.LevelCoverage> coverage) {
        return new LiveTrackRecord.Line(version, 1, days, FIRST, FIRST.plusDays(days), mae, 1.0, OptionalDouble.of(mae),
                OptionalDouble.of(0.5), OptionalDouble.of(0.5), coverage, Optional.empty());
    }

    private static LiveTrackRecord level(int days) {
        return record(days, 1.0, 0.3, (int) Math.round(0.8 * days), (int) Math.round(0.95 * days));
    }

    @Test
    void refusesTooFewCommonDaysNamingThem() {
        Gate.Judgement j = LiveGate.judge(POINT, 2, Optional.of(1), level(12));
        assertFalse(j.passed());
        assertEquals("refused live: 12 common scored days of version 2 and production version 1 (2026-10-01..2026-10-12),"
                + " the live rule needs at least 30 (--live-min-days)", j.reason());
        Gate.Judgement none = LiveGate.judge(POINT, 2, Optional.of(1), level(0));
        assertEquals("refused live: 0 common scored days of version 2 and production version 1, the live rule needs at"
                + " least 30 (--live-min-days)", none.reason());
        assertTrue(LiveGate.judge(POINT, 2, Optional.of(1), level(30)).passed(), "30 days are enough");
    }

    @Test
    void refusesASignificantlyWorseChallengerWithEveryNumber() {
        LiveTrackRecord worse = record(60, 1.6, 0.2, 48, 57);
        LiveTrackRecord.Comparison c = worse.challenger().orElseThrow().at(1).orElseThrow();
        double pWorse = c.dm().orElseThrow().pWorse();
        assertTrue(pWorse < 0.05, "the synthetic challenger is much worse: " + pWorse);
        Gate.Judgement j = LiveGate.judge(POINT, 2, Optional.of(1), worse);
        assertFalse(j.passed());
        assertEquals(String.format(java.util.Locale.ROOT, "refused live: worse than production version 1 live by the"
                + " Diebold-Mariano test (p = %.4f < 0.05; MAE %.4f vs production's %.4f, ratio %.4f, on 60 common days"
                + " 2026-10-01..2026-11-29, DM statistic %.4f)", pWorse, c.challengerMae(), c.productionMae(),
                c.ratio().getAsDouble(), c.dm().orElseThrow().statistic()), j.reason());
    }

    @Test
    void passesALevelAndABetterChallenger() {
        Gate.Judgement level = LiveGate.judge(POINT, 2, Optional.of(1), level(60));
        assertTrue(level.passed(), level.reason());
        assertTrue(level.reason().startsWith("passed live: not worse than production version 1 (Diebold-Mariano p = "),
                level.reason());
        LiveTrackRecord better = record(60, 0.6, 0.1, 48, 57);
        assertTrue(better.challenger().orElseThrow().at(1).orElseThrow().dm().orElseThrow().pBetter() < 0.05);
        Gate.Judgement j = LiveGate.judge(POINT, 2, Optional.of(1), better);
        assertTrue(j.passed(), j.reason());
        assertTrue(j.reason().contains("on 60 common days 2026-10-01..2026-11-29"), j.reason());
    }

    @Test
    void refusesWithoutADieboldMarianoTestWhenTheMinimumIsBelowTheServices() {
        LiveGate.Policy twenty = new LiveGate.Policy(20, 0.05, PromotionObjective.POINT);
        Gate.Judgement j = LiveGate.judge(twenty, 2, Optional.of(1), level(25));
        assertFalse(j.passed());
        assertTrue(j.reason().startsWith("refused live: no Diebold-Mariano test of version 2 against production yet: the"
                + " service runs it from 30 common days (MAE "), j.reason());
    }

    @Test
    void refusesWhenTheCandidateIsNotTheServicesChallengerOrProductionDiffers() {
        LiveTrackRecord r = level(60);
        assertEquals("refused live: the service's challenger in shadow (alias challenger) is version 2, not version 3:"
                + " move the alias challenger to it and let it be scored", LiveGate.judge(POINT, 3, Optional.of(1), r).reason());
        assertEquals("refused live: the service compares the challenger with production version 1, but the alias points"
                + " at version 4: the live comparison is not with it", LiveGate.judge(POINT, 2, Optional.of(4), r).reason());
        assertTrue(LiveGate.judge(POINT, 2, Optional.empty(), r).passed(), "no production version yet");
        LiveTrackRecord none = new LiveTrackRecord("closecast-msft", 250, 30, r.versions(), Optional.empty());
        assertEquals("refused live: the service serves closecast-msft with no challenger in shadow"
                + " (models[].shadow-alias): there is no live comparison to judge version 2 on",
                LiveGate.judge(POINT, 2, Optional.of(1), none).reason());
        LiveTrackRecord loading = new LiveTrackRecord("closecast-msft", 250, 30, r.versions(), Optional.of(
                new LiveTrackRecord.Challenger("challenger", Optional.empty(), Optional.of("1"), "loading", List.of())));
        assertEquals("refused live: the service's challenger (alias challenger) serves no version (loading): version 2"
                + " has no live record", LiveGate.judge(POINT, 2, Optional.of(1), loading).reason());
    }

    @Test
    void intervalObjectiveJudgesTheLiveCoverageAndSaysWhatItCannotJudge() {
        Gate.Judgement calibrated = LiveGate.judge(INTERVAL, 2, Optional.of(1), record(60, 1.6, 0.2, 48, 57));
        assertTrue(calibrated.passed(), "calibrated intervals pass the interval objective even with worse points: "
                + calibrated.reason());
        assertTrue(calibrated.reason().startsWith("passed live on the interval objective: 80 %: coverage 80.0% (48 of 60"
                + " days), Kupiec p = 1.0000, production's 80.0% (48 of 60)"), calibrated.reason());
        assertTrue(calibrated.reason().contains("the service compares no interval scores on common days"),
                calibrated.reason());

        Gate.Judgement narrow = LiveGate.judge(INTERVAL, 2, Optional.of(1), record(60, 1.0, 0.3, 36, 57));
        assertFalse(narrow.passed());
        assertTrue(narrow.reason().startsWith("refused live: the live 80 % intervals fail the Kupiec test at 0.05"
                + " (80 %: coverage 60.0% (36 of 60 days), Kupiec p = 0.0"), narrow.reason());

        Gate.Judgement none = LiveGate.judge(INTERVAL, 2, Optional.of(1), record(60, 1.0, 0.3, -1, -1));
        assertFalse(none.passed());
        assertTrue(none.reason().startsWith("refused live: the service reports no live coverage for version 2"),
                none.reason());
        assertFalse(LiveGate.judge(INTERVAL, 2, Optional.of(1), level(12)).passed(), "too few days on either objective");
    }

    @Test
    void theEvidenceAndTheVerdictBecomeTags() {
        LiveTrackRecord r = record(60, 1.6, 0.2, 48, 57);
        Gate.Judgement j = LiveGate.judge(POINT, 2, Optional.of(1), r);
        Map<String, String> tags = LiveGate.tags(new LiveGate.Evidence("http://svc:8080", 30, r), 2, j);
        LiveTrackRecord.Comparison c = r.challenger().orElseThrow().at(1).orElseThrow();
        assertEquals("http://svc:8080", tags.get("closecast.promotion.live.source"));
        assertEquals("60", tags.get("closecast.promotion.live.days"));
        assertEquals("30", tags.get("closecast.promotion.live.min_days"));
        assertEquals("2", tags.get("closecast.promotion.live.challenger_version"));
        assertEquals("1", tags.get("closecast.promotion.live.production_version"));
        assertEquals(c.challengerMae(), Double.parseDouble(tags.get("closecast.promotion.live.challenger_mae")), 1e-5);
        assertEquals(c.dm().orElseThrow().pWorse(), Double.parseDouble(tags.get("closecast.promotion.live.dm_p_worse")), 1e-6);
        assertEquals(0.8, Double.parseDouble(tags.get("closecast.promotion.live.coverage_80")), 1e-9);
        assertEquals("refused", tags.get("closecast.promotion.live.verdict"));
        assertEquals(j.reason(), tags.get("closecast.promotion.live.reason"));
    }

    @Test
    void aMinimumBelowOneIsRefusedNamingTheOption() {
        PipelineException e = assertThrows(PipelineException.class,
                () -> new LiveGate.Policy(0, 0.05, PromotionObjective.POINT));
        assertEquals("--live-min-days must be >= 1, found 0", e.getMessage());
    }
}
