package io.closecast.serving.config;

import io.closecast.serving.ServingException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feedback and dashboard keys of the serving config. */
class DashboardConfigTest {

    @Test
    void shippedDefaultsAndOverrides(@TempDir Path dir) throws Exception {
        ServingConfig shipped = ServingConfig.load(ServingConfigTest.YAML, Map.of());
        assertEquals(100, shipped.dashboard().feedbackWindow());
        assertEquals(Path.of("data"), shipped.dashboard().dataDir());
        assertEquals(Path.of("/srv/prices"), ServingConfig.load(ServingConfigTest.YAML, Map.of("CLOSECAST_DATA_DIR", "/srv/prices")).dashboard().dataDir());

        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, "model:\n  name: m\nfeedback:\n  window: 7\ndashboard:\n  data-dir: /tmp/x\n");
        ServingConfig c = ServingConfig.load(yaml, Map.of());
        assertEquals(7, c.dashboard().feedbackWindow());
        assertEquals(Path.of("/tmp/x"), c.dashboard().dataDir());

        Files.writeString(yaml, "model:\n  name: m\nfeedback:\n  window: 0\n");
        assertEquals("feedback.window must be 1..100000, found 0",
                assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of())).getMessage());
        Files.writeString(yaml, "model:\n  name: m\nfeedback:\n  window: lots\n");
        assertEquals("feedback.window must be an integer, found 'lots' (" + yaml + ")",
                assertThrows(ServingException.class, () -> ServingConfig.load(yaml, Map.of())).getMessage());
    }
}
