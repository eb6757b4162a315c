package io.closecast.serving.dashboard;

import io.closecast.serving.dashboard.Comparison.Tone;
import io.closecast.serving.track.ChallengerComparison;
import io.closecast.serving.track.TrackRecord;

import java.util.List;
import java.util.Optional;

/**
 * A challenger in shadow beside the production version in words, at the first horizon step both were scored on, on
 * their common days: "Challenger v8 (@challenger, in shadow): 45 common days, MAE 0.97 of production's, level with
 * production (DM p = 0.4)"; "too few to test" below {@value TrackRecord#DM_MIN_DAYS} common days; said plainly when no
 * version serves in shadow, when nothing is scored on common days yet, or when the forecast log is off.
 *
 * @param tone       what the words say ({@code BETTER}: the challenger is significantly more accurate)
 * @param text       the words
 * @param alias      the shadow alias
 * @param version    the challenger's serving version; empty while none serves
 * @param comparison its first step's comparison; empty without common scored days
 * @param point      the challenger's MAE against production's (NaN without a comparison)
 */
public record ShadowVerdict(Tone tone, String text, String alias, Optional<String> version,
                            Optional<ChallengerComparison> comparison, Comparison point) {

    private static final Comparison NOTHING = new Comparison(Tone.NONE, "", Double.NaN, Double.NaN, Double.NaN);

    /** No version of the shadow alias serves ({@code condition}: loading, refused, ...). */
    public static ShadowVerdict notServing(String alias, String condition) {
        return new ShadowVerdict(Tone.NONE, "Challenger @" + alias + ": no version serves in shadow (" + condition + ")",
                alias, Optional.empty(), Optional.empty(), NOTHING);
    }

    /** The forecast log is off or does not answer: the challenger serves but nothing compares it. */
    public static ShadowVerdict unscored(String alias, String version, String why) {
        return new ShadowVerdict(Tone.NONE, head(alias, version) + "no comparison (" + why + ")", alias,
                Optional.of(version), Optional.empty(), NOTHING);
    }

    /** The verdict from the comparisons per step ({@link ChallengerComparison#of}). */
    public static ShadowVerdict of(String alias, String version, List<ChallengerComparison> comparisons) {
        Optional<ChallengerComparison> first = comparisons.stream().min((a, b) -> Integer.compare(a.step(), b.step()));
        if (first.isEmpty()) {
            return new ShadowVerdict(Tone.NONE, head(alias, version) + "no common scored day yet", alias,
                    Optional.of(version), first, NOTHING);
        }
        ChallengerComparison c = first.get();
        String days = head(alias, version) + c.days() + " common scored " + (c.days() == 1 ? "day" : "days") + ", MAE "
                + Comparison.ratio(c.ratio()) + " of production's, ";
        if (c.dm().isEmpty()) {
            Comparison point = new Comparison(Tone.NONE, "too few to test (" + TrackRecord.DM_MIN_DAYS + " needed)",
                    c.challengerMae(), c.productionMae(), Double.NaN);
            return new ShadowVerdict(Tone.NONE, days + point.text(), alias, Optional.of(version), first, point);
        }
        Comparison point = Comparison.of(c.challengerMae(), c.productionMae(), c.dm().get().pBetter(), "production");
        return new ShadowVerdict(point.tone(), days + point.text(), alias, Optional.of(version), first, point);
    }

    private static String head(String alias, String version) {
        return "Challenger v" + version + " (@" + alias + ", in shadow): ";
    }
}
