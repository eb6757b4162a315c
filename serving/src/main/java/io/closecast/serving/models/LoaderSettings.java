package io.closecast.serving.models;

import io.closecast.serving.ServingException;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of a model's background loader ({@link AliasPoller}) and the checks a new version passes (the model core's {@link io.closecast.model.bundle.Servability#warmUp}).
 *
 * @param pollInterval  how often the alias is resolved while a model serves
 * @param retryInitial  first wait after a failed start-up attempt
 * @param retryMax      cap of the doubling wait
 * @param warmupRounds  forecasts run on a new version before it serves (and to check its answers)
 * @param serveCachedOnOutage when the registry cannot be asked and nothing serves (a restart during an outage),
 *                      serve the last version this source verified and served, from its cache, until it answers
 */
public record LoaderSettings(Duration pollInterval, Duration retryInitial, Duration retryMax, int warmupRounds,
                             boolean serveCachedOnOutage) {

    public LoaderSettings(Duration pollInterval, Duration retryInitial, Duration retryMax, int warmupRounds) {
        this(pollInterval, retryInitial, retryMax, warmupRounds, true);
    }

    public LoaderSettings {
        requirePositive(pollInterval, "poll-interval");
        requirePositive(retryInitial, "retry.initial");
        requirePositive(retryMax, "retry.max");
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new ServingException("retry.max must be >= retry.initial (" + retryInitial + "), found " + retryMax);
        }
        if (warmupRounds < 1) {
            throw new ServingException("warmup-rounds must be >= 1, found " + warmupRounds);
        }
    }

    private static void requirePositive(Duration d, String field) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new ServingException(field + " must be > 0, found " + d);
        }
    }
}
