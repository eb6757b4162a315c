package io.closecast.pipeline.sweep.spi;

import io.closecast.pipeline.PipelineException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs trials in {@code sweep.parallel} threads of this JVM, starting the next trial as soon as one ends. */
public final class LocalTrialScheduler implements TrialScheduler {
    private final int slots;

    public LocalTrialScheduler(int slots) {
        if (slots < 1) {
            throw new PipelineException("a sweep needs at least one parallel trial, found " + slots);
        }
        this.slots = slots;
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public List<TrialResult> runAll(Source source, Runner runner) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "closecast-trial");
            t.setDaemon(true);
            return t;
        });
        ExecutorCompletionService<TrialResult> done = new ExecutorCompletionService<>(pool);
        List<TrialResult> rows = new ArrayList<>();
        try {
            int inFlight = 0;
            while (inFlight < slots && submit(source, runner, done)) {
                inFlight++;
            }
            while (inFlight > 0) {
                TrialResult row = result(done);
                inFlight--;
                rows.add(row);
                source.ended(row);
                if (submit(source, runner, done)) {
                    inFlight++;
                }
            }
            return rows;
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean submit(Source source, Runner runner, ExecutorCompletionService<TrialResult> done) {
        Optional<Trial> trial = source.next();
        trial.ifPresent(t -> done.submit(() -> runner.run(t)));
        return trial.isPresent();
    }

    private static TrialResult result(ExecutorCompletionService<TrialResult> done)
            throws InterruptedException {
        try {
            return done.take().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PipelineException("a trial crashed the sweep: " + cause.getMessage(), cause);
        }
    }
}
