package io.closecast.serving.security;

import io.closecast.serving.ServingException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepted API keys: a fixed set (config, {@code CLOSECAST_API_KEYS}) plus, optionally, a keys file (one key a
 * line, {@code #} comments) that is re-read when it changes, so keys rotate without a restart. Keys are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual} against every accepted key (constant time, no early exit)
 * and are never logged. Admin keys ({@code security.admin-keys}) are accepted everywhere and alone may manage
 * issued keys; keys issued by the service ({@link IssuedKeys}) are prediction keys like the configured ones.
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final long RECHECK_NANOS = 250_000_000L;

    /** The outcome of checking a request's key. */
    public enum Result {
        /** A prediction key: configured, from the keys file, or issued. */
        ACCEPTED,
        /** An admin key: accepted everywhere, and the only kind that may manage keys. */
        ADMIN,
        MISSING,
        REJECTED;

        /** Whether the key is accepted at all. */
        public boolean accepted() {
            return this == ACCEPTED || this == ADMIN;
        }
    }

    private final List<byte[]> fixed;
    private final List<byte[]> admin;
    private final Optional<IssuedKeys> issued;
    private final Optional<Path> file;
    private volatile List<byte[]> fromFile = List.of();
    private volatile FileTime fileTime;
    private volatile long fileSize = -1;
    private volatile long nextCheck;

    private ApiKeys(Collection<String> keys, Optional<Path> file, Collection<String> adminKeys, Optional<IssuedKeys> issued) {
        this.fixed = digests(keys);
        this.admin = digests(adminKeys);
        this.issued = issued;
        this.file = file;
        file.ifPresent(f -> reload(true));
    }

    /**
     * @param keys fixed keys (blank ones ignored)
     * @param file a keys file to watch, if any
     */
    public static ApiKeys create(Collection<String> keys, Optional<Path> file) {
        return new ApiKeys(keys, file, List.of(), Optional.empty());
    }

    /**
     * @param keys      fixed prediction keys (blank ones ignored)
     * @param file      a keys file to watch, if any
     * @param adminKeys admin keys (blank ones ignored)
     * @param issued    the keys issued by the service, if they are kept
     */
    public static ApiKeys create(Collection<String> keys, Optional<Path> file, Collection<String> adminKeys,
                                 Optional<IssuedKeys> issued) {
        return new ApiKeys(keys, file, adminKeys, issued);
    }

    private static List<byte[]> digests(Collection<String> keys) {
        List<byte[]> digests = new ArrayList<>();
        for (String k : keys) {
            if (!k.isBlank()) {
                digests.add(digest(k.strip()));
            }
        }
        return List.copyOf(digests);
    }

    /** Whether keys are required at all: true when any fixed or admin key or a keys file is configured. */
    public boolean enabled() {
        return !fixed.isEmpty() || !admin.isEmpty() || file.isPresent();
    }

    /** Whether any admin key is configured (without one, no one may manage issued keys). */
    public boolean adminEnabled() {
        return !admin.isEmpty();
    }

    /** The issued keys, if they are kept. */
    public Optional<IssuedKeys> issued() {
        return issued;
    }

    /** Checks a presented key (absent: {@link Result#MISSING}). */
    public Result check(Optional<String> presented) {
        if (presented.isEmpty() || presented.get().isBlank()) {
            return Result.MISSING;
        }
        if (file.isPresent()) {
            long now = System.nanoTime();
            if (now - nextCheck >= 0) {
                nextCheck = now + RECHECK_NANOS;
                reload(false);
            }
        }
        byte[] given = digest(presented.get().strip());
        boolean isAdmin = false;
        for (byte[] k : admin) {
            isAdmin |= MessageDigest.isEqual(k, given);
        }
        if (isAdmin) {
            return Result.ADMIN;
        }
        boolean ok = false;
        for (byte[] k : fixed) {
            ok |= MessageDigest.isEqual(k, given);
        }
        for (byte[] k : fromFile) {
            ok |= MessageDigest.isEqual(k, given);
        }
        if (!ok && issued.isPresent()) {
            ok = issued.get().accepts(given);
        }
        return ok ? Result.ACCEPTED : Result.REJECTED;
    }

    private synchronized void reload(boolean first) {
        Path f = file.orElseThrow();
        try {
            FileTime t = Files.getLastModifiedTime(f);
            long size = Files.size(f);
            if (!first && t.equals(fileTime) && size == fileSize) {
                return;
            }
            List<byte[]> digests = new ArrayList<>();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) {
                    digests.add(digest(k));
                }
            }
            fromFile = List.copyOf(digests);
            fileTime = t;
            fileSize = size;
            LOG.info("API keys file {} read: {} keys", f, digests.size());
        } catch (IOException e) {
            if (first || !fromFile.isEmpty()) {
                LOG.warn("API keys file {} unreadable ({}); its keys are not accepted until it is readable", f, e.toString());
            }
            fromFile = List.of();
            fileTime = null;
            fileSize = -1;
        }
    }

    static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new ServingException("SHA-256 is not available in this JVM", e);
        }
    }
}
