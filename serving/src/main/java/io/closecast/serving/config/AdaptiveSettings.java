package io.closecast.serving.config;

import io.closecast.serving.ServingException;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code model.intervals.adaptive.gamma} and {@code models[].intervals.adaptive.gamma}: the served models whose
 * intervals adapt to their realised misses (adaptive conformal inference, docs/serving.md#adaptive-intervals), with
 * their step sizes. A model not named here serves its calibrated intervals as they are (the default).
 *
 * @param gammas served model name to ACI step size, each in (0, 0.5]
 */
public record AdaptiveSettings(Map<String, Double> gammas) {
    /** The largest step size accepted (the model core's {@code AdaptiveConformal.MAX_GAMMA}). */
    public static final double MAX_GAMMA = io.closecast.model.intervals.AdaptiveConformal.MAX_GAMMA;

    public AdaptiveSettings {
        gammas = Map.copyOf(gammas);
        gammas.forEach((model, g) -> requireGamma(g, "intervals.adaptive.gamma of " + model));
    }

    /** No model adapts. */
    public static AdaptiveSettings off() {
        return new AdaptiveSettings(Map.of());
    }

    /** The step size of one model; empty when its intervals do not adapt. */
    public OptionalDouble gamma(String model) {
        Double g = gammas.get(model);
        return g == null ? OptionalDouble.empty() : OptionalDouble.of(g);
    }

    /** Whether any model adapts. */
    public boolean any() {
        return !gammas.isEmpty();
    }

    /** Checks a step size, naming {@code where} it came from. */
    static double requireGamma(double gamma, String where) {
        if (!(gamma > 0 && gamma <= MAX_GAMMA)) {
            throw new ServingException(where + " must be in (0, " + MAX_GAMMA + "] (e.g. 0.005), found " + gamma);
        }
        return gamma;
    }
}
