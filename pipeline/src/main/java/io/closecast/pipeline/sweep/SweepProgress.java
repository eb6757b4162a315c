package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.spi.TrialResult;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Console progress of a sweep: trials done / running / pruned / time-limited / failed, the best so far, epochs. */
public final class SweepProgress {
    private final PrintWriter out;
    private final int total;
    private final SweepSpec spec;
    private final String prefix;
    private int done;
    private int running;
    private int pruned;
    private int timeLimited;
    private int failed;
    private Optional<Double> best = Optional.empty();

    /** Progress of one sweep; {@code label} (the symbol in a fleet, or empty) starts each of its lines. */
    public SweepProgress(PrintWriter out, int total, SweepSpec spec, String label) {
        this.prefix = label.isEmpty() ? "" : label + " ";
        this.out = out;
        this.total = total;
        this.spec = spec;
    }

    synchronized void restored(TrialResult row) {
        count(row.status(), row.value());
    }

    synchronized void started(int index, Map<String, Object> point) {
        running++;
        out.printf(Locale.ROOT, "[%strial %d] start %s%n", prefix, index, point);
        status();
    }

    synchronized void epoch(int index, int epoch, int maxEpochs, double value) {
        int width = 20;
        int filled = Math.min(width, epoch * width / Math.max(1, maxEpochs));
        out.printf(Locale.ROOT, "[%strial %d] [%s%s] epoch %d/%d %s %.6g%n", prefix, index, "#".repeat(filled),
                ".".repeat(width - filled), epoch, maxEpochs, TrialObjective.pruneMetric(spec), value);
        out.flush();
    }

    public synchronized void finished(int index, TrialStatus status, Optional<Double> value, String reason) {
        running = Math.max(0, running - 1);
        count(status, value);
        out.printf(Locale.ROOT, "[%strial %d] %s%s%s%n", prefix, index, status,
                value.map(v -> String.format(Locale.ROOT, " %s=%.6g", spec.metric(), v)).orElse(""),
                reason.isEmpty() ? "" : " (" + reason + ")");
        status();
    }

    private void count(TrialStatus status, Optional<Double> value) {
        switch (status) {
            case FINISHED -> done++;
            case PRUNED -> pruned++;
            case TIME_LIMITED -> timeLimited++;
            case FAILED, INTERRUPTED -> failed++;
        }
        value.ifPresent(v -> {
            if (best.isEmpty() || spec.loss(v) < spec.loss(best.get())) {
                best = Optional.of(v);
            }
        });
    }

    private void status() {
        out.printf(Locale.ROOT, "-- %s%d/%d done, %d running, %d pruned, %d time-limited, %d failed; best %s so far: %s%n",
                prefix.isEmpty() ? "" : prefix.strip() + ": ", done, total, running, pruned, timeLimited, failed, spec.metric(),
                best.map(v -> String.format(Locale.ROOT, "%.6g", v)).orElse("-"));
        out.flush();
    }
}
