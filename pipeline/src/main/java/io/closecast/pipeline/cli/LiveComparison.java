package io.closecast.pipeline.cli;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.live.LiveTrackRecord;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * {@code closecast models compare NAME --live URL}: the service's live track record of the production version and the
 * challenger in shadow, side by side per horizon step (scored days, MAE, naive MAE, MASE, direction beside the up-day
 * share, coverage per level, DM against naive), and the comparison on their common target days (both MAEs, the ratio,
 * the Diebold-Mariano test of the challenger against production); as text or JSON.
 */
final class LiveComparison {
    private LiveComparison() {
    }

    static void print(PrintWriter out, String source, LiveTrackRecord record, boolean json) {
        LiveTrackRecord.Challenger challenger = record.challenger().orElseThrow(() -> new PipelineException(
                "the closecast service at " + source + " serves " + record.model() + " with no challenger in shadow"
                        + " (models[].shadow-alias in its config): there is no live comparison to show"));
        Optional<String> production = challenger.productionVersion();
        Optional<String> candidate = challenger.version();
        List<Integer> steps = steps(record, production, candidate, challenger);
        if (json) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("model", record.model());
            map.put("source", source);
            map.put("window", record.window());
            map.put("dm_min_days", record.dmMinDays());
            map.put("production_version", production.orElse(null));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("alias", challenger.alias());
            c.put("version", candidate.orElse(null));
            c.put("condition", challenger.condition());
            map.put("challenger", c);
            List<Map<String, Object>> perStep = new ArrayList<>();
            for (int step : steps) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", step);
                s.put("production", production.flatMap(v -> record.line(v, step)).map(LiveComparison::line).orElse(null));
                s.put("challenger", candidate.flatMap(v -> record.line(v, step)).map(LiveComparison::line).orElse(null));
                s.put("comparison", challenger.at(step).map(LiveComparison::comparison).orElse(null));
                perStep.add(s);
            }
            map.put("steps", perStep);
            CommandSupport.printJson(out, map);
            return;
        }
        out.printf(Locale.ROOT, "%s: live track record from %s (latest %d scored days per version and step;"
                + " Diebold-Mariano tests from %d days)%n", record.model(), source, record.window(), record.dmMinDays());
        out.printf(Locale.ROOT, "challenger in shadow: alias %s, version %s (%s), beside production version %s%n",
                challenger.alias(), candidate.orElse("none"), challenger.condition(), production.orElse("none"));
        if (steps.isEmpty()) {
            out.println("(nothing scored yet: no forecast of either version has a realised close)");
        }
        for (int step : steps) {
            Optional<LiveTrackRecord.Line> p = production.flatMap(v -> record.line(v, step));
            Optional<LiveTrackRecord.Line> c = candidate.flatMap(v -> record.line(v, step));
            out.printf(Locale.ROOT, "%nstep %d%-22s %24s %24s%n", step, "", "production v" + production.orElse("-"),
                    "challenger v" + candidate.orElse("-"));
            row(out, "scored days", p, c, l -> Integer.toString(l.days()));
            row(out, "target days", p, c, l -> l.first() + ".." + l.last());
            row(out, "MAE", p, c, l -> number(l.mae()));
            row(out, "naive MAE", p, c, l -> number(l.naiveMae()));
            row(out, "MASE", p, c, l -> number(l.mase()));
            row(out, "direction (up days)", p, c, l -> percent(l.directionalAccuracy()) + " ("
                    + percent(l.upDayShare()) + ")");
            TreeSet<Double> levels = new TreeSet<>();
            p.ifPresent(l -> l.coverage().forEach(x -> levels.add(x.level())));
            c.ifPresent(l -> l.coverage().forEach(x -> levels.add(x.level())));
            for (double level : levels) {
                row(out, "coverage " + Math.round(100 * level) + "%", p, c, l -> l.coverage().stream()
                        .filter(x -> x.level() == level).findFirst().map(x -> percent(OptionalDouble.of(x.coverage()))
                                + " (" + x.inside() + "/" + x.days() + ")").orElse("-"));
            }
            if (levels.isEmpty()) {
                out.printf(Locale.ROOT, "  %-26s %24s %24s%n", "coverage", "no intervals", "no intervals");
            }
            row(out, "DM vs naive p(better)", p, c, l -> l.dm().map(d -> number(d.pBetter())).orElse("- (< "
                    + record.dmMinDays() + " days)"));
            Optional<LiveTrackRecord.Comparison> cmp = challenger.at(step);
            if (cmp.isEmpty()) {
                out.println("  common days: none scored for both yet");
                continue;
            }
            LiveTrackRecord.Comparison x = cmp.get();
            out.printf(Locale.ROOT, "  common days: %d (%s..%s): MAE %s vs production's %s, ratio %s%n", x.days(),
                    x.first(), x.last(), number(x.challengerMae()), number(x.productionMae()), number(x.ratio()));
            out.println(x.dm().map(d -> String.format(Locale.ROOT, "  Diebold-Mariano, challenger vs production"
                            + " (absolute errors, %d days): statistic %.4f, p(better) %.4f, p(worse) %.4f, two-sided %.4f",
                    d.days(), d.statistic(), d.pBetter(), d.pWorse(), d.pTwoSided()))
                    .orElse("  Diebold-Mariano, challenger vs production: not yet (the service runs it from "
                            + record.dmMinDays() + " common days)"));
        }
        out.flush();
    }

    private static List<Integer> steps(LiveTrackRecord record, Optional<String> production, Optional<String> candidate,
                                       LiveTrackRecord.Challenger challenger) {
        TreeSet<Integer> steps = new TreeSet<>();
        record.versions().stream().filter(l -> production.filter(l.version()::equals).isPresent()
                || candidate.filter(l.version()::equals).isPresent()).forEach(l -> steps.add(l.step()));
        challenger.comparison().forEach(c -> steps.add(c.step()));
        return List.copyOf(steps);
    }

    private static void row(PrintWriter out, String label, Optional<LiveTrackRecord.Line> p,
                            Optional<LiveTrackRecord.Line> c, java.util.function.Function<LiveTrackRecord.Line, String> f) {
        out.printf(Locale.ROOT, "  %-26s %24s %24s%n", label, p.map(f).orElse("-"), c.map(f).orElse("-"));
    }

    private static Map<String, Object> line(LiveTrackRecord.Line l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", l.version());
        m.put("days", l.days());
        m.put("first", l.first().toString());
        m.put("last", l.last().toString());
        m.put("mae", l.mae());
        m.put("naive_mae", l.naiveMae());
        m.put("mase", orNull(l.mase()));
        m.put("directional_accuracy", orNull(l.directionalAccuracy()));
        m.put("up_day_share", orNull(l.upDayShare()));
        m.put("coverage", l.coverage().stream().map(x -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("level", x.level());
            c.put("inside", x.inside());
            c.put("days", x.days());
            c.put("coverage", x.coverage());
            return c;
        }).toList());
        m.put("dm_vs_naive", l.dm().map(LiveComparison::dm).orElse(null));
        return m;
    }

    private static Map<String, Object> comparison(LiveTrackRecord.Comparison x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", x.days());
        m.put("first", x.first().toString());
        m.put("last", x.last().toString());
        m.put("production_mae", x.productionMae());
        m.put("challenger_mae", x.challengerMae());
        m.put("ratio", orNull(x.ratio()));
        m.put("dm", x.dm().map(LiveComparison::dm).orElse(null));
        return m;
    }

    private static Map<String, Object> dm(LiveTrackRecord.Dm d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", d.days());
        m.put("statistic", d.statistic());
        m.put("p_two_sided", d.pTwoSided());
        m.put("p_better", d.pBetter());
        m.put("p_worse", d.pWorse());
        return m;
    }

    private static Double orNull(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : null;
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    private static String number(OptionalDouble v) {
        return v.isPresent() ? number(v.getAsDouble()) : "-";
    }

    private static String percent(OptionalDouble v) {
        return v.isPresent() && Double.isFinite(v.getAsDouble())
                ? String.format(Locale.ROOT, "%.1f%%", 100 * v.getAsDouble()) : "-";
    }
}
