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

    /**
     * Writes a batch of logged forecasts in one transaction (the JDBC store: one row per group of requests that got the
     * same forecast). A request id the store already holds as a group's first fails the batch, for good (the service's
     * ids are fresh version 7 UUIDs).
     */
    void append(List<LoggedForecast> batch);

    /** Stores realised closes of one symbol (date to close); days already stored keep their first close. Returns how many were new. */
    int putCloses(String symbol, Map<LocalDate, Double> closes);

    /** The latest day with a stored close of {@code symbol}. */
    Optional<LocalDate> lastClose(String symbol);

    /** Every symbol some logged forecast is for (the empty one excepted). */
    List<String> symbols();

    /**
     * Scores every logged forecast step whose target day now has a close and whose logical forecast (model, version,
     * symbol, last input day, step) has no score yet, from its first request (earliest, then lowest id), in one
     * transaction: absolute error, naive error, inside/outside per interval level. Returns how many were scored.
     */
    int score();

    /** The request whose forecast scored the logical forecast {@code key}, once it is scored (the JDBC store asks for that row only). */
    default Optional<String> scoredRequest(LoggedForecast.Key key) {
        return scores(key.model()).stream().filter(s -> s.key().equals(key)).map(Score::requestId).findFirst();
    }

    /** Every score of {@code model}, by target day. */
    List<Score> scores(String model);

    /**
     * One page of {@code model}'s logged forecasts whose last input day is in [{@code from}, {@code to}], in the
     * order (received, request id), after the one {@code after} names (empty: from the start); steps without bounds.
     */
    List<LoggedForecast> forecasts(String model, LocalDate from, LocalDate to, Optional<Cursor> after, int limit);

    /** Where a page of {@link #forecasts} ended: the last forecast's received time (ms) and request id. */
    record Cursor(long receivedMs, String requestId) {
    }

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
