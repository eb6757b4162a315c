package io.closecast.serving.track;

import io.closecast.model.intervals.ForecastInterval;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps of the forecast each model and alias logged last, handed out again for a forecast equal to them: the
 * service answers the same forecast to every caller of a day, so the requests share one list (no new records on the
 * request path), and the forecast log's writer groups them by that list's identity first
 * ({@code track.jdbc.RequestGroups}). A forecast that differs in any number, target day or level gets new steps,
 * which it leaves for the next. Thread-safe.
 */
final class SharedSteps {

    private final Map<Slot, List<LoggedForecast.Step>> last = new ConcurrentHashMap<>();

    /** The steps of this forecast of {@code model} under {@code alias}: the last ones when equal, else new ones. */
    List<LoggedForecast.Step> steps(String model, String alias, List<LocalDate> targets, double[] points,
                                    List<ForecastInterval> intervals, double[] naive) {
        Slot slot = new Slot(model, alias);
        List<LoggedForecast.Step> steps = last.get(slot);
        if (steps == null || !same(steps, targets, points, intervals, naive)) {
            steps = build(targets, points, intervals, naive);
            last.put(slot, steps);
        }
        return steps;
    }

    /** A model and alias whose last logged steps this keeps. */
    private record Slot(String model, String alias) {
    }

    /** The steps of one forecast as the log keeps them: immutable lists built once (the records' List.copyOf keeps them). */
    private static List<LoggedForecast.Step> build(List<LocalDate> targets, double[] points, List<ForecastInterval> intervals,
                                                   double[] naive) {
        LoggedForecast.Step[] steps = new LoggedForecast.Step[points.length];
        int levels = intervals.size();
        for (int i = 0; i < points.length; i++) {
            LoggedForecast.Bound[] bounds = new LoggedForecast.Bound[levels];
            for (int k = 0; k < levels; k++) {
                ForecastInterval interval = intervals.get(k);
                bounds[k] = new LoggedForecast.Bound(interval.level(), interval.lower(i), interval.upper(i));
            }
            steps[i] = new LoggedForecast.Step(i + 1, targets.get(i), points[i], naive[i], List.of(bounds));
        }
        return List.of(steps);
    }

    /** Whether {@code steps} are what {@link #build} would build from the rest (numbers compared as the records do). */
    static boolean same(List<LoggedForecast.Step> steps, List<LocalDate> targets, double[] points,
                        List<ForecastInterval> intervals, double[] naive) {
        if (steps.size() != points.length) {
            return false;
        }
        for (int i = 0; i < points.length; i++) {
            LoggedForecast.Step s = steps.get(i);
            if (Double.compare(s.point(), points[i]) != 0 || Double.compare(s.naive(), naive[i]) != 0
                    || !s.target().equals(targets.get(i)) || s.bounds().size() != intervals.size()) {
                return false;
            }
            for (int k = 0; k < intervals.size(); k++) {
                LoggedForecast.Bound b = s.bounds().get(k);
                ForecastInterval interval = intervals.get(k);
                if (Double.compare(b.level(), interval.level()) != 0 || Double.compare(b.lower(), interval.lower(i)) != 0
                        || Double.compare(b.upper(), interval.upper(i)) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
