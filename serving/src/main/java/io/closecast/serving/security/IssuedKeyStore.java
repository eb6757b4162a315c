package io.closecast.serving.security;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where issued keys are kept, shared by every replica that uses it: each key as its SHA-256 digest (hex), never the
 * key. Implemented over the forecast log's database ({@code track.jdbc.JdbcKeyStore}) and, while the log is off, a
 * file ({@link FileKeyStore}).
 */
public interface IssuedKeyStore extends AutoCloseable {

    /** Records a new key under {@code sha256Hex}. */
    void add(IssuedKey key, String sha256Hex);

    /** The keys not revoked, oldest first. */
    List<IssuedKey> list();

    /** The keys not revoked, by digest (hex). */
    Map<String, IssuedKey> active();

    /** Revokes a key; false when no key (not yet revoked) has that id. */
    boolean revoke(String id, Instant at);

    /** Records when keys were last used (by id). */
    void touch(Map<String, Instant> lastUse);

    @Override
    void close();
}
