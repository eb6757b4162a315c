package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.TrackStoreException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request groups (schema migration 6): the requests of one batch that got the same forecast (same series, alias, last
 * input day, steps and bounds) share one {@code logged_request} row. The row's {@code request_id} and
 * {@code received_ms} are the group's first request (earliest, then lowest id in Java's order of strings: the one the
 * scoring takes), {@code requests} how many it holds, and {@code others} the rest packed, format {@value #FORMAT}:
 * {@code 1} then per request, in the order the writer had them (the export sorts), {@code |offset,id} where
 * {@code offset} is its received time in ms after the first's; e.g. {@code 1|0,0193...-7a1c|12,0193...-7b02}; a group of one: {@code 1}.
 * <p>Every request of a group was received within {@link #MAX_SPAN_MS} of its first, so a page of the export that
 * starts at time t needs only the rows received from t - {@link #MAX_SPAN_MS} on ({@link JdbcTrackStore#forecasts}).
 * A group holds at most {@link #MAX_REQUESTS}; an id holding {@code |} or {@code ,} (none the service makes) is a
 * group of its own.
 */
final class RequestGroups {

    /** The format this build writes and reads. */
    static final int FORMAT = 1;
    private static final String PREFIX = FORMAT + "|";
    /** The longest time between a group's first and last request, in ms. */
    static final long MAX_SPAN_MS = 60_000;
    /** The most requests one row stands for (its packed text stays well under the column's million characters). */
    static final int MAX_REQUESTS = 10_000;

    private RequestGroups() {
    }

    /** One logged request: its id and when it was answered. */
    record Request(String id, long receivedMs) {
    }

    /** A row to write: one forecast (its first request's record) and every request of the group, first one first. */
    record Group(LoggedForecast forecast, int series, List<Request> requests) {
    }

    /**
     * What makes two requests of a batch one group: series, alias, last input day, steps with their bounds (compared by
     * value; the hash worked out once per key, as the steps' is a walk over every number).
     */
    private static final class Key {
        private final int series;
        private final String alias;
        private final LocalDate asOf;
        private final List<LoggedForecast.Step> steps;
        private final int hash;

        Key(int series, String alias, LocalDate asOf, List<LoggedForecast.Step> steps) {
            this.series = series;
            this.alias = alias;
            this.asOf = asOf;
            this.steps = steps;
            this.hash = java.util.Objects.hash(series, alias, asOf, steps);
        }

        boolean names(int series, String alias, LocalDate asOf) {
            return this.series == series && this.alias.equals(alias) && this.asOf.equals(asOf);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && k.names(series, alias, asOf)
                    && (steps == k.steps || steps.equals(k.steps));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * The rows {@code batch} is written as: its forecasts grouped by series (their ids in {@code series}, in batch
     * order), alias, last input day and steps, each group cut where it would span more than {@link #MAX_SPAN_MS} or
     * hold more than {@link #MAX_REQUESTS}; a row's requests start with its first (earliest, then lowest id), the
     * others as the batch had them.
     */
    static List<Group> of(List<LoggedForecast> batch, int[] series) {
        Map<Key, List<LoggedForecast>> byKey = new LinkedHashMap<>();
        // the tracker hands equal steps over as one list (SharedSteps): a list met before finds its key by identity
        Map<List<LoggedForecast.Step>, Key> byList = new IdentityHashMap<>();
        List<Group> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            LoggedForecast f = batch.get(i);
            if (!packable(f.requestId())) {
                out.add(new Group(f, series[i], List.of(request(f))));
                continue;
            }
            Key key = byList.get(f.steps());
            if (key == null || !key.names(series[i], f.alias(), f.asOf())) {
                key = new Key(series[i], f.alias(), f.asOf(), f.steps());
                byList.put(f.steps(), key);
            }
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<Key, List<LoggedForecast>> e : byKey.entrySet()) {
            int seriesId = e.getKey().series;
            Row row = null;
            for (LoggedForecast f : e.getValue()) {
                long ms = f.receivedAt().toEpochMilli();
                if (row == null || row.members.size() >= MAX_REQUESTS
                        || Math.max(row.lastMs, ms) - Math.min(row.firstMs, ms) > MAX_SPAN_MS) {
                    if (row != null) {
                        out.add(row.group(seriesId));
                    }
                    row = new Row();
                }
                row.add(f, ms);
            }
            out.add(row.group(seriesId));
        }
        return out;
    }

    /**
     * The requests of one row as the batch had them (nearly in time order: not sorted, which would compare ids that
     * share their first 13 characters whenever two requests share a millisecond), its first and last times kept.
     */
    private static final class Row {
        private final List<LoggedForecast> members = new ArrayList<>();
        private int first;
        private long firstMs = Long.MAX_VALUE;
        private long lastMs = Long.MIN_VALUE;

        void add(LoggedForecast f, long ms) {
            if (ms < firstMs || (ms == firstMs && f.requestId().compareTo(members.get(first).requestId()) < 0)) {
                first = members.size();
                firstMs = ms;
            }
            lastMs = Math.max(lastMs, ms);
            members.add(f);
        }

        /** The row's group: its first request, then the others in the batch's order. */
        Group group(int series) {
            List<Request> requests = new ArrayList<>(members.size());
            requests.add(request(members.get(first)));
            for (int i = 0; i < members.size(); i++) {
                if (i != first) {
                    requests.add(request(members.get(i)));
                }
            }
            return new Group(members.get(first), series, requests);
        }
    }

    private static Request request(LoggedForecast f) {
        return new Request(f.requestId(), f.receivedAt().toEpochMilli());
    }

    /** Whether {@code id} can share a row: the packed text separates requests with bars and fields with commas. */
    static boolean packable(String id) {
        return !id.isEmpty() && id.indexOf('|') < 0 && id.indexOf(',') < 0;
    }

    /** The requests of a group after its first (which {@code requests} starts with), packed. */
    static String packOthers(List<Request> requests) {
        long firstMs = requests.getFirst().receivedMs();
        StringBuilder sb = new StringBuilder(2 + 48 * (requests.size() - 1)).append(FORMAT);
        for (int i = 1; i < requests.size(); i++) {
            Request r = requests.get(i);
            sb.append('|').append(r.receivedMs() - firstMs).append(',').append(r.id());
        }
        return sb.toString();
    }

    /** The requests a row stands for, its first one first: the row's own and those {@link #packOthers} packed. */
    static List<Request> unpack(String firstId, long firstMs, String others) {
        if (!others.startsWith(PREFIX) && !others.equals(Integer.toString(FORMAT))) {
            throw bad(others);
        }
        List<Request> out = new ArrayList<>();
        out.add(new Request(firstId, firstMs));
        for (int at = PREFIX.length(); at < others.length(); ) {
            int end = others.indexOf('|', at);
            if (end < 0) {
                end = others.length();
            }
            int comma = others.indexOf(',', at);
            if (comma < 0 || comma >= end - 1 || comma == at) {
                throw bad(others);
            }
            long offset;
            try {
                offset = Long.parseLong(others, at, comma, 10);
            } catch (NumberFormatException e) {
                throw bad(others);
            }
            out.add(new Request(others.substring(comma + 1, end), firstMs + offset));
            at = end + 1;
        }
        return out;
    }

    private static TrackStoreException bad(String packed) {
        String shown = packed.length() > 80 ? packed.substring(0, 80) + "..." : packed;
        return new TrackStoreException("the forecast log holds a request group this build cannot read: '" + shown
                + "' (expected format " + FORMAT + ", docs/serving.md, The forecast log)", false, null);
    }
}
