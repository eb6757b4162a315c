package io.closecast.serving.dashboard;

import io.closecast.serving.dashboard.Comparison.Tone;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.track.ChallengerComparison;
import io.closecast.serving.track.TrackRecord;
import io.closecast.serving.track.TrackStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

/** The card's words from the numbers: significance at 5 %, never "better" without a test that says so. */
class ModelVerdictTest {

    private static ModelInfo info(Map<String, Double> metrics) {
        return new ModelInfo("closecast-msft", "7", "run-7", "production", LocalDate.of(2010, 1, 4),
                LocalDate.of(2022, 12, 30), 20, 10, List.of("Close"), metrics, Instant.EPOCH, "MSFT");
    }

    /** The case of the issue: MAE 3.829 against naive's 3.862 with a DM p of 0.11. */
    static Map<String, Double> levelWithNaive() {
        Map<String, Double> m = new HashMap<>();
        m.put("test_mae", 3.829);
        m.put("naive_test_mae", 3.862);
        m.put("test_mase", 0.9915);
        m.put("test_dm_abs_p_better", 0.11);
        m.put("test_days", 250.0);
        return m;
    }

    @Test
    void aSmallerMaeWithoutSignificanceIsLevelWithNaiveNotBetter() {
        ModelVerdict v = ModelVerdict.of(info(levelWithNaive()), LiveVerdict.off("7"));
        assertEquals(Tone.LEVEL, v.point().tone());
        assertEquals("level with naive (DM p = 0.11)", v.point().text());
        assertEquals("Test period MAE: level with naive (DM p = 0.11)", v.texts().getFirst());
        assertFalse(String.join(" ", v.texts()).contains("better"), v.texts().toString());
        assertEquals(250, v.days());
        assertEquals(0.9915, v.mase());
    }

    @Test
    void significanceDecidesBetterAndWorseAtFivePercentEitherWay() {
        Map<String, Double> m = levelWithNaive();
        m.put("test_dm_abs_p_better", 0.01);
        assertEquals("better than naive, significant (DM p = 0.01)", ModelVerdict.of(info(m), LiveVerdict.off("7")).point().text());
        m.put("test_dm_abs_p_better", 0.049);
        assertEquals(Tone.BETTER, ModelVerdict.of(info(m), LiveVerdict.off("7")).point().tone());
        m.put("test_dm_abs_p_better", 0.05);
        assertEquals(Tone.LEVEL, ModelVerdict.of(info(m), LiveVerdict.off("7")).point().tone(), "p = 0.05 is not below 5 %");
        m.put("test_dm_abs_p_better", 0.98);
        Comparison worse = ModelVerdict.of(info(m), LiveVerdict.off("7")).point();
        assertEquals(Tone.WORSE, worse.tone());
        assertEquals("worse than naive, significant (DM p = 0.02)", worse.text());
        m.put("test_dm_abs_p_better", 0.7);
        assertEquals("level with naive (DM p = 0.3)", ModelVerdict.of(info(m), LiveVerdict.off("7")).point().text(),
                "the p of the direction the errors lean");
    }

    @Test
    void withoutATestTheNumbersAreShownAndNothingIsClaimed() {
        Map<String, Double> m = levelWithNaive();
        m.remove("test_dm_abs_p_better");
        Comparison c = ModelVerdict.of(info(m), LiveVerdict.off("7")).point();
        assertEquals(Tone.NONE, c.tone());
        assertEquals("3.829 against naive's 3.862, no significance test recorded", c.text());
        Comparison none = ModelVerdict.of(info(Map.of()), LiveVerdict.off("7")).point();
        assertEquals("no comparison with naive recorded", none.text());
    }

    @Test
    void pValuesRoundWithoutCrossingTheThreshold() {
        assertEquals("p = 0.11", Comparison.p(0.1149));
        assertEquals("p = 0.0496", Comparison.p(0.04962), "two digits would read 0.05 for a significant p");
        assertEquals("p = 0.0012", Comparison.p(0.00123));
        assertEquals("p < 0.001", Comparison.p(0.0004));
        assertEquals("p = 0.5", Comparison.p(0.5));
    }

