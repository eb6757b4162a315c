package io.closecast.serving.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The MLflow registry webhook: the {@code webhook} keys.
 *
 * @param secret  {@code webhook.secret}: the shared HMAC secret; without one the webhook route refuses deliveries
 * @param maxSkew {@code webhook.max-skew}: how far a delivery's timestamp may be from now
 */
public record WebhookSettings(Optional<String> secret, Duration maxSkew) {

    public WebhookSettings {
        Objects.requireNonNull(secret, "webhookSecret");
        Objects.requireNonNull(maxSkew, "webhookMaxSkew");
    }
}
