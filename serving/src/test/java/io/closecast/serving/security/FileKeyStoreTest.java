package io.closecast.serving.security;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issued keys in a file (the forecast log off): issuance, listing, revocation, expiry and last use through
 * {@link IssuedKeys}; only digests in the file, written atomically with owner-only permissions; a second instance on
 * the same file (another replica) sees a revocation within a second; two writers lose no update.
 */
class FileKeyStoreTest {
    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-07T12:00:00Z").toEpochMilli());

    private Clock clock() {
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
    }

    private static boolean accepts(IssuedKeys keys, String key) {
        return keys.accepts(ApiKeys.digest(key));
    }

    @Test
    void issueListUseRevokeAndExpireWithOnlyDigestsInTheFile() throws Exception {
        Path file = dir.resolve("conf/issued-keys.json");
        try (IssuedKeys keys = IssuedKeys.create(FileKeyStore.open(file), clock())) {
            IssuedKeys.Issued first = keys.issue("dashboard", Optional.empty());
            IssuedKeys.Issued brief = keys.issue("a day", Optional.of(Instant.ofEpochMilli(now.get()).plusSeconds(86_400)));
            assertTrue(accepts(keys, first.key()));
            assertTrue(accepts(keys, brief.key()));
            assertFalse(accepts(keys, first.key() + "x"));

            String text = Files.readString(file);
            assertFalse(text.contains(first.key()) || text.contains(brief.key()), "the key itself is never stored: " + text);
            assertTrue(text.contains(HexFormat.of().formatHex(ApiKeys.digest(first.key()))), "its digest is: " + text);
            assertTrue(text.contains("\"format\" : \"" + FileKeyStore.FORMAT + "\""), text);

            List<IssuedKey> listed = keys.list();
            assertEquals(List.of(first.info().id(), brief.info().id()), listed.stream().map(IssuedKey::id).toList());
            assertEquals("dashboard", listed.getFirst().name());
            assertEquals(Optional.of(Instant.ofEpochMilli(now.get())), listed.getFirst().lastUsed(), "used once, recorded");
            assertTrue(Files.readString(file).contains("\"last_used_ms\" : " + now.get()), "last use written to the file");

            now.addAndGet(86_400_000L);
            assertFalse(accepts(keys, brief.key()), "expired at its expires_at");
            assertTrue(accepts(keys, first.key()));

            assertTrue(keys.revoke(first.info().id()));
            assertFalse(accepts(keys, first.key()), "revoked: refused at once here");
            assertFalse(keys.revoke(first.info().id()), "already revoked");
            assertFalse(keys.revoke("key_unknown"));
            assertEquals(List.of(brief.info().id()), keys.list().stream().map(IssuedKey::id).toList());
        }
        try (IssuedKeys reopened = IssuedKeys.create(FileKeyStore.open(file), clock())) {
            assertEquals(1, reopened.list().size(), "kept across a restart");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    file.resolveSibling("issued-keys.json.lock"))));
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of("issued-keys.json", "issued-keys.json.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void aSecondReplicaOnTheSameFileSeesARevocationWithinASecond() throws Exception {
        Path file = dir.resolve("shared.json");
        try (IssuedKeys one = IssuedKeys.create(FileKeyStore.open(file), Clock.systemUTC());
             IssuedKeys two = IssuedKeys.create(FileKeyStore.open(file), Clock.systemUTC())) {
            IssuedKeys.Issued issued = one.issue("shared", Optional.empty());
            long issuedAt = System.nanoTime();
            while (!accepts(two, issued.key())) {
                assertTrue(System.nanoTime() - issuedAt < 1_000_000_000L, "the other replica did not see the issue in 1 s");
                Thread.sleep(20);
            }
            assertTrue(one.revoke(issued.info().id()));
            long revokedAt = System.nanoTime();
            while (accepts(two, issued.key())) {
                assertTrue(System.nanoTime() - revokedAt < 1_000_000_000L, "the other replica still accepts after 1 s");
                Thread.sleep(20);
            }
            assertTrue(two.list().isEmpty());
        }
    }

    @Test
    void twoWritersAtOnceLoseNoKey() throws Exception {
        Path file = dir.resolve("busy.json");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (IssuedKeys one = IssuedKeys.create(FileKeyStore.open(file), Clock.systemUTC());
             IssuedKeys two = IssuedKeys.create(FileKeyStore.open(file), Clock.systemUTC())) {
            List<Future<?>> work = new ArrayList<>();
            for (IssuedKeys keys : List.of(one, two)) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        keys.issue("k" + i, Optional.empty());
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            assertEquals(50, FileKeyStore.open(file).list().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMalformedFileIsAClearErrorNamingTheFileAndTheField() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"format\": \"" + FileKeyStore.FORMAT + "\", \"keys\": [{\"id\": \"key_1\", \"name\": \"n\","
                + " \"created_ms\": \"yesterday\", \"key_sha256\": \"" + "ab".repeat(32) + "\"}]}");
        IssuedKeyStoreException e = assertThrows(IssuedKeyStoreException.class, () -> FileKeyStore.open(file).active());
        assertEquals("issued keys file " + file.toAbsolutePath() + " is malformed: expected keys[0].created_ms to be a whole"
                + " number of epoch milliseconds or null, found string", e.getMessage());
        Files.writeString(file, "[]");
        assertTrue(assertThrows(IssuedKeyStoreException.class, () -> FileKeyStore.open(file).list()).getMessage()
                .endsWith("expected an object with \"format\": \"" + FileKeyStore.FORMAT + "\""));
    }
}
