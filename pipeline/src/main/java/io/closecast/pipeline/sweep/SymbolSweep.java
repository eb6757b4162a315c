package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.search.SearchMethod;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.sweep.spi.TrialScheduler;
import io.closecast.pipeline.tracking.RunMetadata;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.closecast.mlflow.MlflowClient;

/**
 * One symbol's sweep while a sweep (of one symbol or of a fleet) runs: its state in MLflow, the results of its ended
 * trials, its search history, the trials it has still to run, its progress and its trial runner.
 */
final class SymbolSweep {
    final SweepFile file;
    final SweepSpec spec;
    final int trials;
    final String sweepId;
    /** The symbol in a fleet's console lines, empty for a sweep of one symbol. */
    final String label;
    final SweepState state;
    final Map<Integer, TrialResult> results;
    final Map<Integer, Map<Long, Double>> curves;
    final SweepProgress progress;
    private final List<SearchMethod.Observation> history = new ArrayList<>();
    private final ArrayDeque<Integer> todo = new ArrayDeque<>();
    private final SearchMethod method;
    private TrialRunner runner;

    private SymbolSweep(SweepFile file, int trials, String sweepId, String label, SweepState state, SweepProgress progress) {
        this.file = file;
        this.spec = file.spec();
        this.trials = trials;
        this.sweepId = sweepId;
        this.label = label;
        this.state = state;
        this.results = state.endedRows(spec);
        this.curves = state.endedCurves(spec);
        this.method = spec.searchMethod();
        this.progress = progress;
        results.values().forEach(r -> r.value().ifPresent(v -> history.add(new SearchMethod.Observation(r.point(),
                spec.loss(v)))));
        results.values().forEach(progress::restored);
    }

    /**
     * Opens the sweep of {@code file}: finds or creates its parent run, reads its ended trials, and lists the trials to
     * run (only {@code --trial I}'s, or every trial never started or interrupted); a resumed sweep's training UI gets
     * the sessions of the earlier run.
     */
    static SymbolSweep open(MlflowClient client, Clock clock, PrintWriter console, SweepFile file,
                            SweepRunner.Options options, boolean inFleet) {
        SweepSpec spec = file.spec();
        int trials = options.trials().orElse(spec.trials());
        if (spec.method() == SweepSpec.Method.GRID) {
            trials = Math.min(trials, spec.searchMethod().capacity());
        }
        String sweepId = SweepIds.sweepId(file);
        String experimentId = RunMetadata.experiment(client, file.base()).id();
        SweepState state = SweepState.open(client, clock, console, file, experimentId, sweepId, trials,
                options.onlyTrial());
        if (options.ui().isPresent() && !state.children().isEmpty()) {
            new SweepUiStats(client, console).restore(state.parentId(), options.ui().get(), options.workDir());
        }
        String label = inFleet ? file.symbol() : "";
        SymbolSweep sweep = new SymbolSweep(file, trials, sweepId, label, state,
                new SweepProgress(console, trials, spec, label));
        if (options.onlyTrial().isPresent()) {
            sweep.todo.add(options.onlyTrial().get());
        } else {
            for (int i = 0; i < trials; i++) {
                if (state.needsRun(i)) {
                    sweep.todo.add(i);
                }
            }
        }
        return sweep;
    }

    /** Trials still to run. */
    int toRun() {
        return todo.size();
    }

    /** Trials done before this run (ended, not to run again). */
    int done() {
        return results.size() - (int) todo.stream().filter(results::containsKey).count();
    }

    boolean hasNext() {
        return !todo.isEmpty();
    }

    /** The next trial: an interrupted one runs again exactly what it ran; a new one is proposed from every ended one. */
    TrialScheduler.Trial next() {
        int index = todo.poll();
        Map<String, Object> point = state.earlierPoint(index)
                .orElseGet(() -> method.propose(index, List.copyOf(history)));
        return new TrialScheduler.Trial(file.symbol(), index, point);
    }

    void ended(TrialResult result) {
        results.put(result.index(), result);
        result.value().ifPresent(v -> history.add(new SearchMethod.Observation(result.point(), spec.loss(v))));
    }

    TrialRunner runner() {
        return runner;
    }

    void runWith(TrialRunner runner) {
        this.runner = runner;
    }
}
