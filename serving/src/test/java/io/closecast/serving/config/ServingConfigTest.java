package io.closecast.serving.config;

import io.closecast.serving.ServingException;
import io.closecast.serving.http.support.DomainErrors;
import io.closecast.serving.security.WebhookRejectedException;
import io.closecast.serving.security.WebhookVerifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ServingConfigTest {

    public static final Path YAML = Path.of("..", "configs", "serving.yaml");

    @Test
    void theShippedYamlLoadsWithItsDefaults() {
        ServingConfig c = ServingConfig.load(YAML, Map.of());
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-petr4", "production")), c.registry().models());
        assertEquals(8080, c.server().port());
        assertEquals(ServerSettings.DEFAULT_WRITE_QUEUE_LENGTH, c.server().writeQueueLength());
        assertEquals(Duration.ofSeconds(30), c.registry().loader().pollInterval());
        assertEquals(Duration.ofSeconds(60), c.registry().loader().retryMax());
        assertEquals(1024 * 1024, c.server().maxBodyBytes());
        assertEquals(List.of(), c.security().apiKeys());
        assertEquals(Optional.empty(), c.webhook().secret());
        assertEquals(Optional.of("http://127.0.0.1:5000"), c.registry().trackingUri());
    }

    @Test
    void environmentVariablesOverrideTheYaml() {
        ServingConfig c = ServingConfig.load(YAML, Map.of(
                "MLFLOW_TRACKING_URI", "http://mlflow:5000", "CLOSECAST_MODEL_NAME", "closecast-msft",
                "CLOSECAST_MODEL_ALIAS", "staging", "CLOSECAST_PORT", "9090", "CLOSECAST_API_KEYS", " k1, k2 ,,",
                "CLOSECAST_ADMIN_KEYS", "a1,a2", "CLOSECAST_POLL_INTERVAL", "500ms", "CLOSECAST_WEBHOOK_SECRET", "s"));
        assertEquals(Optional.of("http://mlflow:5000"), c.registry().trackingUri());
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-msft", "staging")), c.registry().models());
        assertEquals(9090, c.server().port());
        assertEquals(List.of("k1", "k2"), c.security().apiKeys());
        assertEquals(List.of("a1", "a2"), c.security().adminKeys());
        assertEquals(Duration.ofMillis(500), c.registry().loader().pollInterval());
        assertEquals(Optional.of("s"), c.webhook().secret());
        ServingConfig both = ServingConfig.load(YAML, Map.of("MLFLOW_TRACKING_URI", "http://a", "CLOSECAST_TRACKING_URI", "http://b"));
        assertEquals(Optional.of("http://b"), both.registry().trackingUri(), "CLOSECAST_TRACKING_URI wins over MLFLOW_TRACKING_URI");
    }

    @Test
    void unknownKeysAreRefusedNamingTheKeyAndTheFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("typo.yaml");
        Files.writeString(yaml, "server:\n  prot: 8080\nmodel:\n  name: m\n");
        ServingException e = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(e.getMessage().startsWith("unknown key server.prot in " + yaml + "; known keys: "), e.getMessage());
        Files.writeString(yaml, "model:\n  name: m\n  download:\n    timout: 2m\n");
        e = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(e.getMessage().startsWith("unknown key model.download.timout in "), e.getMessage());
        Files.writeString(yaml, "modle:\n  name: m\n");
        e = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(e.getMessage().startsWith("unknown key modle in "), e.getMessage());
        // list items and every documented section pass
        Files.writeString(yaml, "model:\n  name: m\nsecurity:\n  api-keys: [a, b]\n  open:\n    health: true\n");
        assertEquals(List.of("a", "b"), ServingConfig.load(yaml, Map.of()).security().apiKeys());
    }

    @Test
    void badValuesSayKeyValueAndWhere(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "model:\n  name: m\n  poll-interval: soon\n");
        ServingException e = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertEquals("model.poll-interval must be a duration such as 500ms, 30s, 10m, 1h or PT30S, found 'soon' (" + yaml + ")", e.getMessage());
        Files.writeString(yaml, "server:\n  port: 8080\n");
        ServingException n = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(n.getMessage().startsWith("model.name or models is required"), n.getMessage());
        ServingException p = assertThrows(ServingException.class,
                () -> ServingConfig.load(YAML, Map.of("CLOSECAST_PORT", "eighty")));
        assertEquals("CLOSECAST_PORT must be an integer, found 'eighty' (environment)", p.getMessage());
        Files.writeString(yaml, "server:\n  write-queue-length: -1\nmodel:\n  name: m\n");
        ServingException q = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertEquals("server.write-queue-length must be 0..1024 (0 = write on the request's thread), found -1",
                q.getMessage());
        Files.writeString(yaml, "server:\n  write-queue-length: 0\nmodel:\n  name: m\n");
        assertEquals(0, ServingConfig.load(yaml, Map.of()).server().writeQueueLength());
    }

    @Test
    void aFleetIsAListOfNamesOrNameAliasObjects(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("fleet.yaml");
        Files.writeString(yaml, "model:\n  alias: champion\nmodels:\n  - closecast-MSFT\n  - name: closecast-AAPL\n"
                + "    alias: staging\n");
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-MSFT", "champion"),
                new RegistrySettings.ServedModel("closecast-AAPL", "staging")), ServingConfig.load(yaml, Map.of()).registry().models());
        Files.writeString(yaml, "models: [closecast-MSFT, closecast-AAPL]\n");
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-MSFT", "production"),
                new RegistrySettings.ServedModel("closecast-AAPL", "production")), ServingConfig.load(yaml, Map.of()).registry().models());
        // the environment replaces the YAML's models, as CLOSECAST_MODEL_NAME replaces model.name
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-X", "production"),
                        new RegistrySettings.ServedModel("closecast-Y", "canary")),
                ServingConfig.load(yaml, Map.of("CLOSECAST_MODEL_NAMES", "closecast-X, closecast-Y@canary")).registry().models());
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-petr4", "production"),
                        new RegistrySettings.ServedModel("closecast-vale3", "production")),
                ServingConfig.load(YAML, Map.of("CLOSECAST_MODEL_NAMES", "closecast-petr4,closecast-vale3")).registry().models());
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-Z", "production")),
                ServingConfig.load(yaml, Map.of("CLOSECAST_MODEL_NAME", "closecast-Z")).registry().models());
    }

    @Test
    void theShippedFleetExampleLoads() {
        assertEquals(List.of(new RegistrySettings.ServedModel("closecast-MSFT", "production"),
                new RegistrySettings.ServedModel("closecast-AAPL", "production"),
                new RegistrySettings.ServedModel("closecast-PETR4.SA", "champion")),
                ServingConfig.load(YAML.resolveSibling("serving-fleet.yaml"), Map.of()).registry().models());
    }

    @Test
    void aBadFleetSaysWhatIsWrong(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("fleet.yaml");
        Files.writeString(yaml, "models:\n  - name: closecast-MSFT\n    alais: staging\n");
        ServingException typo = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(typo.getMessage().startsWith("unknown key models[0].alais in " + yaml + "; known keys of a models item: name, alias"),
                typo.getMessage());
        Files.writeString(yaml, "models:\n  - alias: staging\n");
        ServingException noName = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(noName.getMessage().startsWith("models[0].name is required"), noName.getMessage());
        Files.writeString(yaml, "model:\n  name: a\nmodels: [b]\n");
        ServingException both = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(both.getMessage().startsWith("set model.name (one model) or models (several), found both"), both.getMessage());
        Files.writeString(yaml, "models: [a, b, a]\n");
        ServingException twice = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertEquals("models must name each registered model once, found a twice", twice.getMessage());
        Files.writeString(yaml, "models:\n  name: a\n");
        ServingException notAList = assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of()));
        assertTrue(notAList.getMessage().startsWith("models must be a list"), notAList.getMessage());
        ServingException envBoth = assertThrows(ServingException.class, () -> ServingConfig.load(YAML,
                Map.of("CLOSECAST_MODEL_NAME", "a", "CLOSECAST_MODEL_NAMES", "b,c")));
        assertTrue(envBoth.getMessage().contains("found both in the environment"), envBoth.getMessage());
        ServingException badItem = assertThrows(ServingException.class, () -> ServingConfig.load(YAML,
                Map.of("CLOSECAST_MODEL_NAMES", "a,@b")));
        assertEquals("CLOSECAST_MODEL_NAMES items must be NAME or NAME@ALIAS, found '@b'", badItem.getMessage());
    }

    @Test
    void webhookSignatureMatchesMlflowsScheme() {
        // HMAC-SHA256("secret", "d1.1700000000.{}") in base64, computed independently with Python's hmac module
        Clock at = Clock.fixed(Instant.ofEpochSecond(1_700_000_010L), ZoneOffset.UTC);
        WebhookVerifier v = WebhookVerifier.create("secret", Duration.ofMinutes(5), at);
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(EXPECTED_SIGNATURE, v.sign("d1", "1700000000", body));
        v.verify("d1", "1700000000", EXPECTED_SIGNATURE, body);
        WebhookRejectedException wrong = assertThrows(WebhookRejectedException.class, () -> v.verify("d1", "1700000000",
                EXPECTED_SIGNATURE, "{ }".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(401, DomainErrors.toApi(wrong).orElseThrow().status());
        WebhookRejectedException stale = assertThrows(WebhookRejectedException.class,
                () -> v.verify("d1", "1699999000", EXPECTED_SIGNATURE, body));
        assertEquals(400, DomainErrors.toApi(stale).orElseThrow().status());
    }

    static final String EXPECTED_SIGNATURE = "v1,G77iR07mhxRhj4uXzCbRdU/9tFV0ULbzSFKOaC7ieFc=";
}
