package io.closecast.pipeline.cli;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.training.TrainingUi;

import java.util.Optional;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The {@code --ui} flags {@code train} and {@code sweep} share (a picocli mixin). */
final class UiOptions {

    @Option(names = "--ui", description = {"Start Deeplearning4j's training UI and stream the training's stats to it",
            "(a sweep: one session per trial). Training then uses training.engine=dl4j (the fused engine has no",
            "per-iteration hooks); the stats file is logged to the (parent) run as ui/dl4j-stats.bin."})
    boolean ui;

    @Option(names = "--ui-port", defaultValue = "" + TrainingUi.DEFAULT_PORT,
            description = "Port of the training UI (default: ${DEFAULT-VALUE}).")
    int uiPort;

    @Option(names = "--ui-frequency", defaultValue = "" + TrainingUi.DEFAULT_FREQUENCY,
            description = "With --ui: collect stats every N iterations (default: ${DEFAULT-VALUE}; lower = finer curves, more overhead).")
    int uiFrequency;

    /**
     * The training UI settings, empty without {@code --ui}; a bad port or frequency is a usage error of
     * {@code spec}'s command naming the flag and the value.
     */
    Optional<TrainingUi.Settings> settings(CommandLine.Model.CommandSpec spec) {
        if (!ui) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TrainingUi.Settings(uiPort, uiFrequency));
        } catch (PipelineException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
