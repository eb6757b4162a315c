package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowException;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code runs/log-batch} request's worth of metrics, params and tags, within MLflow's limits:
 * at most 1000 metrics, 100 params, 100 tags, and 1000 items in all.
 */
public record LogBatch(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    /** Most metrics in one request. */
    public static final int MAX_METRICS = 1000;
    /** Most params in one request. */
    public static final int MAX_PARAMS = 100;
    /** Most tags in one request. */
    public static final int MAX_TAGS = 100;
    /** Most items of all kinds in one request. */
    public static final int MAX_ITEMS = 1000;

    /**
     * Checks and copies the batch.
     *
     * @param metrics metrics, at most {@value #MAX_METRICS}
     * @param params  params, at most {@value #MAX_PARAMS}
     * @param tags    tags, at most {@value #MAX_TAGS}
     * @throws MlflowException when a limit is passed
     */
    public LogBatch {
        metrics = List.copyOf(metrics);
        params = List.copyOf(params);
        tags = List.copyOf(tags);
        if (metrics.size() > MAX_METRICS || params.size() > MAX_PARAMS || tags.size() > MAX_TAGS
                || metrics.size() + params.size() + tags.size() > MAX_ITEMS) {
            throw new MlflowException("a log batch must hold <= " + MAX_METRICS + " metrics, <= " + MAX_PARAMS
                    + " params, <= " + MAX_TAGS + " tags and <= " + MAX_ITEMS + " items, found " + metrics.size()
                    + " metrics, " + params.size() + " params, " + tags.size() + " tags");
        }
    }

    /**
     * How many items the batch holds.
     *
     * @return metrics, params and tags together
     */
    public int size() {
        return metrics.size() + params.size() + tags.size();
    }

    /**
     * Splits any number of metrics, params and tags into the fewest-ish batches within the limits, order kept.
     *
     * @param metrics metrics to log
     * @param params  params to log
     * @param tags    tags to set
     * @return the batches, none when there is nothing
     */
    public static List<LogBatch> split(List<Metric> metrics, List<Param> params, List<Tag> tags) {
        List<LogBatch> batches = new ArrayList<>();
        int m = 0;
        int p = 0;
        int t = 0;
        while (m < metrics.size() || p < params.size() || t < tags.size()) {
            int takeParams = Math.min(MAX_PARAMS, params.size() - p);
            int takeTags = Math.min(MAX_TAGS, tags.size() - t);
            int takeMetrics = Math.min(Math.min(MAX_METRICS, MAX_ITEMS - takeParams - takeTags), metrics.size() - m);
            batches.add(new LogBatch(metrics.subList(m, m + takeMetrics), params.subList(p, p + takeParams),
                    tags.subList(t, t + takeTags)));
            m += takeMetrics;
            p += takeParams;
            t += takeTags;
        }
        return batches;
    }
}
