package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.TrackStoreException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Optional;
import java.util.Properties;

/**
 * The one JDBC connection a store of this package holds to the forecast log's database: opened, with the schema
 * migrated to {@link SchemaMigrations#LATEST}, at first use and again after a failure (so a database that is down at
 * start or restarts costs the calls made meanwhile, not the store). Not thread-safe: each store serialises its calls.
 * A failure is a {@link TrackStoreException} naming what the store holds, the URL without its password, the call and
 * the driver's message.
 */
final class JdbcConnection implements AutoCloseable {

    /** Work on the open connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final String url;
    private final Properties credentials;
    private final String subject;
    private final boolean autoCommit;
    private final boolean classifyFailures;
    private Connection connection;

    private JdbcConnection(String url, Properties credentials, String subject, boolean autoCommit, boolean classifyFailures) {
        this.url = url;
        this.credentials = credentials;
        this.subject = subject;
        this.autoCommit = autoCommit;
        this.classifyFailures = classifyFailures;
    }

    /**
     * A connection to {@code url} (not opened yet), for a store of {@code subject} ("forecast log", ...).
     *
     * @param autoCommit       whether each statement commits by itself ({@link #run}) or a call is one transaction
     *                         ({@link #inTransaction})
     * @param classifyFailures whether a failure is transient only when the driver says so (connection, resource,
     *                         serialisation or timeout SQL states) rather than always
     * @throws TrackStoreException (not transient) when {@code url} is neither {@code jdbc:h2:} nor {@code jdbc:postgresql:}
     */
    static JdbcConnection to(String url, Optional<String> user, Optional<String> password, String subject,
                             boolean autoCommit, boolean classifyFailures) {
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new TrackStoreException("track.store.url must be a jdbc:h2: or jdbc:postgresql: URL, found "
                    + redact(url), false, null);
        }
        Properties p = new Properties();
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(pw -> p.setProperty("password", pw));
        return new JdbcConnection(url, p, subject, autoCommit, classifyFailures);
    }

    /** The URL without a password parameter. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    /** The URL without its password. */
    String describe() {
        return redact(url);
    }

    boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** The open connection: the one held while it is valid, else a new one with the schema migrated. */
    Connection get() {
        try {
            if (connection != null && connection.isValid(5)) {
                return connection;
            }
            closeQuietly();
            Connection c = DriverManager.getConnection(url, credentials);
            SchemaMigrations.migrate(c, describe());
            c.setAutoCommit(autoCommit);
            connection = c;
            return c;
        } catch (SQLException e) {
            closeQuietly();
            throw failure("open", e);
        }
    }

    /**
     * {@code work} in one transaction: committed, or rolled back when it fails (the connection is dropped when the
     * rollback fails too, and opened again by the next call).
     */
    <T> T inTransaction(String what, Work<T> work) {
        Connection c = get();
        try {
            T out = work.run(c);
            c.commit();
            return out;
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException broken) {
                closeQuietly();
            }
            throw failure(what, e);
        }
    }

    /** {@code work} on an auto-commit connection; the connection is dropped when it fails. */
    <T> T run(String what, Work<T> work) {
        try {
            return work.run(get());
        } catch (SQLException e) {
            TrackStoreException failure = failure(what, e);
            closeQuietly();
            throw failure;
        }
    }

    private TrackStoreException failure(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean transientFailure = !classifyFailures || e instanceof SQLTransientException
                || e instanceof SQLRecoverableException || state.startsWith("08") || state.startsWith("57")
                || state.startsWith("40") || state.equals("HYT00") || connection == null;
        return new TrackStoreException(subject + " at " + describe() + ": " + what + " failed: " + e.getMessage(),
                transientFailure, e);
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
