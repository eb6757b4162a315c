package io.closecast.serving.track;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One logical forecast step checked against its realised close: scored once, from the first request that asked it.
 *
 * @param key       model, version, symbol, last input day, step
 * @param target    the day it was for
 * @param requestId the request whose forecast was scored
 * @param point     the model's forecast
 * @param naive     the naive forecast (the last input close)
 * @param actual    the realised close of {@code target}
 * @param bounds    the intervals given, with whether the close fell inside
 */
public record Score(LoggedForecast.Key key, LocalDate target, String requestId, double point, double naive,
                    double actual, List<Coverage> bounds) {

    public Score {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(requestId, "requestId");
        bounds = List.copyOf(bounds);
    }

    /** One interval level of a scored step. */
    public record Coverage(double level, double lower, double upper, boolean inside) {
    }

    /** |actual - point|. */
    public double absError() {
        return Math.abs(actual - point);
    }

    /** |actual - naive|. */
    public double naiveError() {
        return Math.abs(actual - naive);
    }

    /** Scores a logged step against the realised close. */
    public static Score of(LoggedForecast.Key key, String requestId, LoggedForecast.Step step, double actual) {
        return new Score(key, step.target(), requestId, step.point(), step.naive(), actual, step.bounds().stream()
                .map(b -> new Coverage(b.level(), b.lower(), b.upper(), b.covers(actual))).toList());
    }
}
