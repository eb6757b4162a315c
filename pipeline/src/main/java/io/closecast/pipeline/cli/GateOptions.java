package io.closecast.pipeline.cli;

import io.closecast.pipeline.config.PromotionObjective;
import io.closecast.pipeline.registry.Gate;

import picocli.CommandLine.Option;

/**
 * The gate's thresholds ({@code --max-mase}, {@code --days}, {@code --require-significance}) that {@code promote}
 * and {@code retrain} share (a picocli mixin), so both commands spell, default and describe them alike.
 */
final class GateOptions {

    @Option(names = "--max-mase", defaultValue = "1.0", description = "Gate: MASE must be below this (default: ${DEFAULT-VALUE}).")
    double maxMase;

    @Option(names = "--days", defaultValue = "" + Gate.Policy.DEFAULT_MIN_DAYS,
            description = "Gate: out-of-sample days needed at least (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--require-significance", description = "Gate: also require Diebold-Mariano p < 0.05 against naive.")
    boolean requireSignificance;

    /** The gate's policy with these thresholds, the default significance level and {@code objective}. */
    Gate.Policy policy(PromotionObjective objective) {
        return new Gate.Policy(maxMase, days, requireSignificance, Gate.Policy.DEFAULT.alpha(), objective);
    }
}
