package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.tracking.ClosecastTags;
import io.closecast.pipeline.Charts;
import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.sweep.search.ParamDomain;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.model.Csv;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a sweep reports when its trials are done: counts per {@link TrialStatus} and the best trial's metrics on the
 * parent run, the summary artifacts ({@code summary/trials.csv}, one scatter plot per hyper-parameter), and the
 * console table.
 */
final class SweepReport {
    private final MlflowClient client;
    private final PrintWriter console;

    SweepReport(MlflowClient client, PrintWriter console) {
        this.client = client;
        this.console = console;
    }

    /** Logs the counts, the best trial's metrics and the summary to the parent, and ends it FINISHED. */
    void finishParent(String parentId, SweepSpec spec, List<TrialResult> rows,
                      Optional<TrialResult> best, Path workDir) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("trials_finished", count(rows, TrialStatus.FINISHED));
        metrics.put("trials_pruned", count(rows, TrialStatus.PRUNED));
        metrics.put("trials_time_limited", count(rows, TrialStatus.TIME_LIMITED));
        metrics.put("trials_failed", count(rows, TrialStatus.FAILED));
        Map<String, String> tags = new LinkedHashMap<>();
        if (best.isPresent()) {
            Run bestRun = client.getRun(best.get().runId());
            for (Metric m : bestRun.metrics()) {
                if (m.key().startsWith("test_") || m.key().startsWith("naive_test_") || m.key().startsWith("best_")
                        || m.key().startsWith("wf_mean")) {
                    metrics.put(m.key().startsWith("best_") ? m.key() : "best_" + m.key(), m.value());
                }
            }
            metrics.put("best_" + spec.metric(), best.get().value().orElseThrow());
            tags.put(ClosecastTags.BEST_RUN_ID, best.get().runId());
            tags.put(ClosecastTags.BEST_TRIAL, Integer.toString(best.get().index()));
        }
        client.logMetrics(parentId, metrics.entrySet().stream().map(e -> Metric.create(e.getKey(), e.getValue())).toList());
        client.setTags(parentId, tags);
        try {
            Path dir = Files.createDirectories(workDir.resolve(parentId).resolve("summary"));
            writeSummary(dir, spec, rows);
            client.artifacts().uploadDirectory(parentId, dir, "summary");
        } catch (IOException e) {
            throw new PipelineException("cannot write the sweep summary: " + e.getMessage(), e);
        }
        client.setTerminated(parentId, RunStatus.FINISHED);
    }

    private static double count(List<TrialResult> rows, TrialStatus status) {
        return rows.stream().filter(r -> r.status() == status).count();
    }

    /** {@code trials.csv} (one row per trial, quoted as RFC 4180 says) and a plot of the metric per hyper-parameter. */
    static void writeSummary(Path dir, SweepSpec spec, List<TrialResult> rows) throws IOException {
        List<String> keys = new ArrayList<>(spec.space().params().keySet());
        List<Object> header = new ArrayList<>(List.of("trial", "run_id", "status", spec.metric()));
        header.addAll(keys);
        header.add("note");
        Csv csv = new Csv().row(header);
        for (TrialResult r : rows) {
            List<Object> fields = new ArrayList<>(List.of(r.index(), r.runId(), r.status().key(),
                    r.value().map(String::valueOf).orElse("")));
            keys.forEach(k -> fields.add(String.valueOf(r.point().get(k))));
            fields.add(r.note());
            csv.row(fields);
        }
        Files.writeString(dir.resolve("trials.csv"), csv.toString(), StandardCharsets.UTF_8);
        for (String key : keys) {
            List<TrialResult> valued = rows.stream()
                    .filter(r -> r.value().isPresent() && r.point().containsKey(key)).toList();
            if (valued.isEmpty()) {
                continue;
            }
            List<Object> categories = new ArrayList<>();
            double[] x = new double[valued.size()];
            double[] y = new double[valued.size()];
            for (int i = 0; i < valued.size(); i++) {
                Object v = valued.get(i).point().get(key);
                if (v instanceof Number n) {
                    x[i] = spec.space().params().get(key) instanceof ParamDomain.LogUniform ? Math.log10(n.doubleValue())
                            : n.doubleValue();
                } else {
                    if (!categories.contains(v)) {
                        categories.add(v);
                    }
                    x[i] = categories.indexOf(v);
                }
                y[i] = valued.get(i).value().orElseThrow();
            }
            String label = key + (spec.space().params().get(key) instanceof ParamDomain.LogUniform ? " (log10)" : "")
                    + (categories.isEmpty() ? "" : " " + categories);
            Charts.points(dir.resolve(key.replaceAll("[^A-Za-z0-9.-]", "_") + ".png"), spec.metric() + " by " + key,
                    label, spec.metric(), List.of(new Charts.Series("trials", x, y)));
        }
    }

    /** The console table: one line per trial, the best marked with {@code *}. */
    void printTable(SweepSpec spec, List<TrialResult> rows, Optional<TrialResult> best) {
        List<String> keys = new ArrayList<>(spec.space().params().keySet());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s %-12s %-12s", "trial", "status",
                spec.metric()));
        keys.forEach(k -> header.append(String.format(Locale.ROOT, " %-22s", k)));
        console.println();
        console.println(header);
        for (TrialResult r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s %-12s %-12s",
                    (best.isPresent() && best.get().index() == r.index() ? "*" : "") + r.index(), r.status().key(),
                    r.value().map(v -> String.format(Locale.ROOT, "%.6g", v)).orElse("-")));
            keys.forEach(k -> line.append(String.format(Locale.ROOT, " %-22s", format(r.point().get(k)))));
            console.println(line);
        }
        best.ifPresentOrElse(b -> console.printf(Locale.ROOT, "best: trial %d, %s = %.6g (run %s)%n", b.index(), spec.metric(),
                b.value().orElseThrow(), b.runId()), () -> console.println("best: no trial finished"));
        console.flush();
    }

    private static String format(Object value) {
        return value instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(value);
    }

    /** A search-space domain as the parent run's {@code space.*} params show it. */
    static String describe(ParamDomain domain) {
        return switch (domain) {
            case ParamDomain.Choice c -> "choice" + c.values();
            case ParamDomain.Uniform u -> "uniform[" + u.low() + ", " + u.high() + "]";
            case ParamDomain.LogUniform u -> "log-uniform[" + u.low() + ", " + u.high() + "]";
            case ParamDomain.IntRange r -> "int[" + r.low() + ", " + r.high() + "] step " + r.step();
        };
    }
}
