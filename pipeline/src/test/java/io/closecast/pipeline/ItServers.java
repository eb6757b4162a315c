package io.closecast.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The pipeline ITs' real MLflow server and MLflow's own Python client beside it. */
final class ItServers {
    private ItServers() {
    }

    static String trackingUri() {
        String env = System.getenv("MLFLOW_TRACKING_URI");
        String uri = env != null && !env.isBlank() ? env : System.getProperty("closecast.it.tracking-uri", "");
        if (uri.isBlank()) {
            fail("the pipeline integration tests need a real MLflow server: run them through the build"
                    + " (./mvnw -B -pl pipeline -am verify starts one), or start one with"
                    + " registry-server/mlflow-server.sh start and export MLFLOW_TRACKING_URI=http://127.0.0.1:5000");
        }
        return uri;
    }

    static MlflowClient client() {
        return MlflowClient.create(MlflowConfig.create(trackingUri()));
    }

    static Path root() {
        return Path.of(System.getProperty("closecast.root", "..")).toAbsolutePath().normalize();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The version MLflow's Python client finds for {@code name@alias}, empty when it finds none. */
    static Optional<Integer> pythonAlias(String name, String alias) {
        return pythonAlias(trackingUri(), name, alias);
    }

    /** As {@link #pythonAlias(String, String)}, against the MLflow server at {@code trackingUri}. */
    static Optional<Integer> pythonAlias(String trackingUri, String name, String alias) {
        String script = """
                import sys
                from mlflow import MlflowClient
                from mlflow.exceptions import MlflowException
                try:
                    print(MlflowClient().get_model_version_by_alias(sys.argv[1], sys.argv[2]).version)
                except MlflowException as e:
                    print("none")
                """;
        String out = pythonAt(trackingUri, script, name, alias).strip();
        return out.equals("none") ? Optional.empty() : Optional.of(Integer.parseInt(out));
    }

    /** Runs a Python snippet in the MLflow server's virtual environment, returning its standard output. */
    static String python(String script, String... args) {
        return pythonAt(trackingUri(), script, args);
    }

    /** As {@link #python(String, String...)}, with {@code MLFLOW_TRACKING_URI} set to {@code trackingUri}. */
    static String pythonAt(String trackingUri, String script, String... args) {
        String[] command = new String[4 + args.length];
        command[0] = "bash";
        command[1] = root().resolve("registry-server/mlflow-server.sh").toString();
        command[2] = "python";
        command[3] = "-c";
        String[] full = new String[command.length + 1];
        System.arraycopy(command, 0, full, 0, 4);
        full[4] = script;
        System.arraycopy(args, 0, full, 5, args.length);
        try {
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(false);
            builder.environment().put("MLFLOW_TRACKING_URI", trackingUri);
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("MLflow's Python client did not finish in 120 s");
            }
            assertEquals(0, process.exitValue(), "MLflow's Python client failed: " + err);
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot run MLflow's Python client: " + e.getMessage(), e);
        }
    }
}
