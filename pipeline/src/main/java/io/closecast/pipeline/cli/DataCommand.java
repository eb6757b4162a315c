package io.closecast.pipeline.cli;

import picocli.CommandLine.Command;

/** {@code closecast data}: the group of data commands. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Fetch and check daily price data.",
        subcommands = {DataFetchCommand.class, DataCheckCommand.class})
public final class DataCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: expected fetch or check");
    }
}
