package io.closecast.pipeline.cli;

import io.closecast.pipeline.config.ServabilityBudget;

import io.closecast.model.bundle.Servability;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The servability check's budget ({@code --servability-time}, {@code --servability-memory}) that {@code promote},
 * {@code retrain} and {@code sweep --promote} share (a picocli mixin); each option given overrides the config's
 * ({@code promotion.servability-*}) or the check's default.
 */
final class ServabilityOptions {

    @Option(names = "--servability-time", paramLabel = "DURATION",
            description = {"Servability check: the candidate's loading (checksums, weights) and warm-up forecasts must",
                    "end within this, e.g. 30s, 2m, 500ms or PT1M (default: the config's promotion.servability-time, else 30s)."})
    String time;

    @Option(names = "--servability-memory", paramLabel = "SIZE",
            description = {"Servability check: the candidate bundle's files together at most this, e.g. 256MiB, 512MB,",
                    "1GiB or a number of bytes (default: the config's promotion.servability-memory, else 256MiB)."})
    String memory;

    /** The check's default budget with the options given. */
    Servability.Budget budget(CommandLine.Model.CommandSpec spec) {
        return budget(spec, Servability.Budget.DEFAULT);
    }

    /** {@code base} (a config's budget) with the options given; a bad value is a usage error naming option and value. */
    Servability.Budget budget(CommandLine.Model.CommandSpec spec, Servability.Budget base) {
        java.time.Duration maxTime = time == null ? base.maxTime() : ServabilityBudget.time(time).orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "--servability-time must be "
                        + ServabilityBudget.EXPECTED_TIME + ", found '" + time + "'"));
        long maxBytes = memory == null ? base.maxBytes() : ServabilityBudget.size(memory).orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "--servability-memory must be "
                        + ServabilityBudget.EXPECTED_SIZE + ", found '" + memory + "'"));
        return new Servability.Budget(maxTime, maxBytes, base.warmupRounds());
    }
}
