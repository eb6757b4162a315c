package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.TrackStoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied in order at start: each is a resource {@code V<n>__<description>.sql} beside
 * this class, listed in {@link #MIGRATIONS}, optionally followed by a Java part in the same transaction (moving rows
 * where SQL alone cannot do it portably on H2 and PostgreSQL: version 5's {@link LogRepack}), applied once in its own
 * transaction and recorded in
 * {@code closecast_schema_version} (version, description, when). A store whose schema is newer than this build
 * knows is refused rather than written to. Replicas that migrate at once: the second one's insert of the same version
 * fails on the primary key, its transaction rolls back (PostgreSQL's DDL is transactional), and it reads the version
 * again.
 */
public final class SchemaMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    /** The Java part of a migration: run after its script, in its transaction. */
    @FunctionalInterface
    interface JavaPart {
        void run(Connection c) throws SQLException;
    }

    /** One migration: its version, the resource's description part and its Java part (none: nothing to run). */
    record Migration(int version, String description, JavaPart java) {
        Migration(int version, String description) {
            this(version, description, c -> { });
        }

        String resource() {
            return "V" + version + "__" + description + ".sql";
        }
    }

    /** Every migration, oldest first. Never edit one that has shipped: add the next. */
    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "forecast_log"), new Migration(2, "api_keys"),
            new Migration(3, "adaptive_intervals"), new Migration(4, "scoring_indexes"),
            new Migration(5, "packed_log", LogRepack::run), new Migration(6, "request_groups"));

    /** The schema version this build writes. */
    public static final int LATEST = MIGRATIONS.getLast().version();

    private SchemaMigrations() {
    }

    /**
     * Brings the schema to {@link #LATEST}; returns how many migrations were applied. One at a time in this process (the
     * forecast log and the issued keys open their own connections to one database).
     */
    static int migrate(Connection c, String where) throws SQLException {
        return migrate(c, where, LATEST);
    }

    /** Brings the schema to version {@code upTo} (a test writes a store of an older version this way). */
    static synchronized int migrate(Connection c, String where, int upTo) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS closecast_schema_version (version INT NOT NULL PRIMARY KEY, "
                    + "description VARCHAR(200) NOT NULL, applied_ms BIGINT NOT NULL)");
        }
        int current = current(c);
        java.util.Set<Integer> done = applied(c);
        if (current > LATEST) {
            throw new TrackStoreException("the forecast log at " + where + " has schema version " + current
                    + ", newer than this build knows (" + LATEST + "): expected a store at version <= " + LATEST, false, null);
        }
        c.setAutoCommit(false);
        int applied = 0;
        try {
            for (Migration m : MIGRATIONS) {
                if (done.contains(m.version()) || m.version() > upTo) {
                    continue; // by version, not by the highest: a number left free (3) can ship after a later one
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : statements(read(m.resource()))) {
                        s.execute(sql);
                    }
                }
                m.java().run(c);
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO closecast_schema_version (version, description, applied_ms) VALUES (?, ?, ?)")) {
                    p.setInt(1, m.version());
                    p.setString(2, m.description());
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                c.commit();
                applied++;
                LOG.info("Forecast log at {}: schema migrated to version {} ({})", where, m.version(), m.description());
            }
        } catch (SQLException e) {
            c.rollback();
            if (applied(c).containsAll(MIGRATIONS.stream().map(Migration::version).filter(v -> v <= upTo).toList())) {
                return applied; // another replica migrated meanwhile
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return applied;
    }

    static java.util.Set<Integer> applied(Connection c) throws SQLException {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM closecast_schema_version")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM closecast_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The statements of a script: split at semicolons that end a line; {@code --} comment lines dropped. */
    static List<String> statements(String script) {
        StringBuilder clean = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                clean.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(clean.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String read(String resource) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new TrackStoreException("migration " + resource + " missing from the class path", false, null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TrackStoreException("cannot read migration " + resource + ": " + e.getMessage(), false, e);
        }
    }
}
