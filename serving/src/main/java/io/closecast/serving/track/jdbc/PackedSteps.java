package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.Score;
import io.closecast.serving.track.TrackStoreException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a logged request's steps are packed into ({@code logged_request.steps}) and a scored step's coverage
 * ({@code step_score.coverage}), schema migration 5. Both start with their format's number and a bar, so a later
 * format can be told apart from this one (format {@value #FORMAT}):
 * <ul>
 *   <li>steps: {@code 1} then per step {@code |step,days,point,naive} and per level {@code ,level:lower:upper}, where
 *   {@code days} is the target day's distance from the last input day in calendar days; e.g. a two-step forecast
 *   with one level: {@code 1|1,1,101.5,100.0,0.8:100.5:102.5|2,4,102.0,100.0,0.8:100.0:104.0};</li>
 *   <li>coverage: {@code 1|} then per level {@code level:lower:upper:inside} (inside 1 or 0), comma-separated; e.g.
 *   {@code 1|0.8:100.0:102.0:0,0.95:98.0:104.0:1}.</li>
 * </ul>
 * Numbers as {@link Double#toString} writes them (read back bit for bit).
 */
final class PackedSteps {

    /** The format this build writes and reads. */
    static final int FORMAT = 1;
    private static final String PREFIX = FORMAT + "|";

    private PackedSteps() {
    }

    /** {@code steps} of a forecast whose last input day is {@code asOf}, packed. */
    static String pack(LocalDate asOf, List<LoggedForecast.Step> steps) {
        StringBuilder sb = new StringBuilder(16 + 64 * steps.size()).append(FORMAT);
        long day = asOf.toEpochDay();
        for (LoggedForecast.Step s : steps) {
            sb.append('|').append(s.step()).append(',').append(s.target().toEpochDay() - day).append(',')
                    .append(s.point()).append(',').append(s.naive());
            for (LoggedForecast.Bound b : s.bounds()) {
                sb.append(',').append(b.level()).append(':').append(b.lower()).append(':').append(b.upper());
            }
        }
        return sb.toString();
    }

    /** The steps {@link #pack} packed; {@code withBounds} false leaves the levels out. */
    static List<LoggedForecast.Step> unpack(LocalDate asOf, String packed, boolean withBounds) {
        check(packed, "steps");
        List<LoggedForecast.Step> out = new ArrayList<>(4);
        int at = PREFIX.length();
        while (at < packed.length()) {
            int end = packed.indexOf('|', at);
            if (end < 0) {
                end = packed.length();
            }
            if (end > at) {
                out.add(step(asOf, packed, at, end, withBounds));
            }
            at = end + 1;
        }
        return out;
    }

    private static LoggedForecast.Step step(LocalDate asOf, String s, int from, int to, boolean withBounds) {
        int c1 = s.indexOf(',', from);
        int c2 = s.indexOf(',', c1 + 1);
        int c3 = s.indexOf(',', c2 + 1);
        int c4 = s.indexOf(',', c3 + 1);
        if (c1 < 0 || c2 < 0 || c3 < 0 || c1 >= to || c2 >= to || c3 >= to) {
            throw bad("steps", s);
        }
        int endNaive = c4 < 0 || c4 > to ? to : c4;
        int step = Integer.parseInt(s, from, c1, 10);
        LocalDate target = asOf.plusDays(Long.parseLong(s, c1 + 1, c2, 10));
        double point = Double.parseDouble(s.substring(c2 + 1, c3));
        double naive = Double.parseDouble(s.substring(c3 + 1, endNaive));
        List<LoggedForecast.Bound> bounds = new ArrayList<>(2);
        for (int at = endNaive + 1; withBounds && at < to; ) {
            int end = s.indexOf(',', at);
            if (end < 0 || end > to) {
                end = to;
            }
            int k1 = s.indexOf(':', at);
            int k2 = s.indexOf(':', k1 + 1);
            if (k1 < 0 || k2 < 0 || k2 >= end) {
                throw bad("steps", s);
            }
            bounds.add(new LoggedForecast.Bound(Double.parseDouble(s.substring(at, k1)),
                    Double.parseDouble(s.substring(k1 + 1, k2)), Double.parseDouble(s.substring(k2 + 1, end))));
            at = end + 1;
        }
        return new LoggedForecast.Step(step, target, point, naive, bounds);
    }

    /** A scored step's coverage per level, packed. */
    static String packCoverage(List<Score.Coverage> coverage) {
        StringBuilder sb = new StringBuilder(PREFIX);
        for (Score.Coverage c : coverage) {
            if (sb.length() > PREFIX.length()) {
                sb.append(',');
            }
            sb.append(c.level()).append(':').append(c.lower()).append(':').append(c.upper()).append(':')
                    .append(c.inside() ? '1' : '0');
        }
        return sb.toString();
    }

    /** The coverage {@link #packCoverage} packed. */
    static List<Score.Coverage> unpackCoverage(String packed) {
        check(packed, "coverage");
        List<Score.Coverage> out = new ArrayList<>(2);
        for (int at = PREFIX.length(); at < packed.length(); ) {
            int end = packed.indexOf(',', at);
            if (end < 0) {
                end = packed.length();
            }
            int k1 = packed.indexOf(':', at);
            int k2 = packed.indexOf(':', k1 + 1);
            int k3 = packed.indexOf(':', k2 + 1);
            if (k1 < 0 || k2 < 0 || k3 < 0 || k3 >= end) {
                throw bad("coverage", packed);
            }
            out.add(new Score.Coverage(Double.parseDouble(packed.substring(at, k1)),
                    Double.parseDouble(packed.substring(k1 + 1, k2)), Double.parseDouble(packed.substring(k2 + 1, k3)),
                    packed.charAt(k3 + 1) == '1'));
            at = end + 1;
        }
        return out;
    }

    private static void check(String packed, String what) {
        if (!packed.startsWith(PREFIX) && !packed.equals(Integer.toString(FORMAT))) {
            throw bad(what, packed);
        }
    }

    private static TrackStoreException bad(String what, String packed) {
        String shown = packed.length() > 80 ? packed.substring(0, 80) + "..." : packed;
        return new TrackStoreException("the forecast log holds packed " + what + " this build cannot read: '" + shown
                + "' (expected format " + FORMAT + ", docs/serving.md, The forecast log)", false, null);
    }
}
