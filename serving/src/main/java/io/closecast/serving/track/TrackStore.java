package io.closecast.serving.track;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the forecast log, the realised closes and the scores live. The JDBC implementation is in {@code track.jdbc}
 * (an embedded H2 file by default, PostgreSQL by URL); every method may throw {@link TrackStoreException} when the
 * store cannot be reached or refuses a write. Implementations are thread-safe.
 */
public interface TrackStore extends AutoCloseable {

    /** A forecast step waiting for its score: the logged step, its request, and the realised close of its target. */
    record Pending(LoggedForecast.Key key, String requestId, LoggedForecast.Step step, double actual) {
    }

    /** Writes a batch of logged forecasts in one transaction (a request id already stored is left as it is). */
    void append(List<LoggedForecast> batch);

    /** Stores realised closes of one symbol (date to close); days already stored keep their first close. Returns how many were new. */
    int putCloses(String symbol, Map<LocalDate, Double> closes);

    /** The latest day with a stored close of {@code symbol}. */
    Optional<LocalDate> lastClose(String symbol);

    /** Every symbol some logged forecast is for (the empty one excepted). */
    List<String> symbols();

    /**
     * Up to {@code limit} logged steps whose target day has a close and whose logical forecast has no score yet, the
     * earliest request first (so the first request of a logical forecast is the one scored).
     */
    List<Pending> pending(int limit);

    /** Stores scores; a logical forecast already scored keeps its first score. Returns how many were new. */
    int saveScores(List<Score> scores);

    /** Every score of {@code model}, by target day. */
    List<Score> scores(String model);

    /** What the log holds for one model. */
    record Counts(long requests, long logical, long scored) {
    }

    /** How many requests, logical forecasts (steps) and scored steps the log holds for {@code model}. */
    Counts counts(String model);

    /** Says where the store is (the JDBC URL without credentials). */
    String describe();

    @Override
    void close();
}
