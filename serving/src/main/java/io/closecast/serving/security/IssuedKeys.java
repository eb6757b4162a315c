package io.closecast.serving.security;

import io.closecast.serving.ServingException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys issued by the service ({@code POST /v1/keys}): 32 random bytes from {@link SecureRandom}, URL-safe base64
 * with a {@code cck_} prefix, shown once and kept only as their SHA-256 digest in an {@link IssuedKeyStore}. The
 * active keys are cached and re-read from the store every {@link #REFRESH_MILLIS} by a daemon thread (a request never
 * waits for the store), so a key revoked on one replica is refused on every replica sharing the store within a
 * second; the replica that revokes refuses it at once. Last use is kept in memory and written to the store at each
 * re-read. If the store cannot be read, the last list read stays in force (logged once per failure streak).
 */
public final class IssuedKeys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IssuedKeys.class);
    /** How often the active keys are re-read from the store. */
    public static final long REFRESH_MILLIS = 500;
    /** The longest name accepted. */
    public static final int MAX_NAME = 200;

    private final IssuedKeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> pendingUse = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService refresher;
    private volatile Map<String, IssuedKey> active;
    private volatile boolean failing;

    private IssuedKeys(IssuedKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        Map<String, IssuedKey> first = Map.of();
        try {
            first = Map.copyOf(store.active());
        } catch (ServingException e) {
            LOG.warn("Issued API keys: the store cannot be read yet ({}); retried at each check", e.toString());
            failing = true;
        }
        this.active = first;
        this.refresher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("closecast-issued-keys").factory());
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public static IssuedKeys create(IssuedKeyStore store, Clock clock) {
        return new IssuedKeys(store, clock);
    }

    /** A new key and what is recorded of it: the key is returned here once and kept nowhere. */
    public record Issued(String key, IssuedKey info) {
        @Override
        public String toString() {
            return "Issued[" + info + "]"; // never the key
        }
    }

    /** Issues a key named {@code name}, valid until {@code expires} if given. */
    public synchronized Issued issue(String name, Optional<Instant> expires) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String key = "cck_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byte[] idBytes = new byte[8];
        random.nextBytes(idBytes);
        String id = "key_" + HexFormat.of().formatHex(idBytes);
        // to the millisecond, as the store keeps it, so every replica's view of the expiry is the same
        Optional<Instant> until = expires.map(at -> at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        IssuedKey info = new IssuedKey(id, name, Instant.ofEpochMilli(clock.millis()), until, Optional.empty());
        String digest = HexFormat.of().formatHex(ApiKeys.digest(key));
        store.add(info, digest);
        Map<String, IssuedKey> next = new HashMap<>(active);
        next.put(digest, info);
        active = Map.copyOf(next);
        LOG.info("API key issued: id {}, name {}, expires {}", id, name, until.map(Instant::toString).orElse("never"));
        return new Issued(key, info);
    }

    /** The keys not revoked (expired ones included, marked by their expiry), with their last use. */
    public List<IssuedKey> list() {
        flushUse();
        List<IssuedKey> out = new ArrayList<>();
        for (IssuedKey k : store.list()) {
            Optional<Instant> pending = Optional.ofNullable(pendingUse.get(k.id()));
            Optional<Instant> last = k.lastUsed().isPresent() && pending.isPresent()
                    ? Optional.of(k.lastUsed().get().isAfter(pending.get()) ? k.lastUsed().get() : pending.get())
                    : k.lastUsed().or(() -> pending);
            out.add(new IssuedKey(k.id(), k.name(), k.created(), k.expires(), last));
        }
        return out;
    }

    /** Revokes the key with {@code id}: refused here at once, on other replicas at their next re-read. */
    public synchronized boolean revoke(String id) {
        boolean done = store.revoke(id, Instant.ofEpochMilli(clock.millis()));
        Map<String, IssuedKey> next = new HashMap<>(active);
        next.values().removeIf(k -> k.id().equals(id));
        active = Map.copyOf(next);
        pendingUse.remove(id);
        if (done) {
            LOG.info("API key revoked: id {}", id);
        }
        return done;
    }

    /** Whether {@code digest} (SHA-256 of a presented key) is an issued key, not revoked, not expired. */
    boolean accepts(byte[] digest) {
        long now = clock.millis();
        IssuedKey k = active.get(HexFormat.of().formatHex(digest));
        if (k == null || k.expiredAt(Instant.ofEpochMilli(now))) {
            return false;
        }
        pendingUse.put(k.id(), Instant.ofEpochMilli(now));
        return true;
    }

    private synchronized void refresh() { // with issue and revoke: a re-read never undoes their update of the cache
        try {
            flushUse();
            active = Map.copyOf(store.active());
            if (failing) {
                LOG.info("Issued API keys readable again");
            }
            failing = false;
        } catch (RuntimeException e) { // a failure must not end the schedule
            if (!failing) {
                LOG.warn("Issued API keys: the store cannot be read ({}); the last list read stays in force", e.toString());
            }
            failing = true;
        }
    }

    private void flushUse() {
        if (pendingUse.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = new HashMap<>(pendingUse);
        store.touch(batch);
        batch.forEach(pendingUse::remove);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flushUse();
        } finally {
            store.close();
        }
    }
}
