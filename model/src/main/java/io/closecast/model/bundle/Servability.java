package io.closecast.model.bundle;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.Target;
import io.closecast.model.intervals.ForecastInterval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Whether the service can serve a bundle: the checks a version passes before it serves, in one place for the service
 * (which runs {@link #warmUp} on every version it loads) and for the pipeline (which runs {@link #check} on a
 * candidate's downloaded bundle before any alias moves to it).
 *
 * <p>{@link #check} verifies the checksums and loads the bundle exactly as the service does ({@link ForecastModel#load}),
 * reads the flavor settings the service reads (training range, target), then runs the warm-up: forecasts on synthetic
 * windows, at the longest horizon and at one step, each of which must give as many finite values as asked for, with
 * finite, ordered intervals ({@code lower <= upper}). All of it within a {@link Budget}: a wall-clock limit, and a
 * memory limit on the bundle's size on disk (the weights the forward pass holds in memory are as large as their file).
 */
public final class Servability {

    private Servability() {
    }

    /**
     * What a bundle may take to become servable.
     *
     * @param maxTime      loading (checksums, weights) and warm-up together, wall clock
     * @param maxBytes     the bundle's files together, on disk
     * @param warmupRounds warm-up forecasts, alternating the longest horizon and one step (&gt;= 1)
     */
    public record Budget(Duration maxTime, long maxBytes, int warmupRounds) {
        /** 30 s, 256 MiB (the service's download bound for a bundle), 4 warm-up forecasts. */
        public static final Budget DEFAULT = new Budget(Duration.ofSeconds(30), 256L << 20, 4);

        public Budget {
            Objects.requireNonNull(maxTime, "maxTime");
            if (maxTime.isNegative() || maxTime.isZero()) {
                throw new ModelException("servability time budget must be > 0, found " + maxTime);
            }
            if (maxBytes <= 0) {
                throw new ModelException("servability memory budget must be > 0 bytes, found " + maxBytes);
            }
            if (warmupRounds < 1) {
                throw new ModelException("warm-up rounds must be >= 1, found " + warmupRounds);
            }
        }
    }

    /**
     * What {@link #check} found.
     *
     * @param servable    whether every check passed
     * @param reason      {@code servable: ...} with what was measured, or {@code not servable: ...} with the first
     *                    check that failed
     * @param took        loading and warm-up, wall clock
     * @param bundleBytes the bundle's files together, on disk
     */
    public record Report(boolean servable, String reason, Duration took, long bundleBytes) {
        public Report {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(took, "took");
        }
    }

    /** A loaded version as the warm-up sees it: the service's forecaster, or a bundle's {@link ForecastModel}. */
    public interface WarmUpTarget {
        /** How many past prices one forecast needs. */
        int windowLength();

        /** The longest horizon it forecasts. */
        int maxHorizon();

        /** Forecasts {@code horizon} prices from {@code window}, with the intervals it was calibrated for (may be none). */
        ForecastModel.Forecast forecast(double[] window, int horizon);
    }

    /** A bundle's model as a {@link WarmUpTarget}. */
    public static WarmUpTarget target(ForecastModel model) {
        Objects.requireNonNull(model, "model");
        return new WarmUpTarget() {
            @Override
            public int windowLength() {
                return model.requiredHistory();
            }

            @Override
            public int maxHorizon() {
                return model.maxHorizon();
            }

            @Override
            public ForecastModel.Forecast forecast(double[] window, int horizon) {
                return model.forecastWithIntervals(window, horizon);
            }
        };
    }

    /**
     * Runs {@code rounds} warm-up forecasts on synthetic windows (a gentle upward line around 100), alternating the
     * longest horizon and one step.
     *
     * @throws ModelException saying which forecast, step or interval was wrong
     */
    public static void warmUp(WarmUpTarget target, int rounds) {
        double[] window = new double[target.windowLength()];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < window.length; i++) {
                window[i] = 100.0 + i * 0.1 + round;
            }
            int horizon = round % 2 == 0 ? target.maxHorizon() : 1;
            ForecastModel.Forecast forecast;
            try {
                forecast = target.forecast(window.clone(), horizon);
            } catch (RuntimeException e) {
                throw new ModelException("warm-up forecast " + (round + 1) + " (" + horizon + " steps) failed: "
                        + message(e), e);
            }
            double[] out = forecast == null ? null : forecast.prices();
            if (out == null || out.length != horizon) {
                throw new ModelException("warm-up forecast " + (round + 1) + " expected " + horizon + " values, found "
                        + (out == null ? "none" : out.length));
            }
            for (int i = 0; i < out.length; i++) {
                if (!Double.isFinite(out[i])) {
                    throw new ModelException("warm-up forecast " + (round + 1) + " expected finite values, found "
                            + out[i] + " at step " + (i + 1));
                }
            }
            for (ForecastInterval interval : forecast.intervals()) {
                if (interval.steps() != horizon) {
                    throw new ModelException("warm-up forecast " + (round + 1) + " expected a " + interval.level()
                            + " interval of " + horizon + " steps, found " + interval.steps());
                }
                for (int i = 0; i < horizon; i++) {
                    double lo = interval.lower(i);
                    double hi = interval.upper(i);
                    if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
                        throw new ModelException("warm-up forecast " + (round + 1) + " expected a finite " + interval.level()
                                + " interval with lower <= upper, found [" + lo + ", " + hi + "] at step " + (i + 1));
                    }
                }
            }
        }
    }

    /**
     * Checks the bundle in {@code dir} as the service would load it, within {@code budget}. Never throws for a bundle
     * that is not servable: the report says why.
     *
     * @param dir    a downloaded bundle's directory
     * @param budget the time and memory it may take
     * @return servable or not, and why
     */
    public static Report check(Path dir, Budget budget) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(budget, "budget");
        long start = System.nanoTime();
        long bytes;
        try {
            bytes = size(dir);
        } catch (IOException | RuntimeException e) {
            return new Report(false, "not servable: cannot read the bundle in " + dir + ": " + message(e), since(start), 0);
        }
        if (bytes > budget.maxBytes()) {
            return new Report(false, String.format(Locale.ROOT, "not servable: the bundle holds %d bytes, the memory"
                    + " budget is %d", bytes, budget.maxBytes()), since(start), bytes);
        }
        FutureTask<String> task = new FutureTask<>(() -> load(dir, budget.warmupRounds()));
        Thread worker = Thread.ofPlatform().daemon().name("closecast-servability").start(task);
        try {
            String what = task.get(budget.maxTime().toNanos(), TimeUnit.NANOSECONDS);
            Duration took = since(start);
            if (took.compareTo(budget.maxTime()) > 0) { // finished, but after the budget: the wait's clock is coarse
                return overTime(budget, took, bytes);
            }
            return new Report(true, String.format(Locale.ROOT, "servable: %s, %d warm-up forecasts finite, loaded and"
                    + " warmed up in %d ms, %d bytes", what, budget.warmupRounds(), took.toMillis(), bytes), took, bytes);
        } catch (TimeoutException e) {
            task.cancel(true);
            worker.interrupt();
            return overTime(budget, since(start), bytes);
        } catch (ExecutionException e) {
            return new Report(false, "not servable: " + message(e.getCause()), since(start), bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            return new Report(false, "not servable: the check was interrupted", since(start), bytes);
        }
    }

    private static Report overTime(Budget budget, Duration took, long bytes) {
        long nanos = budget.maxTime().toNanos();
        String limit = nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms"
                : nanos % 1_000 == 0 ? nanos / 1_000 + " us" : nanos + " ns";
        return new Report(false, "not servable: loading and warm-up took longer than the time budget of " + limit,
                took, bytes);
    }

    /** Loads as the service does and warms up; returns what was loaded, for the report. */
    private static String load(Path dir, int rounds) {
        ForecastModel model = ForecastModel.load(dir);
        model.trainRange();
        String target = model.mlmodel().setting("target");
        try {
            Target.valueOf(target.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelException("the MLmodel flavor's target must be one of CLOSE, ADJ_CLOSE, found '" + target + "'");
        }
        warmUp(target(model), rounds);
        return "window " + model.requiredHistory() + ", horizon up to " + model.maxHorizon()
                + (model.intervals().isPresent() ? ", intervals finite" : ", no intervals");
    }

    private static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            long total = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