    private static Map<String, Double> intervals(double kupiec80, double cc80, double kupiec95, double cc95) {
        Map<String, Double> m = levelWithNaive();
        m.put("test_coverage_80", 0.74);
        m.put("test_kupiec_p_80", kupiec80);
        m.put("test_christoffersen_ind_p_80", Math.max(cc80, 0.5));
        m.put("test_christoffersen_cc_p_80", cc80);
        m.put("test_interval_score_80", 18.5);
        m.put("garch_test_interval_score_80", 18.2);
        m.put("baseline_test_interval_score_80", 18.18);
        m.put("test_dm_garch_interval_score_80_p_better", 0.7);
        m.put("test_coverage_95", 0.953);
        m.put("test_kupiec_p_95", kupiec95);
        m.put("test_christoffersen_cc_p_95", cc95);
        m.put("test_interval_score_95", 30.1);
        m.put("garch_test_interval_score_95", 33.0);
        m.put("test_dm_garch_interval_score_95_p_better", 0.003);
        return m;
    }

    @Test
    void intervalsCalibratedAtEveryLevelSayBothLevels() {
        ModelVerdict v = ModelVerdict.of(info(intervals(0.2, 0.3, 0.6, 0.7)), LiveVerdict.off("7"));
        assertEquals(Tone.BETTER, v.intervals().tone());
        assertEquals("Intervals calibrated at 80 % and 95 % (Kupiec and Christoffersen p \u2265 0.05 at each)", v.intervals().text());
        assertEquals(List.of(0.8, 0.95), v.levels().stream().map(ModelVerdict.Level::level).toList());
        assertEquals(18.18, v.levels().getFirst().constantIntervalScore());
        assertTrue(v.texts().contains("80 % interval score: level with GARCH(1,1) (DM p = 0.3)"), v.texts().toString());
        assertTrue(v.texts().contains("95 % interval score: better than GARCH(1,1), significant (DM p = 0.003)"), v.texts().toString());
    }

    @Test
    void anUnderCoveringLevelIsNamedWithItsKupiecP() {
        ModelVerdict v = ModelVerdict.of(info(intervals(0.01, 0.03, 0.6, 0.7)), LiveVerdict.off("7"));
        assertEquals(Tone.WORSE, v.intervals().tone());
        assertEquals("80 % interval under-covers (coverage 0.74, Kupiec p = 0.01); calibrated at 95 %", v.intervals().text());
        ModelVerdict clustered = ModelVerdict.of(info(intervals(0.3, 0.02, 0.6, 0.7)), LiveVerdict.off("7"));
        assertEquals("80 % interval's misses cluster (Christoffersen p = 0.02); calibrated at 95 %", clustered.intervals().text());
    }

    @Test
    void coverageWithoutTheTestsIsNotCalledCalibrated() {
        Map<String, Double> m = levelWithNaive();
        m.put("test_coverage_80", 0.79);
        m.put("test_coverage_97_5", 0.97);
        ModelVerdict v = ModelVerdict.of(info(m), LiveVerdict.off("7"));
        assertEquals(Tone.NONE, v.intervals().tone());
        assertEquals("Intervals not tested for calibration (Kupiec, Christoffersen) at 80 % and 97.5 %", v.intervals().text());
        assertEquals(0.975, v.levels().get(1).level());
        assertEquals("No interval metrics recorded with this version",
                ModelVerdict.of(info(levelWithNaive()), LiveVerdict.off("7")).intervals().text());
    }

    private static TrackRecord.Line line(String version, int step, int days, double mae, double naiveMae, Double pBetter) {
        Optional<TrackRecord.Dm> dm = pBetter == null ? Optional.empty() : Optional.of(new TrackRecord.Dm(-1, 2 * Math.min(pBetter, 1 - pBetter), pBetter, days));
        return new TrackRecord.Line(version, step, days, LocalDate.of(2025, 1, 2), LocalDate.of(2025, 2, 4), mae, naiveMae,
                OptionalDouble.of(mae / naiveMae), OptionalDouble.empty(), OptionalDouble.empty(),
                List.of(new TrackRecord.LevelCoverage(0.8, 18, days)), dm);
    }

