package io.closecast.serving;

import java.nio.file.Path;

import io.closecast.mlflow.MlflowClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ITs against the real MLflow server share: its tracking URI, a client, and one real tiny LSTM trained into
 * {@link #work} ({@link RegistryFixture#train}) before the class's tests, the client closed after them.
 */
abstract class RegistryTestBase {

    @TempDir
    static Path work;

    static RegistryFixture fixture;
    static String uri;
    static MlflowClient client;

    @BeforeAll
    static void trainAndConnect() {
        uri = RegistryFixture.trackingUri();
        client = RegistryFixture.client(uri);
        fixture = RegistryFixture.train(work);
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }
}
