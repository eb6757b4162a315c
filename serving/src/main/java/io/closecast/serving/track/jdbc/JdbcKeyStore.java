package io.closecast.serving.track.jdbc;

import io.closecast.serving.security.IssuedKey;
import io.closecast.serving.security.IssuedKeyStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issued API keys in the forecast log's database (table {@code closecast_api_key}, migration 2): its own connection,
 * autocommit, reopened when it breaks. Replicas sharing a PostgreSQL (or one process's instances sharing an H2)
 * share the keys.
 */
public final class JdbcKeyStore implements IssuedKeyStore {

    private static final String COLUMNS = "id, name, created_ms, expires_ms, last_used_ms, key_sha256";

    private final JdbcConnection db;

    private JdbcKeyStore(JdbcConnection db) {
        this.db = db;
    }

    /** The store at {@code url}; its first use connects and migrates the schema as {@link JdbcTrackStore#open} does. */
    public static JdbcKeyStore open(String url, Optional<String> user, Optional<String> password) {
        // connects at first use, so a store down at start is retried
        return new JdbcKeyStore(JdbcConnection.to(url, user, password, "issued keys", true, false));
    }

    private synchronized <T> T run(String what, JdbcConnection.Work<T> work) {
        return db.run(what, work);
    }

    @Override
    public void add(IssuedKey key, String sha256Hex) {
        run("add", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO closecast_api_key (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                p.setString(1, key.id());
                p.setString(2, key.name());
                p.setLong(3, key.created().toEpochMilli());
                setMillis(p, 4, key.expires());
                setMillis(p, 5, key.lastUsed());
                p.setString(6, sha256Hex);
                return p.executeUpdate();
            }
        });
    }

    @Override
    public List<IssuedKey> list() {
        return List.copyOf(read().values());
    }

    @Override
    public Map<String, IssuedKey> active() {
        return read();
    }

    private Map<String, IssuedKey> read() {
        return run("read", c -> {
            Map<String, IssuedKey> out = new java.util.LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM closecast_api_key WHERE revoked_ms IS NULL ORDER BY created_ms, id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(6).strip(), new IssuedKey(rs.getString(1), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)), millis(rs, 4), millis(rs, 5)));
                }
            }
            return out;
        });
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return run("revoke", c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE closecast_api_key SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")) {
                p.setLong(1, at.toEpochMilli());
                p.setString(2, id);
                return p.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void touch(Map<String, Instant> lastUse) {
        if (lastUse.isEmpty()) {
            return;
        }
        run("record last use", c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE closecast_api_key SET last_used_ms = ? "
                    + "WHERE id = ? AND (last_used_ms IS NULL OR last_used_ms < ?)")) {
                for (Map.Entry<String, Instant> e : new HashMap<>(lastUse).entrySet()) {
                    p.setLong(1, e.getValue().toEpochMilli());
                    p.setString(2, e.getKey());
                    p.setLong(3, e.getValue().toEpochMilli());
                    p.addBatch();
                }
                return p.executeBatch().length;
            }
        });
    }

    private static void setMillis(PreparedStatement p, int i, Optional<Instant> at) throws SQLException {
        if (at.isPresent()) {
            p.setLong(i, at.get().toEpochMilli());
        } else {
            p.setNull(i, Types.BIGINT);
        }
    }

    private static Optional<Instant> millis(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
