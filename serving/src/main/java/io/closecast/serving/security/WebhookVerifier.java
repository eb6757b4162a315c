package io.closecast.serving.security;

import io.closecast.serving.ServingException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies MLflow 3 registry webhook deliveries as MLflow signs them: header {@code X-MLflow-Signature:
 * v1,<base64 HMAC-SHA256>} over {@code <X-MLflow-Delivery-Id>.<X-MLflow-Timestamp>.<raw body>} with the webhook's
 * secret; {@code X-MLflow-Timestamp} is Unix seconds and must be within {@code maxSkew} of now (replays are refused).
 */
public final class WebhookVerifier {

    private final byte[] secret;
    private final Duration maxSkew;
    private final Clock clock;

    private WebhookVerifier(String secret, Duration maxSkew, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new ServingException("webhook.secret must not be empty");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static WebhookVerifier create(String secret, Duration maxSkew, Clock clock) {
        return new WebhookVerifier(secret, maxSkew, clock);
    }

    /** The signature header value MLflow would send ({@code v1,<base64>}); for tests and tools. */
    public String sign(String deliveryId, String timestamp, byte[] payload) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(deliveryId, timestamp, payload));
    }

    /**
     * Throws a {@link WebhookRejectedException} unless the delivery is authentic: a {@code HEADER} fault for a missing,
     * malformed or stale header, a {@code SIGNATURE} fault for a signature that does not match.
     */
    public void verify(String deliveryId, String timestamp, String signature, byte[] payload) {
        if (deliveryId.isBlank()) {
            throw new WebhookRejectedException(WebhookRejectedException.Fault.HEADER, "X-MLflow-Delivery-Id",
                    "expected the delivery id header, found none", Optional.empty());
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException(WebhookRejectedException.Fault.HEADER, "X-MLflow-Timestamp",
                    "expected Unix seconds", Optional.of(timestamp));
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - seconds);
        if (skew > maxSkew.toSeconds()) {
            throw new WebhookRejectedException(WebhookRejectedException.Fault.HEADER, "X-MLflow-Timestamp", "expected a time within "
                    + maxSkew.toSeconds() + " s of now, found one " + skew + " s away (stale or replayed delivery)", Optional.empty());
        }
        byte[] expected = hmac(deliveryId, timestamp.strip(), payload);
        boolean ok = false;
        for (String part : signature.strip().split("\\s+")) {
            if (part.startsWith("v1,")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(part.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                ok |= MessageDigest.isEqual(expected, given);
            }
        }
        if (!ok) {
            throw new WebhookRejectedException(WebhookRejectedException.Fault.SIGNATURE, "X-MLflow-Signature",
                    "expected v1,<base64 HMAC-SHA256 of delivery_id.timestamp.payload> with the configured secret, found a "
                            + "signature that does not match", Optional.empty());
        }
    }

    private byte[] hmac(String deliveryId, String timestamp, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((deliveryId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new ServingException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
