package io.closecast.serving.track;

import io.closecast.serving.ServingException;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One dated forecast the service answered, as the forecast log keeps it: who asked it (the request id the answer
 * carried in {@code X-Request-Id}), which model version answered, for which symbol, from which last input day, and per
 * horizon step its target trading day, point forecast, naive forecast (the last input close) and interval bounds.
 *
 * @param requestId  unique per answered request
 * @param receivedAt when the service answered it (the service's clock)
 * @param model      registered model name
 * @param version    model version that answered
 * @param alias      the alias the model follows (e.g. {@code production})
 * @param symbol     the symbol the model forecasts (empty when its bundle does not say: such forecasts are never scored)
 * @param asOf       the last input day
 * @param steps      one per horizon step, step 1 first
 */
public record LoggedForecast(String requestId, Instant receivedAt, String model, String version, String alias,
                             String symbol, LocalDate asOf, List<Step> steps) {

    public LoggedForecast {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(asOf, "asOf");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new ServingException("a logged forecast needs at least one step, found none (request " + requestId + ")");
        }
    }

    /** The same forecast asked twice: same model, version, symbol, last input day. Scored once per step. */
    public record Key(String model, String version, String symbol, LocalDate asOf, int step) {
    }

    /**
     * One horizon step.
     *
     * @param step   1-based step
     * @param target the trading day it is for
     * @param point  the model's point forecast
     * @param naive  the naive forecast (the last input close)
     * @param bounds interval bounds, one per level
     */
    public record Step(int step, LocalDate target, double point, double naive, List<Bound> bounds) {
        public Step {
            Objects.requireNonNull(target, "target");
            bounds = List.copyOf(bounds);
        }
    }

    /** An interval's bounds at one nominal level. */
    public record Bound(double level, double lower, double upper) {
        public boolean covers(double actual) {
            return actual >= lower && actual <= upper;
        }
    }
}
