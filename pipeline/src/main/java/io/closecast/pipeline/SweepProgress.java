package io.closecast.pipeline;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Console progress of a sweep: trials done / running / pruned / time-limited / failed, the best so far, epochs. */
final class SweepProgress {
    private final PrintWriter out;
    private final int total;
    private final SweepSpec spec;
    private int done;
    private int running;
    private int pruned;
    private int timeLimited;
    private int failed;
    private Optional<Double> best = Optional.empty();

    SweepProgress(PrintWriter out, int total, SweepSpec spec) {
        this.out = out;
        this.total = total;
        this.spec = spec;
    }

    synchronized void restored(SweepRunner.TrialRow row) {
        count(row.status(), row.value());
    }

    synchronized void started(int index, Map<String, Object> point) {
        running++;
        out.printf(Locale.ROOT, "[trial %d] start %s%n", index, point);
        status();
    }

    synchronized void epoch(int index, int epoch, int maxEpochs, double value) {
        int width = 20;
        int filled = Math.min(width, epoch * width / Math.max(1, maxEpochs));
        out.printf(Locale.ROOT, "[trial %d] [%s%s] epoch %d/%d %s %.6g%n", index, "#".repeat(filled),
                ".".repeat(width - filled), epoch, maxEpochs, SweepRunner.pruneMetric(spec), value);
        out.flush();
    }

    synchronized void finished(int index, TrialStatus status, Optional<Double> value, String reason) {
        running = Math.max(0, running - 1);
        count(status, value);
        out.printf(Locale.ROOT, "[trial %d] %s%s%s%n", index, status,
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
        out.printf(Locale.ROOT, "-- %d/%d done, %d running, %d pruned, %d time-limited, %d failed; best %s so far: %s%n",
                done, total, running, pruned, timeLimited, failed, spec.metric(),
                best.map(v -> String.format(Locale.ROOT, "%.6g", v)).orElse("-"));
        out.flush();
    }
}
