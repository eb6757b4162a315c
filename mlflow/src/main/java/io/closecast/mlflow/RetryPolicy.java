package io.closecast.mlflow;


import java.time.Duration;

/**
 * When and how long to wait before repeating a failed request: connection errors, HTTP 429 and 5xx are
 * retried with exponential backoff and jitter; any other 4xx is never retried.
 *
 * @param maxAttempts    total attempts including the first, {@code >= 1}
 * @param initialBackoff the wait before the first retry (before jitter)
 * @param maxBackoff     the cap on any single wait
 * @param jitter         fraction in [0, 1] of each wait that is randomized away (0 = fixed waits)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {

    /**
     * Checks the policy.
     *
     * @param maxAttempts    total attempts including the first, {@code >= 1}
     * @param initialBackoff the wait before the first retry (before jitter)
     * @param maxBackoff     the cap on any single wait, {@code >= initialBackoff}
     * @param jitter         fraction in [0, 1] of each wait that is randomized away
     * @throws MlflowException when a bound is broken
     */
    public RetryPolicy {
        Checks.positive(maxAttempts, "retry.max-attempts");
        Checks.notNull(initialBackoff, "retry.initial-backoff");
        Checks.notNull(maxBackoff, "retry.max-backoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new MlflowException("retry backoff must satisfy 0 <= initial-backoff <= max-backoff, found initial "
                    + initialBackoff + " and max " + maxBackoff);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new MlflowException("retry.jitter must be in [0, 1], found " + jitter);
        }
    }

    /**
     * 5 attempts, 250 ms doubling up to 8 s, half of each wait randomized.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(8), 0.5);
    }

    /**
     * A single attempt.
     *
     * @return a policy that never retries
     */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.0);
    }

    /**
     * Whether a response with this HTTP status is worth repeating: 429 and 5xx only.
     *
     * @param status an HTTP status
     * @return whether to retry it
     */
    public boolean retries(int status) {
        return status == 429 || (status >= 500 && status <= 599);
    }

    /**
     * The wait before retry number {@code retry} (1 = first retry): {@code min(max, initial * 2^(retry-1))}
     * reduced by up to {@code jitter} of itself, using {@code random} in [0, 1).
     *
     * @param retry  the retry's number, {@code >= 1}
     * @param random a random number in [0, 1)
     * @return the wait
     * @throws MlflowException when {@code retry} or {@code random} is out of range
     */
    public Duration backoff(int retry, double random) {
        Checks.positive(retry, "retry");
        if (!(random >= 0.0 && random < 1.0)) {
            throw new MlflowException("random must be in [0, 1), found " + random);
        }
        long initial = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        long base = retry > 62 ? cap : Math.min(cap, initial * (1L << Math.min(retry - 1, 40)));
        if (base < 0) {
            base = cap;
        }
        return Duration.ofMillis(Math.round(base * (1.0 - jitter * random)));
    }
}
