package io.closecast.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5);

    @Test
    void retriesOnlyTooManyRequestsAndServerErrors() {
        for (int status : new int[] {429, 500, 502, 503, 504, 599}) {
            assertTrue(policy.retries(status), "should retry " + status);
        }
        for (int status : new int[] {200, 301, 400, 401, 403, 404, 409, 422, 600}) {
            assertFalse(policy.retries(status), "should not retry " + status);
        }
    }

    @Test
    void backoffDoublesUpToTheCap() {
        assertEquals(Duration.ofMillis(100), policy.backoff(1, 0.0));
        assertEquals(Duration.ofMillis(200), policy.backoff(2, 0.0));
        assertEquals(Duration.ofMillis(400), policy.backoff(3, 0.0));
        assertEquals(Duration.ofMillis(800), policy.backoff(4, 0.0));
        assertEquals(Duration.ofSeconds(1), policy.backoff(5, 0.0));
        assertEquals(Duration.ofSeconds(1), policy.backoff(100, 0.0));
    }

    @Test
    void jitterTakesAtMostItsFraction() {
        for (int retry = 1; retry <= 6; retry++) {
            long full = policy.backoff(retry, 0.0).toMillis();
            long least = policy.backoff(retry, 0.999_999).toMillis();
            assertTrue(least >= full / 2 && least < full, "retry " + retry + ": " + least + " vs " + full);
            assertEquals(Math.round(full * 0.75), policy.backoff(retry, 0.5).toMillis());
        }
    }

    @Test
    void invalidSettingsAreRejectedWithTheValue() {
        MlflowException e = assertThrows(MlflowException.class,
                () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 0));
        assertEquals("retry.max-attempts must be > 0, found 0", e.getMessage());
        e = assertThrows(MlflowException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
        assertTrue(e.getMessage().contains("found initial PT2S and max PT1S"), e.getMessage());
        e = assertThrows(MlflowException.class,
                () -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1.5));
        assertEquals("retry.jitter must be in [0, 1], found 1.5", e.getMessage());
    }
}
