package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.RemoteTrial;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.sweep.spi.TrialScheduler;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trials of a fleet's symbol sweeps as one scheduler's source: handed out round robin over the symbols (so they
 * share the slots), each run by its symbol's trial runner and its end recorded in its symbol's sweep.
 */
final class FleetTrials implements TrialScheduler.Source, TrialScheduler.Runner {
    private final Map<String, SymbolSweep> bySymbol;
    private final List<SymbolSweep> order;
    private int turn;

    FleetTrials(Map<String, SymbolSweep> bySymbol) {
        this.bySymbol = bySymbol;
        this.order = List.copyOf(bySymbol.values());
    }

    @Override
    public Optional<TrialScheduler.Trial> next() {
        for (int tried = 0; tried < order.size(); tried++) {
            SymbolSweep sweep = order.get(turn++ % order.size());
            if (sweep.hasNext()) {
                return Optional.of(sweep.next());
            }
        }
        return Optional.empty();
    }

    @Override
    public void ended(TrialResult result) {
        bySymbol.get(result.symbol()).ended(result);
    }

    @Override
    public TrialResult run(TrialScheduler.Trial trial) {
        return bySymbol.get(trial.symbol()).runner().run(trial);
    }

    @Override
    public RemoteTrial remote(TrialScheduler.Trial trial) {
        return bySymbol.get(trial.symbol()).runner().remote(trial);
    }
}