    private static TrackRecord record(TrackRecord.Line... lines) {
        return new TrackRecord("closecast-msft", 250, new TrackStore.Counts(10, 10, 5), 0, List.of(lines));
    }

    @Test
    void theLiveRecordIsTheServingVersionsFirstStepTestedFromThirtyDays() {
        LiveVerdict few = LiveVerdict.of(record(line("7", 2, 40, 1, 1, 0.001), line("7", 1, 23, 0.98, 1.0, null),
                line("6", 1, 60, 1, 2, 0.001)), "7");
        assertEquals("Live: 23 scored days (2025-01-02 to 2025-02-04), MASE 0.98, too few to test (30 needed)", few.text());
        assertEquals(Tone.NONE, few.tone());
        assertEquals(18, few.coverage().getFirst().inside());
        LiveVerdict tested = LiveVerdict.of(record(line("7", 1, 45, 0.9, 1.0, 0.3)), "7");
        assertEquals("Live: 45 scored days (2025-01-02 to 2025-02-04), MASE 0.90, level with naive (DM p = 0.3)", tested.text());
        LiveVerdict better = LiveVerdict.of(record(line("7", 1, 45, 0.8, 1.0, 0.01)), "7");
        assertEquals(Tone.BETTER, better.tone());
        assertTrue(better.text().endsWith("better than naive, significant (DM p = 0.01)"), better.text());
    }

    @Test
    void noScoredDayOrNoLogIsSaidAsSuch() {
        LiveVerdict none = LiveVerdict.of(record(line("6", 1, 60, 1, 2, 0.001)), "7");
        assertEquals("Live: no record yet (no forecast of v7 scored against a realised close)", none.text());
        assertTrue(none.line().isEmpty());
        assertEquals("Live: no record, the forecast log is off (track.enabled: false)", LiveVerdict.off("7").text());
        assertEquals("Live: record unavailable (store down)", LiveVerdict.unavailable("7", "store down").text());
        assertEquals("Live: no record, the forecast log is off (track.enabled: false)",
                ModelVerdict.of(info(levelWithNaive()), LiveVerdict.off("7")).texts().getLast());
    }

    private static ChallengerComparison compared(int step, int days, double production, double challenger, Double pBetter) {
        Optional<TrackRecord.Dm> dm = pBetter == null ? Optional.empty() : Optional.of(new TrackRecord.Dm(-1, 0.5, pBetter, days));
        return new ChallengerComparison("7", "8", step, days, LocalDate.of(2025, 1, 2), LocalDate.of(2025, 2, 4),
                production, challenger, dm);
    }

    @Test
    void aChallengerInShadowIsJudgedAgainstProductionOnTheirCommonDays() {
        ShadowVerdict few = ShadowVerdict.of("challenger", "8", List.of(compared(2, 40, 1, 0.5, 0.001), compared(1, 12, 2.0, 1.94, null)));
        assertEquals("Challenger v8 (@challenger, in shadow): 12 common scored days, MAE 0.97 of production's, too few to test (30 needed)",
                few.text());
        assertEquals(Tone.NONE, few.tone());
        ShadowVerdict level = ShadowVerdict.of("challenger", "8", List.of(compared(1, 45, 2.0, 1.94, 0.2)));
        assertEquals("Challenger v8 (@challenger, in shadow): 45 common scored days, MAE 0.97 of production's, "
                + "level with production (DM p = 0.2)", level.text());
        ShadowVerdict better = ShadowVerdict.of("challenger", "8", List.of(compared(1, 45, 2.0, 1.5, 0.004)));
        assertEquals(Tone.BETTER, better.tone());
        assertTrue(better.text().endsWith("better than production, significant (DM p = 0.004)"), better.text());
        assertEquals("Challenger v8 (@challenger, in shadow): no common scored day yet",
                ShadowVerdict.of("challenger", "8", List.of()).text());
        assertEquals("Challenger @challenger: no version serves in shadow (refused)",
                ShadowVerdict.notServing("challenger", "refused").text());
        ModelVerdict v = ModelVerdict.of(info(levelWithNaive()), LiveVerdict.off("7"), Optional.of(level));
        assertEquals("challenger", v.lines().getLast().topic());
        assertEquals(level.text(), v.texts().getLast());
    }
}
