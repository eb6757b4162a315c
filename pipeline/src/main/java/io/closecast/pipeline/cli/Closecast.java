package io.closecast.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code closecast} command line. Subcommands are classes listed in {@code subcommands} below (add
 * {@code TrainCommand.class} and friends there). Exit codes: 0 ok, 1 failure (one line {@code error: ...} on
 * stderr, the stack trace only with {@code --verbose}), 2 usage error, an unknown command among them, with or
 * without {@code --help}.
 */
@Command(name = "closecast", mixinStandardHelpOptions = true, versionProvider = Closecast.Version.class,
        description = "Forecasts a stock's next closing prices with LSTM networks; runs the ML life cycle around them.",
        subcommands = {DataCommand.class, TrainCommand.class, SweepCommand.class, EvaluateCommand.class, ModelsCommand.class,
                PromoteCommand.class, RollbackCommand.class, RetrainCommand.class, CommandLine.HelpCommand.class})
public final class Closecast {

    /** Exit code of a command that failed (bad data, unreachable server, ...). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a command line that does not parse. */
    public static final int EXIT_USAGE = 2;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs one command line with the given streams and returns its exit code (tests call this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured command tree. */
    public static CommandLine commandLine() {
        Closecast root = new Closecast();
        CommandLine cli = new CommandLine(root);
        cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        cli.getCommandSpec().exitCodeOnExecutionException(EXIT_FAILURE);
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cli.setExecutionStrategy(parseResult -> {
            // picocli leaves a word it cannot place unmatched and, when --help or --version is also given, runs
            // the help of the command before it (exit 0): refuse it first, so a script learns the command is wrong.
            refuseUnknownCommand(parseResult);
            return runLast.execute(parseResult);
        });
        CommandLine.IParameterExceptionHandler usageHandler = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((parseError, args) -> {
            CommandLine.ParameterException e = parseError instanceof CommandLine.UnmatchedArgumentException unmatched
                    ? unknownCommand(unmatched.getCommandLine(), unmatched.getUnmatched()).orElse(parseError) : parseError;
            if (java.util.Arrays.asList(args).contains(JSON_OPTION)) {
                printJsonError(e.getCommandLine().getOut(), "usage", e.getMessage(), EXIT_USAGE);
                return EXIT_USAGE;
            }
            return usageHandler.handleParseException(e, args);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            boolean json = wantsJson(parseResult);
            if (e instanceof CommandLine.ParameterException usage) {
                // Raised by a command that validates its options itself: a usage error like any other.
                if (json) {
                    printJsonError(commandLine.getOut(), "usage", usage.getMessage(), EXIT_USAGE);
                    return EXIT_USAGE;
                }
                err.println(usage.getMessage());
                usage.getCommandLine().usage(err);
                err.flush();
                return EXIT_USAGE;
            }
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            if (json) {
                printJsonError(commandLine.getOut(), "failure", message, EXIT_FAILURE);
            }
            err.println("error: " + message.replace('\n', ' '));
            if (root.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        });
        return cli;
    }

    /** Throws a usage error when a level of the parsed command line holds a word that names no command. */
    private static void refuseUnknownCommand(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult level = parseResult; level != null;
             level = level.hasSubcommand() ? level.subcommand() : null) {
            Optional<CommandLine.ParameterException> unknown = unknownCommand(level.commandSpec().commandLine(), level.unmatched());
            if (unknown.isPresent()) {
                throw unknown.get();
            }
        }
    }

    /**
     * The usage error for a command that takes subcommands given a word that names none of them
     * ({@code closecast frobnicate}): the word, the command and the commands it knows. Empty for any other
     * unmatched argument (an unknown option, a surplus argument of a command without subcommands).
     */
    static Optional<CommandLine.ParameterException> unknownCommand(CommandLine command, List<String> unmatched) {
        if (command.getSubcommands().isEmpty()) {
            return Optional.empty();
        }
        return unmatched.stream().filter(word -> !word.startsWith("-")).findFirst()
                .map(word -> new CommandLine.ParameterException(command, "unknown command '" + word + "' for '"
                        + command.getCommandSpec().qualifiedName() + "': expected one of " + knownCommands(command)));
    }

    /** The names of a command's subcommands, aliases left out, comma-separated in declaration order. */
    private static String knownCommands(CommandLine command) {
        List<String> names = new ArrayList<>();
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) {
                names.add(name);
            }
        });
        return String.join(", ", names);
    }

    /** The option that asks a command for JSON on stdout: its errors are then JSON on stdout too. */
    static final String JSON_OPTION = "--json";

    /** Whether the command that ran (the innermost subcommand) was given {@value #JSON_OPTION}. */
    private static boolean wantsJson(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult leaf = parseResult;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf.hasMatchedOption(JSON_OPTION) && Boolean.TRUE.equals(leaf.matchedOptionValue(JSON_OPTION, false));
    }

    /** {@code {"error": {"kind": ..., "message": ..., "exit_code": n}}} on one line of stdout. */
    static void printJsonError(PrintWriter out, String kind, String message, int exitCode) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("kind", kind);
        error.put("message", message);
        error.put("exit_code", exitCode);
        try {
            out.println(new ObjectMapper().writeValueAsString(Map.of("error", error)));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        out.flush();
    }

    /** The project version, filtered into closecast-version.properties by Maven. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Closecast.class.getResourceAsStream("/closecast-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[]{"closecast " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
