package io.closecast.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/closecast} as a separate process in the repository root, against the ITs' MLflow server. */
final class CliProcess {
    private CliProcess() {
    }

    record Result(int code, String out) {
    }

    /** A test resource under {@code it/} copied to a temp file with EXPERIMENT replaced. */
    static Path config(String resource, String experiment) throws IOException {
        try (var in = CliProcess.class.getResourceAsStream("/it/" + resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("EXPERIMENT", experiment);
            // Inside the checkout, so that its relative data.file resolves against the checkout (ProjectRoot).
            Path dir = Files.createDirectories(ItServers.root().resolve("pipeline/target/it-configs"));
            Path file = Files.createTempFile(dir, "closecast-it-", ".yaml");
            Files.writeString(file, text);
            return file;
        }
    }

    static ProcessBuilder builder(Path output, String... args) {
        return builder(ItServers.trackingUri(), output, args);
    }

    /** As {@link #builder(Path, String...)}, against the MLflow server at {@code trackingUri}. */
    static ProcessBuilder builder(String trackingUri, Path output, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", ItServers.root().resolve("bin/closecast").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ItServers.root().toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("MLFLOW_TRACKING_URI", trackingUri);
        return builder;
    }

    static Result run(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(ItServers.trackingUri(), timeoutSeconds, args);
    }

    /** As {@link #run(int, String...)}, against the MLflow server at {@code trackingUri}. */
    static Result run(String trackingUri, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        Path output = Files.createTempFile("closecast-cli", ".log");
        Process p = builder(trackingUri, output, args).start();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "closecast " + String.join(" ", args)
                + " did not finish in " + timeoutSeconds + " s; output so far:\n" + Files.readString(output));
        return new Result(p.exitValue(), Files.readString(output));
    }
}
