package io.closecast.serving.registry;

import io.closecast.serving.ServingException;
import io.closecast.serving.config.ServingConfig;
import io.closecast.serving.config.ServingConfigTest;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.ModelSourceFactory;
import io.closecast.serving.models.VersionRef;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import org.junit.jupiter.api.Test;

/** The registry source's wiring and naming, without a server (the behaviour against MLflow is in MlflowServingIT). */
class MlflowModelSourceTest {

    @Test
    void mainFindsTheMlflowFactoryThroughServiceLoader() {
        ModelSourceFactory factory = ServiceLoader.load(ModelSourceFactory.class).findFirst().orElseThrow();
        assertInstanceOf(MlflowModelSourceFactory.class, factory);
    }

    @Test
    void theFactoryNeedsATrackingUriAndNamesWhereToSetIt() {
        ServingConfig config = ServingConfig.builder().modelName("closecast-msft").build();
        ServingException e = assertThrows(ServingException.class, () -> new MlflowModelSourceFactory().create(config, Map.of()));
        assertTrue(e.getMessage().startsWith("mlflow.tracking-uri is required"), e.getMessage());
        assertTrue(e.getMessage().contains("CLOSECAST_TRACKING_URI or MLFLOW_TRACKING_URI"), e.getMessage());
    }

    @Test
    void theSourceDescribesAliasAndServer() {
        ServingConfig config = ServingConfig.builder().modelName("closecast-msft").modelAlias("staging")
                .trackingUri("http://mlflow.example:5000/").build();
        ModelSource source = new MlflowModelSourceFactory().create(config, Map.of()).getFirst();
        assertEquals("models:/closecast-msft@staging at http://mlflow.example:5000", source.describe());
    }

    @Test
    void cacheDirComesFromYamlThenEnvironment() {
        assertEquals(Path.of("/tmp/closecast-models"), ServingConfig.load(ServingConfigTest.YAML, Map.of()).registry().modelCacheDir());
        assertEquals(Path.of("/var/cache/cc"), ServingConfig.load(ServingConfigTest.YAML,
                Map.of("CLOSECAST_MODEL_CACHE_DIR", "/var/cache/cc")).registry().modelCacheDir());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "closecast-models"),
                ServingConfig.builder().modelName("m").build().registry().modelCacheDir());
    }

    @Test
    void bundlesAreCachedPerModelAndVersionWithSafeNames() {
        try (MlflowClient client = MlflowClient.create(MlflowConfig.create("http://127.0.0.1:1"))) {
            MlflowModelSource source = MlflowModelSource.create(client, "closecast-msft", "production", Path.of("/cache"));
            assertEquals(Path.of("/cache/closecast-msft/7"), source.bundleDir(VersionRef.create("closecast-msft", "7", "r")));
            for (String hostile : new String[] {"..", "a/b c", "../etc", "a/../../b", ".", "x..y", "/abs"}) {
                ServingException n = assertThrows(ServingException.class,
                        () -> source.bundleDir(VersionRef.create(hostile, "1", "r")), hostile);
                assertTrue(n.getMessage().startsWith("model name from the registry must be"), n.getMessage());
            }
            ServingException e = assertThrows(ServingException.class,
                    () -> source.bundleDir(VersionRef.create("closecast-msft", "latest", "r")));
            assertEquals("model version must be a positive integer, found 'latest' (closecast-msft)", e.getMessage());
        }
    }
}
