package io.closecast.serving;

import io.closecast.serving.config.ServingConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document is the contract: schemathesis (pinned in {@code serving/src/test/python/requirements-peers.txt})
 * reads the running service's own {@code /openapi}, as a new user's tooling would, generates requests from it (valid
 * and invalid ones) and runs every one of its checks on the answers: no 5xx, statuses, content types, headers and
 * bodies as declared, valid data accepted, invalid data refused, undeclared methods 405 with {@code Allow}, a missing
 * key refused. API keys configured, a fixed seed and a bounded number of cases per operation; it must find nothing.
 * {@code schemathesis.toml} beside the script says which operations have rules across fields that JSON Schema cannot
 * state (dates one per close, CSV rows by date), for which a 400 to a schema-valid request is expected.
 */
class OpenApiContractIT {

    static final String KEY = "contract-key";
    static final int SEED = 20261207;
    static final int CASES = 25;

    @Test
    void schemathesisFindsNothingAgainstTheServicesOwnDocument(@TempDir Path work) throws Exception {
        ServingConfig config = ServingConfig.builder().host("127.0.0.1").port(0).modelName(TestModelSource.NAME)
                .pollInterval(Duration.ofMinutes(10)).apiKeys(List.of(KEY)).adaptiveGamma(0.005) // intervals +aci
                .dataDir(RegistryFixture.root().resolve("data")).build(); // /v1/samples serves the bundled files
        try (RunningService service = Main.start(config, new TestModelSource(5, 10, "1"))) {
            TestClient.await("model ready", Duration.ofSeconds(20), service.models()::ready);
            String base = "http://127.0.0.1:" + service.port();
            Path dir = RegistryFixture.root().resolve("serving/src/test/python");
            List<String> command = new ArrayList<>(List.of("bash", dir.resolve("peers.sh").toString(), "python", "-m",
                    "schemathesis.cli", "--config-file", dir.resolve("schemathesis.toml").toString(), "run", base + "/openapi", "--url", base, "--checks", "all",
                    "--header", "X-API-Key: " + KEY, "--seed", Integer.toString(SEED), "--max-examples", Integer.toString(CASES),
                    "--workers", "1", "--no-color", "--request-timeout", "20",
                    "--report", "junit", "--report-dir", work.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).directory(work.toFile()).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("schemathesis did not finish in 15 minutes");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            Files.writeString(work.resolve("schemathesis.txt"), text);
            System.out.println(text); // the run's summary in the build log, also when it finds nothing
            assertEquals(0, process.exitValue(), "schemathesis found failures against /openapi:\n" + text);
        }
    }
}
