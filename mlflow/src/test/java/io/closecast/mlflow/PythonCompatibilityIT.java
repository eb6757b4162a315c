package io.closecast.mlflow;

import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Param;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Tag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the Java client writes is what MLflow's own Python client reads back, from the server's venv. */
class PythonCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pythonClientReadsWhatJavaWrote(@TempDir Path tmp) throws Exception {
        String uri = ItServer.trackingUri();
        try (MlflowClient client = ItServer.client()) {
            Experiment exp = client.getOrCreateExperiment(ItServer.unique("it-compat"));
            Run parent = client.createRun(RunSpec.builder(exp.id(), "sweep").tag("kind", "sweep").build());
            Run child = client.createRun(RunSpec.builder(exp.id(), "trial-0").parentRunId(parent.id()).build());

            Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
            List<Metric> losses = IntStream.range(0, 30)
                    .mapToObj(i -> new Metric("val_loss", 1.0 / (i + 2), t0.plusSeconds(i), i)).toList();
            List<Metric> metrics = new java.util.ArrayList<>(losses);
            metrics.add(new Metric("test_mae", 0.123456789, t0, 0));
            client.logBatch(parent.id(), metrics,
                    List.of(Param.create("model.lstm.hidden-units", "64"), Param.create("seed", "42")),
                    List.of(Tag.create("closecast.target", "PETR4.SA")));

            Path bundle = tmp.resolve("bundle");
            Files.createDirectories(bundle.resolve("network/inner"));
            Files.writeString(bundle.resolve("MLmodel"), "flavors:\n  closecast-dl4j: {}\n");
            byte[] weights = new byte[70_000];
            new Random(7).nextBytes(weights);
            Files.write(bundle.resolve("network/inner/weights.bin"), weights);
            client.artifacts().uploadDirectory(parent.id(), bundle, "model");
            client.setTerminated(parent.id(), RunStatus.FINISHED);

            String model = ItServer.unique("it-compat-model");
            client.registry().createRegisteredModel(model);
            ModelVersion version = client.registry().createModelVersion(ModelVersionSpec.create(model, parent.id(), "model")
                    .withTags(Map.of("verdict", "promoted")));
            client.registry().setAlias(model, "production", version.version());

            JsonNode read = readWithPython(uri, List.of(parent.id(), child.id(), model, "production", "val_loss",
                    "model", tmp.resolve("python-download").toString()));

            JsonNode run = read.path("run");
            assertEquals(parent.id(), run.path("run_id").asText());
            assertEquals("sweep", run.path("run_name").asText());
            assertEquals("FINISHED", run.path("status").asText());
            assertEquals(exp.id(), run.path("experiment_id").asText());
            assertEquals(Map.of("model.lstm.hidden-units", "64", "seed", "42"), JSON.convertValue(run.path("params"),
                    Map.class));
            assertEquals(0.123456789, run.path("metrics").path("test_mae").asDouble(), 0.0);
            assertEquals(1.0 / 31, run.path("metrics").path("val_loss").asDouble(), 0.0);
            assertEquals("PETR4.SA", run.path("tags").path("closecast.target").asText());
            assertEquals("sweep", run.path("tags").path("kind").asText());

            assertEquals(parent.id(), read.path("child").path("parent_run_id").asText());
            assertEquals("trial-0", read.path("child").path("run_name").asText());

            JsonNode mv = read.path("model_version");
            assertEquals(model, mv.path("name").asText());
            assertEquals(version.version(), mv.path("version").asInt());
            assertEquals(parent.id(), mv.path("run_id").asText());
            assertEquals(client.getRun(parent.id()).info().artifactUri() + "/model", mv.path("source").asText(),
                    "the resolved artifact URI, as MLflow's own client registers it");
            assertEquals("READY", mv.path("status").asText());
            assertEquals("production", mv.path("aliases").get(0).asText());
            assertEquals("promoted", mv.path("tags").path("verdict").asText());

            JsonNode history = read.path("history");
            assertEquals(losses.size(), history.size());
            for (int i = 0; i < losses.size(); i++) {
                assertEquals(losses.get(i).step(), history.get(i).get(0).asLong());
                assertEquals(losses.get(i).value(), history.get(i).get(1).asDouble(), 0.0);
                assertEquals(losses.get(i).timestamp().toEpochMilli(), history.get(i).get(2).asLong());
            }

            assertEquals(sha256Tree(bundle), JSON.convertValue(read.path("artifacts"), TreeMap.class));
        }
    }

    private static JsonNode readWithPython(String uri, List<String> args) throws IOException, InterruptedException {
        Path root = ItServer.root();
        Path script = root.resolve("mlflow/src/test/python/read_back.py");
        List<String> command = new java.util.ArrayList<>(List.of("bash",
                root.resolve("registry-server/mlflow-server.sh").toString(), "python", script.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MLFLOW_TRACKING_URI", uri);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("python read-back did not finish in 5 minutes; output so far:\n" + output);
        }
        assertEquals(0, process.exitValue(), "python read-back failed:\n" + output);
        String line = output.lines().filter(l -> l.startsWith("CLOSECAST_JSON ")).findFirst()
                .orElseThrow(() -> new AssertionError("expected a CLOSECAST_JSON line from " + script + ", found:\n"
                        + output));
        JsonNode node = JSON.readTree(line.substring("CLOSECAST_JSON ".length()));
        assertTrue(node.isObject(), line);
        return node;
    }

    private static TreeMap<String, String> sha256Tree(Path root) throws IOException, NoSuchAlgorithmException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                out.put(root.relativize(file).toString().replace('\\', '/'), HexFormat.of().formatHex(digest));
            }
        }
        return out;
    }
}
