package io.closecast.serving.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The challenger comparison pairs the two versions on their common scored days only, within the window. */
class ChallengerComparisonTest {

    private static final LocalDate D = LocalDate.of(2024, 3, 4);

    private static Score score(String version, int day, double point, double actual) {
        return new Score(new LoggedForecast.Key("m", version, "MSFT", D.plusDays(day - 1L), 1), D.plusDays(day), "r" + version + day,
                point, 100, actual, List.of());
    }

    @Test
    void onlyTheDaysBothWereScoredOnCountWithinTheWindow() {
        List<Score> scores = new ArrayList<>();
        scores.add(score("1", 0, 101, 100)); // production only
        scores.add(score("1", 1, 102, 100));
        scores.add(score("2", 1, 99, 100));
        scores.add(score("1", 2, 104, 100));
        scores.add(score("2", 2, 103, 100));
        scores.add(score("2", 3, 100, 100)); // challenger only
        scores.add(score("3", 2, 50, 100)); // another version
        List<ChallengerComparison> all = ChallengerComparison.of(scores, "1", "2", 250);
        assertEquals(1, all.size());
        ChallengerComparison c = all.getFirst();
        assertEquals(2, c.days());
        assertEquals(D.plusDays(1), c.first());
        assertEquals(D.plusDays(2), c.last());
        assertEquals((2 + 4) / 2.0, c.productionMae(), 1e-12);
        assertEquals((1 + 3) / 2.0, c.challengerMae(), 1e-12);
        assertEquals(4.0 / 6.0, c.ratio(), 1e-12);
        assertTrue(c.dm().isEmpty(), "below " + TrackRecord.DM_MIN_DAYS + " days");

        ChallengerComparison latest = ChallengerComparison.of(scores, "1", "2", 1).getFirst();
        assertEquals(1, latest.days());
        assertEquals(D.plusDays(2), latest.first());
        assertEquals(4.0, latest.productionMae(), 1e-12);

        assertEquals(List.of(), ChallengerComparison.of(scores, "1", "1", 250), "a version is not compared with itself");
    }
}
