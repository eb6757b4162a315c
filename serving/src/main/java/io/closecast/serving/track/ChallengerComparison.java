package io.closecast.serving.track;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.closecast.model.evaluation.DieboldMariano;

/**
 * A challenger in shadow beside the production version at one horizon step, on the same target days only: the
 * logical forecasts both versions made (same symbol, same last input day) whose target day is scored, the latest
 * {@code window} of them. MAE of each, their ratio, and once {@value TrackRecord#DM_MIN_DAYS} or more such days are
 * scored a Diebold-Mariano test (absolute loss) of the challenger against production: a negative statistic and a small
 * {@code pBetter} say the challenger's errors are smaller.
 *
 * @param production    the production version
 * @param challenger    the challenger's version
 * @param step          1-based horizon step
 * @param days          target days both were scored on (within the window)
 * @param productionMae production's MAE on those days
 * @param challengerMae the challenger's MAE on the same days
 * @param dm            empty until {@value TrackRecord#DM_MIN_DAYS} common days
 */
public record ChallengerComparison(String production, String challenger, int step, int days, LocalDate first,
                                   LocalDate last, double productionMae, double challengerMae,
                                   Optional<TrackRecord.Dm> dm) {

    /** challengerMae / productionMae (&lt; 1: the challenger did better); NaN while production's MAE is 0. */
    public double ratio() {
        return productionMae > 0 ? challengerMae / productionMae : Double.NaN;
    }

    private record Day(String symbol, LocalDate asOf, LocalDate target) {
    }

    /**
     * One comparison per step both versions have common scored days at, from the model's scores (any order). Two
     * versions that are the same version are not compared (empty).
     */
    public static List<ChallengerComparison> of(List<Score> scores, String production, String challenger, int window) {
        if (production.equals(challenger)) {
            return List.of();
        }
        Map<Integer, Map<Day, Score[]>> bySteps = new TreeMap<>();
        for (Score s : scores) {
            int side = s.key().version().equals(production) ? 0 : s.key().version().equals(challenger) ? 1 : -1;
            if (side < 0) {
                continue;
            }
            bySteps.computeIfAbsent(s.key().step(), k -> new java.util.HashMap<>())
                    .computeIfAbsent(new Day(s.key().symbol(), s.key().asOf(), s.target()), d -> new Score[2])[side] = s;
        }
        List<ChallengerComparison> out = new ArrayList<>();
        bySteps.forEach((step, days) -> {
            List<Score[]> both = new ArrayList<>(days.values().stream().filter(p -> p[0] != null && p[1] != null).toList());
            if (both.isEmpty()) {
                return;
            }
            both.sort(Comparator.comparing((Score[] p) -> p[0].target()).thenComparing(p -> p[0].key().symbol())
                    .thenComparing(p -> p[0].key().asOf()));
            List<Score[]> latest = both.subList(Math.max(0, both.size() - window), both.size());
            int n = latest.size();
            double[] eChallenger = new double[n];
            double[] eProduction = new double[n];
            double sumP = 0;
            double sumC = 0;
            for (int i = 0; i < n; i++) {
                Score p = latest.get(i)[0];
                Score c = latest.get(i)[1];
                eProduction[i] = p.point() - p.actual();
                eChallenger[i] = c.point() - c.actual();
                sumP += p.absError();
                sumC += c.absError();
            }
            Optional<TrackRecord.Dm> dm = Optional.empty();
            if (n >= TrackRecord.DM_MIN_DAYS) {
                DieboldMariano.Result r = DieboldMariano.test(eChallenger, eProduction, step, DieboldMariano.Loss.ABSOLUTE);
                dm = Optional.of(new TrackRecord.Dm(r.statistic(), r.pTwoSided(), r.pBetter(), r.n()));
            }
            out.add(new ChallengerComparison(production, challenger, step, n, latest.getFirst()[0].target(),
                    latest.getLast()[0].target(), sumP / n, sumC / n, dm));
        });
        return out;
    }
}
