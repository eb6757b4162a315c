package io.closecast.serving.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of an issued key, never the key: its id, name, when it was made, when it expires (if ever) and when
 * it was last used (if ever).
 */
public record IssuedKey(String id, String name, Instant created, Optional<Instant> expires, Optional<Instant> lastUsed) {

    public IssuedKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(lastUsed, "lastUsed");
    }

    /** Whether it has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expires.isPresent() && !now.isBefore(expires.get());
    }
}
