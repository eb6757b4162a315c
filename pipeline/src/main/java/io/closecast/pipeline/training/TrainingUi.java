package io.closecast.pipeline.training;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deeplearning4j's training UI for {@code closecast sweep|train --ui}: one {@link FileStatsStorage} file, attached to
 * the DL4J UI server on a local port, and one {@link StatsListener} per training (a UI session named after the trial
 * and its MLflow run). Only the DL4J engine calls listeners, so trainings watched here run with
 * {@code training.engine=dl4j}. {@link #close()} detaches the storage, stops the server and closes the file, which
 * then holds every session and can be logged as an artifact.
 */
public final class TrainingUi implements AutoCloseable {
    /** The UI server's default port (DL4J's own default). */
    public static final int DEFAULT_PORT = VertxUIServer.DEFAULT_UI_PORT;
    /**
     * Stats are collected every this many iterations (mini-batches) by default: every iteration made a DL4J epoch
     * several times slower (bench/ui-overhead.sh), every 5 costs a fraction of that and still draws the curves.
     */
    public static final int DEFAULT_FREQUENCY = 5;
    /** Where the stats file goes in the (parent) run's artifacts. */
    public static final String ARTIFACT_DIR = "ui";
    /** The stats file's name, locally and as an artifact. */
    public static final String STATS_FILE = "dl4j-stats.bin";
    /** The UI page that shows a session's score, update ratios and timings. */
    public static final String OVERVIEW_PATH = "/train/overview";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingUi.class);

    /**
     * How the UI runs.
     *
     * @param port      TCP port of the UI server, 1..65535
     * @param frequency stats are collected every this many iterations, >= 1
     */
    public record Settings(int port, int frequency) {
        public Settings {
            if (port < 1 || port > 65535) {
                throw new PipelineException("--ui-port must be between 1 and 65535, found " + port);
            }
            if (frequency < 1) {
                throw new PipelineException("--ui-frequency must be >= 1 (iterations between stats reports), found "
                        + frequency);
            }
        }

        /** Port {@link #DEFAULT_PORT}, every {@link #DEFAULT_FREQUENCY} iterations. */
        public static Settings defaults() {
            return new Settings(DEFAULT_PORT, DEFAULT_FREQUENCY);
        }
    }

    private final Settings settings;
    private final Path statsFile;
    private final FileStatsStorage storage;
    private final VertxUIServer server;
    private boolean closed;

    private TrainingUi(Settings settings, Path statsFile, FileStatsStorage storage, VertxUIServer server) {
        this.settings = settings;
        this.statsFile = statsFile;
        this.storage = storage;
        this.server = server;
    }

    /**
     * Creates the stats file {@code dir/}{@value #STATS_FILE} and starts the UI server on {@code settings.port()} with
     * it attached; fails naming the port when the server cannot listen there.
     */
    public static TrainingUi start(Settings settings, Path dir) {
        Path file = dir.resolve(STATS_FILE);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new PipelineException("cannot create the training UI's stats file " + file + ": " + e.getMessage(), e);
        }
        FileStatsStorage storage = new FileStatsStorage(file.toFile());
        VertxUIServer server;
        try {
            server = VertxUIServer.getInstance(settings.port(), false, null);
        } catch (RuntimeException e) { // DL4JException: the server did not start
            storage.close();
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new PipelineException("the DL4J training UI could not listen on --ui-port " + settings.port()
                    + " (expected a free local port): " + cause.getMessage(), e);
        }
        if (server.getPort() != settings.port()) {
            // DL4J lets the environment variable org.deeplearning4j.ui.port override the port it is given.
            LOG.warn("the DL4J training UI listens on port {}, not --ui-port {} (environment variable"
                    + " org.deeplearning4j.ui.port overrides it)", server.getPort(), settings.port());
        }
        server.attach(storage);
        return new TrainingUi(settings, file, storage, server);
    }

    /** The overview page, e.g. {@code http://localhost:9000/train/overview}. */
    public String url() {
        return "http://localhost:" + server.getPort() + OVERVIEW_PATH;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getPort();
    }

    public Settings settings() {
        return settings;
    }

    /** The stats file: complete once {@link #close()} returned. */
    public Path statsFile() {
        return statsFile;
    }

    /**
     * A listener streaming one network's stats to the UI every {@link Settings#frequency()} iterations, as session
     * {@code sessionId} from worker {@code workerId} (the UI lists sessions by id; trials must differ).
     */
    public List<TrainingListener> listeners(String sessionId, String workerId) {
        if (sessionId.isBlank() || workerId.isBlank()) {
            throw new PipelineException("a training UI session needs a session id and a worker id, found '"
                    + sessionId + "' and '" + workerId + "'");
        }
        return List.of(new StatsListener(storage, null,
                new DefaultStatsUpdateConfiguration.Builder().reportingFrequency(settings.frequency()).build(),
                sessionId, workerId));
    }

    /**
     * Copies every session of another stats file (e.g. an earlier run of the same sweep) into this one, so the UI shows
     * them and the file logged at the end keeps them; returns the sessions copied.
     */
    public List<String> importSessions(Path otherStatsFile) {
        FileStatsStorage other = new FileStatsStorage(otherStatsFile.toFile());
        try {
            List<String> sessions = other.listSessionIDs();
            for (String session : sessions) {
                for (String type : other.listTypeIDsForSession(session)) {
                    StorageMetaData meta = other.getStorageMetaData(session, type);
                    if (meta != null) {
                        storage.putStorageMetaData(meta);
                    }
                    for (String worker : other.listWorkerIDsForSessionAndType(session, type)) {
                        Persistable info = other.getStaticInfo(session, type, worker);
                        if (info != null) {
                            storage.putStaticInfo(info);
                        }
                        storage.putUpdate(other.getAllUpdatesAfter(session, type, worker, Long.MIN_VALUE));
                    }
                }
            }
            return List.copyOf(sessions);
        } finally {
            other.close();
        }
    }

    /** Sessions recorded so far. */
    public List<String> sessions() {
        return storage.listSessionIDs();
    }

    /** Detaches the storage, stops the UI server and closes the stats file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.detach(storage);
            VertxUIServer.stopInstance();
        } catch (Exception e) {
            LOG.warn("could not stop the DL4J training UI server cleanly: {}", e.toString());
        } finally {
            storage.close();
        }
    }
}
