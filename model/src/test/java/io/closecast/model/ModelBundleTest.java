package io.closecast.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBundleTest {
    @TempDir
    Path dir;

    private ModelBundle.MlModel sealSample() throws Exception {
        Files.writeString(dir.resolve("weights.bin"), "abc");
        Files.createDirectories(dir.resolve("extra"));
        Files.writeString(dir.resolve("extra/config.yaml"), "seed: 1\n");
        ModelBundle.MlModel mlmodel = new ModelBundle.MlModel("run123", "model", "2026-11-23T15:00:00Z", "uuid-1",
                Map.of("weights", "weights.bin", "window", 60), "[{\"type\": \"double\", \"name\": \"close\"}]",
                "[{\"type\": \"double\", \"name\": \"forecast\"}]", "input_example.json");
        ModelBundle.seal(dir, mlmodel);
        return mlmodel;
    }

    @Test
    void sealedBundleVerifiesAndReadsBack() throws Exception {
        ModelBundle.MlModel written = sealSample();
        ModelBundle.MlModel read = ModelBundle.verify(dir);
        assertEquals("run123", read.runId());
        assertEquals("weights.bin", read.setting("weights"));
        assertEquals("60", read.setting("window"));
        assertEquals(written.signatureInputs(), read.signatureInputs());
        String manifest = Files.readString(dir.resolve(ModelBundle.MANIFEST));
        assertTrue(manifest.contains(ModelBundle.sha256(dir.resolve("weights.bin")) + "  weights.bin"), manifest);
        assertTrue(manifest.contains("  extra/config.yaml"), manifest);
        assertTrue(manifest.contains("  MLmodel"), manifest);
        assertTrue(Files.readString(dir.resolve("MLmodel")).contains("closecast-dl4j:"));
    }

    @Test
    void aChangedFileIsRefusedByName() throws Exception {
        sealSample();
        Files.writeString(dir.resolve("extra/config.yaml"), "seed: 2\n");
        ModelException e = assertThrows(ModelException.class, () -> ModelBundle.verify(dir));
        assertTrue(e.getMessage().startsWith("model bundle checksum mismatch for extra/config.yaml"), e.getMessage());
    }

    @Test
    void aMissingOrAddedFileIsRefused() throws Exception {
        sealSample();
        Files.writeString(dir.resolve("intruder.bin"), "x");
        assertTrue(assertThrows(ModelException.class, () -> ModelBundle.verify(dir)).getMessage()
                .contains("holds intruder.bin, which its manifest does not list"));
        Files.delete(dir.resolve("intruder.bin"));
        Files.delete(dir.resolve("weights.bin"));
        assertTrue(assertThrows(ModelException.class, () -> ModelBundle.verify(dir)).getMessage()
                .contains("is missing weights.bin listed in its manifest"));
    }

    @Test
    void aDirectoryWithoutManifestIsNotABundle() {
        assertTrue(assertThrows(ModelException.class, () -> ModelBundle.verify(dir)).getMessage()
                .startsWith("not a closecast model bundle"));
    }
}
