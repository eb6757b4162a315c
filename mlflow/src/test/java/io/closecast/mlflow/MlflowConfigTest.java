package io.closecast.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MlflowConfigTest {

    @Test
    void httpAndHttpsAreAcceptedAndTrailingSlashesDropped() {
        assertEquals(URI.create("http://127.0.0.1:5000"), MlflowConfig.create("http://127.0.0.1:5000/").trackingUri());
        assertEquals(URI.create("https://mlflow.example.com/prefix"),
                MlflowConfig.create("https://mlflow.example.com/prefix//").trackingUri());
    }

    @Test
    void nonHttpUrisAreRejectedNamingTheUri() {
        for (String uri : new String[] {"file:///tmp/mlruns", "databricks", "sqlite:///mlflow.db", "/tmp/mlruns"}) {
            MlflowException e = assertThrows(MlflowException.class, () -> MlflowConfig.create(uri), uri);
            assertTrue(e.getMessage().contains("must be an http:// or https:// server address"), e.getMessage());
            assertTrue(e.getMessage().contains("found '" + uri + "'"), e.getMessage());
        }
        MlflowException e = assertThrows(MlflowException.class, () -> MlflowConfig.create("http:///nohost"));
        assertTrue(e.getMessage().contains("must name a host"), e.getMessage());
    }

    @Test
    void missingUriSaysHowToGetAServer() {
        MlflowException e = assertThrows(MlflowException.class, () -> MlflowConfig.fromEnvironment(Map.of()));
        assertTrue(e.getMessage().startsWith("MLFLOW_TRACKING_URI must name the MLflow server"), e.getMessage());
        assertTrue(e.getMessage().contains("mlflow-server.sh start"), e.getMessage());
    }

    @Test
    void basicCredentialsFromEnvironment() {
        MlflowConfig config = MlflowConfig.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "http://h:1",
                "MLFLOW_TRACKING_USERNAME", "ann", "MLFLOW_TRACKING_PASSWORD", "s3cret"));
        assertInstanceOf(Credentials.Basic.class, config.credentials());
        assertEquals(Optional.of("Basic YW5uOnMzY3JldA=="), config.credentials().authorizationHeader());
        assertFalse(config.credentials().toString().contains("s3cret"));
    }

    @Test
    void bearerTokenFromEnvironment() {
        MlflowConfig config = MlflowConfig.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "https://h",
                "MLFLOW_TRACKING_TOKEN", "tok-1"));
        assertEquals(Optional.of("Bearer tok-1"), config.credentials().authorizationHeader());
        assertFalse(config.toString().contains("tok-1"));
    }

    @Test
    void noCredentialsMeansNoHeader() {
        assertEquals(Optional.empty(),
                MlflowConfig.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", "http://h")).credentials().authorizationHeader());
    }

    @Test
    void conflictingOrHalfCredentialsAreRejected() {
        MlflowException both = assertThrows(MlflowException.class, () -> MlflowConfig.fromEnvironment(Map.of(
                "MLFLOW_TRACKING_URI", "http://h", "MLFLOW_TRACKING_USERNAME", "a", "MLFLOW_TRACKING_PASSWORD", "b",
                "MLFLOW_TRACKING_TOKEN", "t")));
        assertTrue(both.getMessage().contains("found both"), both.getMessage());
        MlflowException noPassword = assertThrows(MlflowException.class, () -> MlflowConfig.fromEnvironment(Map.of(
                "MLFLOW_TRACKING_URI", "http://h", "MLFLOW_TRACKING_USERNAME", "a")));
        assertTrue(noPassword.getMessage().startsWith("MLFLOW_TRACKING_PASSWORD must be set"), noPassword.getMessage());
        MlflowException noUser = assertThrows(MlflowException.class, () -> MlflowConfig.fromEnvironment(Map.of(
                "MLFLOW_TRACKING_URI", "http://h", "MLFLOW_TRACKING_PASSWORD", "b")));
        assertTrue(noUser.getMessage().startsWith("MLFLOW_TRACKING_USERNAME must be set"), noUser.getMessage());
    }

    @Test
    void timeoutsMustBePositive() {
        MlflowException e = assertThrows(MlflowException.class, () -> MlflowConfig.builder().trackingUri("http://h")
                .requestTimeout(java.time.Duration.ZERO).build());
        assertEquals("request-timeout must be > 0, found PT0S", e.getMessage());
    }
}
