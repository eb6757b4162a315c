package io.closecast.model.bundle;

import io.closecast.model.ModelException;

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
    void aBundleWithTheNumpyLoaderDeclaresThePythonFunctionFlavor() throws Exception {
        sealSample();
        assertTrue(!Files.readString(dir.resolve("MLmodel")).contains("python_function"), "no loader, no pyfunc flavor");
        ModelBundle.writePythonLoader(dir);
        sealSample();
        com.fasterxml.jackson.databind.JsonNode mlmodel = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(dir.resolve("MLmodel").toFile());
        com.fasterxml.jackson.databind.JsonNode pyfunc = mlmodel.path("flavors").path("python_function");
        assertEquals("closecast_pyfunc", pyfunc.path("loader_module").asText(), mlmodel.toString());
        assertEquals("code", pyfunc.path("code").asText());
        assertEquals("python_env.yaml", pyfunc.path("env").path("virtualenv").asText());
        assertTrue(mlmodel.path("flavors").has(ModelBundle.FLAVOR), "the closecast flavor stays");
        assertTrue(mlmodel.path("signature").path("params").asText().contains("\"name\": \"horizon\""), mlmodel.toString());
        String loader = Files.readString(dir.resolve("code/closecast_pyfunc.py"));
        assertTrue(loader.contains("def _load_pyfunc(data_path)"), "MLflow's loader_module entry point");
        assertTrue(Files.readString(dir.resolve("requirements.txt")).contains("numpy"));
        String manifest = Files.readString(dir.resolve(ModelBundle.MANIFEST));
        assertTrue(manifest.contains(ModelBundle.sha256(dir.resolve("code/closecast_pyfunc.py")) + "  code/closecast_pyfunc.py"),
                manifest);
        ModelBundle.verify(dir);
        Files.writeString(dir.resolve("code/closecast_pyfunc.py"), loader + "\n# changed\n");
        assertThrows(ModelException.class, () -> ModelBundle.verify(dir), "the loader is covered by the manifest");
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
