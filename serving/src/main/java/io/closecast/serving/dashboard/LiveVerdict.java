package io.closecast.serving.dashboard;

import io.closecast.serving.dashboard.Comparison.Tone;
import io.closecast.serving.track.TrackRecord;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The live track record of the serving version in words: its first horizon step's scored days, MASE and, from
 * {@value TrackRecord#DM_MIN_DAYS} scored days, the Diebold-Mariano verdict against naive ("Live: 45 scored days,
 * MASE 0.98, level with naive (DM p = 0.30)"); "too few to test" before; "no record yet" when nothing of the version
 * is scored; said plainly when the forecast log is off or its store does not answer.
 *
 * @param tone     what the words say ({@code NONE} until a test decides)
 * @param text     the words
 * @param version  the version the record is of
 * @param line     its figures at the first step; empty without a scored day (or without a record)
 * @param point    MAE against the naive forecast's on the same days (NaN without a line)
 */
public record LiveVerdict(Tone tone, String text, String version, Optional<TrackRecord.Line> line, Comparison point) {

    private static final Comparison NOTHING = new Comparison(Tone.NONE, "", Double.NaN, Double.NaN, Double.NaN);

    /** The forecast log is off ({@code track.enabled: false}): there is no live record to show. */
    public static LiveVerdict off(String version) {
        return new LiveVerdict(Tone.NONE, "Live: no record, the forecast log is off (track.enabled: false)", version,
                Optional.empty(), NOTHING);
    }

    /** The record could not be read (its store does not answer). */
    public static LiveVerdict unavailable(String version, String reason) {
        return new LiveVerdict(Tone.NONE, "Live: record unavailable (" + reason + ")", version, Optional.empty(), NOTHING);
    }

    /** {@code version}'s live verdict from the model's track record. */
    public static LiveVerdict of(TrackRecord record, String version) {
        Optional<TrackRecord.Line> first = record.versions().stream().filter(l -> l.version().equals(version))
                .min((a, b) -> Integer.compare(a.step(), b.step()));
        if (first.isEmpty()) {
            return new LiveVerdict(Tone.NONE, "Live: no record yet (no forecast of v" + version
                    + " scored against a realised close)", version, first, NOTHING);
        }
        TrackRecord.Line l = first.get();
        String days = "Live: " + l.days() + " scored " + (l.days() == 1 ? "day" : "days") + " (" + range(l.first(), l.last())
                + "), MASE " + Comparison.ratio(l.mase().orElse(Double.NaN)) + ", ";
        if (l.dm().isEmpty()) {
            Comparison point = new Comparison(Tone.NONE, "too few to test (" + TrackRecord.DM_MIN_DAYS + " needed)",
                    l.mae(), l.naiveMae(), Double.NaN);
            return new LiveVerdict(Tone.NONE, days + point.text(), version, first, point);
        }
        Comparison point = Comparison.of(l.mae(), l.naiveMae(), l.dm().get().pBetter(), "naive");
        return new LiveVerdict(point.tone(), days + point.text(), version, first, point);
    }

    private static String range(LocalDate first, LocalDate last) {
        return first.equals(last) ? first.toString() : first + " to " + last;
    }

    /** Coverage per level at the first step ([] without a line). */
    public List<TrackRecord.LevelCoverage> coverage() {
        return line.map(TrackRecord.Line::coverage).orElse(List.of());
    }
}
