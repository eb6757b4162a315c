package io.closecast.serving.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.closecast.model.evaluation.DieboldMariano;
import org.junit.jupiter.api.Test;

/** The track record's figures against ones computed by hand; the window; the DM test from 30 days on. */
class TrackRecordTest {

    static Score score(String version, int step, LocalDate day, double point, double naive, double actual, double lo, double hi) {
        LoggedForecast.Key key = new LoggedForecast.Key("m", version, "MSFT", day.minusDays(step), step);
        return Score.of(key, "r-" + day, new LoggedForecast.Step(step, day, point, naive,
                List.of(new LoggedForecast.Bound(0.8, lo, hi))), actual);
    }

    @Test
    void figuresMatchAHandComputation() {
        LocalDate d = LocalDate.of(2024, 1, 1);
        List<Score> scores = List.of(
                score("1", 1, d.plusDays(0), 101, 100, 102, 100, 103),   // err 1, naive 2, up, forecast up: hit, inside
                score("1", 1, d.plusDays(1), 99, 100, 101, 98, 100),     // err 2, naive 1, up, forecast down: miss, outside
                score("1", 1, d.plusDays(2), 100, 100, 100, 99, 101),    // err 0, naive 0, no move: left out of direction
                score("1", 1, d.plusDays(3), 97, 100, 96, 95, 99));      // err 1, naive 4, down, forecast down: hit, inside
        TrackRecord r = TrackRecord.of("m", 250, new TrackStore.Counts(4, 4, 4), 7, scores);
        TrackRecord.Line l = r.versions().getFirst();
        assertEquals(4, l.days());
        assertEquals(1.0, l.mae(), 1e-12);          // (1 + 2 + 0 + 1) / 4
        assertEquals(1.75, l.naiveMae(), 1e-12);    // (2 + 1 + 0 + 4) / 4
        assertEquals(1.0 / 1.75, l.mase().getAsDouble(), 1e-12);
        assertEquals(2.0 / 3, l.directionalAccuracy().getAsDouble(), 1e-12);
        assertEquals(2.0 / 3, l.upDayShare().getAsDouble(), 1e-12);
        assertEquals(new TrackRecord.LevelCoverage(0.8, 3, 4), l.coverage().getFirst());
        assertTrue(l.dm().isEmpty(), "fewer than 30 days: no DM test");
        assertEquals(7, r.undated());

        TrackRecord windowed = TrackRecord.of("m", 2, new TrackStore.Counts(4, 4, 4), 0, scores);
        assertEquals(0.5, windowed.versions().getFirst().mae(), 1e-12, "the latest 2 days only: (0 + 1) / 2");
        assertEquals(d.plusDays(2), windowed.versions().getFirst().first());
    }

    @Test
    void dieboldMarianoFromThirtyDaysAndVersionsApart() {
        LocalDate d = LocalDate.of(2024, 1, 1);
        List<Score> scores = new ArrayList<>();
        double[] e1 = new double[30];
        double[] e2 = new double[30];
        for (int i = 0; i < 30; i++) {
            double actual = 100 + (i % 3);
            double point = actual + (i % 2 == 0 ? 0.5 : -0.7);
            scores.add(score("2", 1, d.plusDays(i), point, 100, actual, 0, 1000));
            e1[i] = point - actual;
            e2[i] = 100 - actual;
            if (i < 29) {
                scores.add(score("1", 1, d.plusDays(i), actual, 100, actual, 0, 1000));
            }
        }
        TrackRecord r = TrackRecord.of("m", 250, new TrackStore.Counts(0, 0, 0), 0, scores);
        assertEquals(List.of("2", "1"), r.versions().stream().map(TrackRecord.Line::version).toList());
        DieboldMariano.Result expected = DieboldMariano.test(e1, e2, 1, DieboldMariano.Loss.ABSOLUTE);
        TrackRecord.Dm dm = r.versions().getFirst().dm().orElseThrow();
        assertEquals(expected.statistic(), dm.statistic(), 1e-12);
        assertEquals(expected.pTwoSided(), dm.pTwoSided(), 1e-12);
        assertEquals(30, dm.days());
        assertTrue(r.versions().get(1).dm().isEmpty(), "29 days: no test yet");
    }
}
