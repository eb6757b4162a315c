package io.closecast.serving.track.jdbc;

import io.closecast.serving.adaptive.AlphaStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The adaptive intervals' state in the forecast log's database (table {@code adaptive_interval}, migration 3): its
 * own connection, reopened when it breaks; a save replaces a version's rows in one transaction.
 */
public final class JdbcAlphaStore implements AlphaStore {

    private final JdbcConnection db;

    private JdbcAlphaStore(JdbcConnection db) {
        this.db = db;
    }

    /** The store at {@code url}; its first use connects and migrates the schema as {@link JdbcTrackStore#open} does. */
    public static JdbcAlphaStore open(String url, Optional<String> user, Optional<String> password) {
        return new JdbcAlphaStore(JdbcConnection.to(url, user, password, "adaptive interval state", false, false));
    }

    private synchronized <T> T inTransaction(String what, JdbcConnection.Work<T> work) {
        return db.inTransaction(what, work);
    }

    @Override
    public Optional<Saved> load(String model, String version) {
        return inTransaction("read", c -> {
            List<Double> levels = new ArrayList<>();
            List<Double> alphas = new ArrayList<>();
            long updates = 0;
            LocalDate last = null;
            try (PreparedStatement p = c.prepareStatement("SELECT interval_level, alpha, updates, last_outcome FROM "
                    + "adaptive_interval WHERE model_name = ? AND model_version = ? ORDER BY interval_level")) {
                p.setString(1, model);
                p.setString(2, version);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        levels.add(rs.getDouble(1));
                        alphas.add(rs.getDouble(2));
                        updates = Math.max(updates, rs.getLong(3));
                        LocalDate d = rs.getObject(4, LocalDate.class);
                        last = d == null || (last != null && last.isAfter(d)) ? last : d;
                    }
                }
            }
            return levels.isEmpty() ? Optional.<Saved>empty()
                    : Optional.of(new Saved(model, version, levels, alphas, updates, Optional.ofNullable(last)));
        });
    }

    @Override
    public void save(Saved saved) {
        inTransaction("save", c -> {
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM adaptive_interval WHERE model_name = ? AND model_version = ?");
                 PreparedStatement i = c.prepareStatement("INSERT INTO adaptive_interval (model_name, model_version, "
                         + "interval_level, alpha, updates, last_outcome, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                d.setString(1, saved.model());
                d.setString(2, saved.version());
                d.executeUpdate();
                long now = System.currentTimeMillis();
                for (int l = 0; l < saved.levels().size(); l++) {
                    i.setString(1, saved.model());
                    i.setString(2, saved.version());
                    i.setDouble(3, saved.levels().get(l));
                    i.setDouble(4, saved.alphas().get(l));
                    i.setLong(5, saved.updates());
                    if (saved.lastOutcome().isPresent()) {
                        i.setObject(6, saved.lastOutcome().get());
                    } else {
                        i.setNull(6, Types.DATE);
                    }
                    i.setLong(7, now);
                    i.addBatch();
                }
                i.executeBatch();
            }
            return null;
        });
    }

    @Override
    public String describe() {
        return db.describe() + " (table adaptive_interval)";
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
