package io.closecast.serving.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Issued keys in a JSON file (where there is no forecast log's database): each key as its SHA-256 digest, never the
 * key. Every change (issue, revoke, last use) is a read-modify-write under an exclusive lock on {@code FILE.lock}
 * (processes sharing the file) and a JVM-wide monitor per file (instances of one process), written to a temporary file
 * in the same directory and moved over the file atomically, so a reader sees the old file or the new, never half of
 * one. Readers take no lock; the file is parsed again only when it changed (another inode, size or modification
 * time; and at least every second, should a new file look like the old), so a revocation by another replica is seen
 * at its next re-read ({@link IssuedKeys} re-reads every 500 ms).
 * The file and its lock are created readable and writable by the owner only (600) where the file system has POSIX
 * permissions.
 */
public final class FileKeyStore implements IssuedKeyStore {

    /** The {@code format} field of the file. */
    public static final String FORMAT = "closecast-issued-keys/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;
    private final Object monitor;
    private Snapshot cached;

    /** One key as the file holds it. */
    private record Entry(String sha256, IssuedKey key, Optional<Instant> revoked) {
    }

    /** What was read, and the file's identity when it was read. */
    private record Snapshot(Object fileKey, long size, long modified, long readNanos, List<Entry> entries) {
    }

    private FileKeyStore(Path file) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.monitor = MONITORS.computeIfAbsent(file, f -> new Object());
    }

    /** The store in {@code file} (created at the first issue; its directory now). */
    public static FileKeyStore open(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new IssuedKeyStoreException("security.issued-keys-file: cannot create the directory of " + absolute
                    + ": " + e, e);
        }
        return new FileKeyStore(absolute);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    @Override
    public void add(IssuedKey key, String sha256Hex) {
        update(entries -> {
            List<Entry> next = new ArrayList<>(entries);
            next.add(new Entry(sha256Hex, key, Optional.empty()));
            return next;
        });
    }

    @Override
    public List<IssuedKey> list() {
        return List.copyOf(active().values());
    }

    @Override
    public Map<String, IssuedKey> active() {
        Map<String, IssuedKey> out = new LinkedHashMap<>();
        for (Entry e : read()) {
            if (e.revoked().isEmpty()) {
                out.put(e.sha256(), e.key());
            }
        }
        return out;
    }

    @Override
    public boolean revoke(String id, Instant at) {
        boolean[] done = {false};
        update(entries -> {
            List<Entry> next = new ArrayList<>();
            for (Entry e : entries) {
                if (e.key().id().equals(id) && e.revoked().isEmpty()) {
                    done[0] = true;
                    next.add(new Entry(e.sha256(), e.key(), Optional.of(at)));
                } else {
                    next.add(e);
                }
            }
            return done[0] ? next : null;
        });
        return done[0];
    }

    @Override
    public void touch(Map<String, Instant> lastUse) {
        if (lastUse.isEmpty()) {
            return;
        }
        update(entries -> {
            boolean changed = false;
            List<Entry> next = new ArrayList<>();
            for (Entry e : entries) {
                Instant used = lastUse.get(e.key().id());
                IssuedKey k = e.key();
                if (used != null && (k.lastUsed().isEmpty() || k.lastUsed().get().isBefore(used))) {
                    k = new IssuedKey(k.id(), k.name(), k.created(), k.expires(), Optional.of(used));
                    changed = true;
                }
                next.add(new Entry(e.sha256(), k, e.revoked()));
            }
            return changed ? next : null;
        });
    }

    /** The entries, parsed again only when the file changed since the last read. */
    private List<Entry> read() {
        synchronized (this) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw failure("read", e);
            }
            Snapshot last = cached;
            if (last != null && Objects.equals(last.fileKey(), attributes.fileKey()) && last.size() == attributes.size()
                    && last.modified() == attributes.lastModifiedTime().toMillis()
                    && System.nanoTime() - last.readNanos() < 1_000_000_000L) { // and parsed again at least every second
                return last.entries();
            }
            List<Entry> entries;
            try {
                entries = parse(Files.readAllBytes(file));
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                throw failure("read", e);
            }
            cached = new Snapshot(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().toMillis(),
                    System.nanoTime(), entries);
            return entries;
        }
    }

    /** Applies {@code change} (null: nothing to write) under both locks and replaces the file atomically. */
    private void update(UnaryOperator<List<Entry>> change) {
        synchronized (monitor) {
            try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    ownerOnly());
                 FileLock ignored = channel.lock()) {
                List<Entry> next = change.apply(read());
                if (next != null) {
                    write(next);
                }
            } catch (IOException e) {
                throw failure("write", e);
            }
        }
    }

    private void write(List<Entry> entries) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode keys = root.putArray("keys");
        for (Entry e : entries) {
            ObjectNode k = keys.addObject();
            k.put("id", e.key().id());
            k.put("name", e.key().name());
            k.put("key_sha256", e.sha256());
            k.put("created_ms", e.key().created().toEpochMilli());
            putMillis(k, "expires_ms", e.key().expires());
            putMillis(k, "last_used_ms", e.key().lastUsed());
            putMillis(k, "revoked_ms", e.revoked());
        }
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", ownerOnly());
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void putMillis(ObjectNode node, String field, Optional<Instant> at) {
        if (at.isPresent()) {
            node.put(field, at.get().toEpochMilli());
        } else {
            node.putNull(field);
        }
    }

    private List<Entry> parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw malformed("expected JSON, found: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed("expected JSON, found: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw malformed("expected an object with \"format\": \"" + FORMAT + "\"");
        }
        JsonNode keys = root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw malformed("expected \"keys\" to be an array");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            JsonNode k = keys.get(i);
            String where = "keys[" + i + "]";
            IssuedKey key = new IssuedKey(text(k, where, "id"), text(k, where, "name"),
                    Instant.ofEpochMilli(number(k, where, "created_ms").orElseThrow(() ->
                            malformed("expected " + where + ".created_ms to be a number, found none"))),
                    number(k, where, "expires_ms").map(Instant::ofEpochMilli),
                    number(k, where, "last_used_ms").map(Instant::ofEpochMilli));
            String sha = text(k, where, "key_sha256");
            if (!sha.matches("[0-9a-f]{64}")) {
                throw malformed("expected " + where + ".key_sha256 to be 64 lower-case hex digits, found a value of "
                        + sha.length() + " characters");
            }
            out.add(new Entry(sha, key, number(k, where, "revoked_ms").map(Instant::ofEpochMilli)));
        }
        return List.copyOf(out);
    }

    private String text(JsonNode k, String where, String field) {
        JsonNode v = k.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw malformed("expected " + where + "." + field + " to be a non-empty string, found "
                    + (v == null ? "none" : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        return v.asText();
    }

    private Optional<Long> number(JsonNode k, String where, String field) {
        JsonNode v = k.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber()) {
            throw malformed("expected " + where + "." + field + " to be a whole number of epoch milliseconds or null, found "
                    + v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return Optional.of(v.asLong());
    }

    private static FileAttribute<?>[] ownerOnly() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }

    private IssuedKeyStoreException malformed(String what) {
        return new IssuedKeyStoreException("issued keys file " + file + " is malformed: " + what, null);
    }

    private IssuedKeyStoreException failure(String what, IOException e) {
        return new IssuedKeyStoreException("issued keys file " + file + ": " + what + " failed: " + e, e);
    }

    @Override
    public void close() {
        // nothing held between calls
    }
}
