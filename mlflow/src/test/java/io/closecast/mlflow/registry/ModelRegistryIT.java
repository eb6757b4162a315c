package io.closecast.mlflow.registry;

import io.closecast.mlflow.ItServer;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;
import io.closecast.mlflow.entities.Experiment;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.ModelVersionStatus;
import io.closecast.mlflow.entities.RegisteredModel;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.Stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every registry call round-trips through a real MLflow server (moved from MlflowClientIT with the registry). */
class ModelRegistryIT {
    private static MlflowClient client;
    private static Experiment experiment;

    @BeforeAll
    static void connect() {
        client = ItServer.client();
        experiment = client.getOrCreateExperiment(ItServer.unique("it-registry"));
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void registryVersionsTagsAliasesAndDescriptions() throws Exception {
        String name = ItServer.unique("it-model");
        Run run = client.createRun(RunSpec.create(experiment.id(), "to-register"));
        RegisteredModel model = client.registry().createRegisteredModel(name, "first description");
        assertEquals(name, model.name());
        RegisteredModel again = client.registry().createRegisteredModel(name);
        assertEquals(model.created(), again.created());
        assertEquals("first description", again.description());

        client.registry().updateRegisteredModelDescription(name, "LSTM forecaster");
        client.registry().setRegisteredModelTag(name, "target", "PETR4.SA");
        RegisteredModel updated = client.registry().getRegisteredModel(name);
        assertEquals("LSTM forecaster", updated.description());
        assertEquals(Map.of("target", "PETR4.SA"), updated.tags());

        client.artifacts().uploadFile(run.id(), writeTemp("MLmodel", "flavors: {}\n"), "model");
        ModelVersion v1 = client.registry().createModelVersion(ModelVersionSpec.create(name, run.id(), "model")
                .withTags(Map.of("test_mae", "1.5")).withDescription("first"));
        assertEquals(1, v1.version());
        assertEquals(ModelVersionStatus.READY, v1.status());
        assertEquals(client.getRun(run.id()).info().artifactUri() + "/model", v1.source());
        assertTrue(v1.source().startsWith("mlflow-artifacts:/"), v1.source());
        assertEquals(200, rawGetRoot("model-versions/get-artifact?name=" + name + "&version=1&path=MLmodel").statusCode(),
                "MLflow serves the version's MLmodel through the registry");
        assertEquals(v1.source(), rawGet("model-versions/get-download-uri?name=" + name + "&version=1")
                .body().replaceAll("(?s).*\"artifact_uri\"\\s*:\\s*\"([^\"]*)\".*", "$1"));
        assertEquals(Optional.of(run.id()), v1.runId());
        assertEquals(Optional.of("1.5"), v1.tag("test_mae"));
        ModelVersion v2 = client.registry().createModelVersion(ModelVersionSpec.create(name, run.id(), "model"));
        assertEquals(2, v2.version());

        client.registry().setModelVersionTag(name, 2, "verdict", "promoted");
        client.registry().setModelVersionTag(name, 2, "scratch", "x");
        client.registry().deleteModelVersionTag(name, 2, "scratch");
        assertEquals(Map.of("verdict", "promoted"), client.registry().getModelVersion(name, 2).tags());
        assertEquals("second", client.registry().updateModelVersionDescription(name, 2, "second").description());
        assertEquals("second", client.registry().getModelVersion(name, 2).description());

        assertEquals(List.of(2, 1), client.registry().searchModelVersions("name = '" + name + "'", List.of("version_number DESC"))
                .stream().map(ModelVersion::version).toList());
        assertEquals(List.of(1, 2), client.registry().searchModelVersions("name = '" + name + "'", List.of("version_number ASC"))
                .stream().map(ModelVersion::version).toList());

        client.registry().setAlias(name, "production", 1);
        assertEquals(1, client.registry().getModelVersionByAlias(name, "production").version());
        client.registry().setAlias(name, "production", 2);
        ModelVersion byAlias = client.registry().getModelVersionByAlias(name, "production");
        assertEquals(2, byAlias.version());
        assertEquals(List.of("production"), byAlias.aliases());
        assertEquals(Optional.of(2), client.registry().getRegisteredModel(name).aliasVersion("production"));
        client.registry().deleteAlias(name, "production");
        assertEquals(Optional.empty(), client.registry().findModelVersionByAlias(name, "production"));
        Path fetched = Files.createTempDirectory("closecast-version");
        assertEquals(List.of(fetched.resolve("MLmodel")), client.registry().downloadModelVersion(v1, fetched));
        assertEquals("flavors: {}\n", Files.readString(fetched.resolve("MLmodel")));
        // a version registered the old way (source runs:/<run>/model) still downloads
        java.net.http.HttpResponse<String> legacy = rawPost("model-versions/create", "{\"name\": \"" + name
                + "\", \"source\": \"runs:/" + run.id() + "/model\", \"run_id\": \"" + run.id() + "\"}");
        assertEquals(200, legacy.statusCode(), legacy.body());
        ModelVersion old = client.registry().getModelVersion(name, 3);
        assertEquals("runs:/" + run.id() + "/model", old.source());
        Path fetchedOld = Files.createTempDirectory("closecast-version");
        assertEquals(List.of(fetchedOld.resolve("MLmodel")), client.registry().downloadModelVersion(old, fetchedOld));
        assertEquals("flavors: {}\n", Files.readString(fetchedOld.resolve("MLmodel")));
        MlflowException gone = assertThrows(MlflowNotFoundException.class,
                () -> client.registry().getModelVersionByAlias(name, "production"));
        assertTrue(gone.getMessage().contains("production"), gone.getMessage());
    }

    @Test
    void stageTransitionArchivesThePreviousHolder() {
        String name = ItServer.unique("it-stage");
        Run run = client.createRun(RunSpec.create(experiment.id(), "staged"));
        client.registry().createRegisteredModel(name);
        client.registry().createModelVersion(ModelVersionSpec.create(name, run.id(), "model"));
        client.registry().createModelVersion(ModelVersionSpec.create(name, run.id(), "model"));
        assertEquals(Stage.PRODUCTION, client.registry().transitionStage(name, 1, Stage.PRODUCTION, true).stage());
        assertEquals(Stage.PRODUCTION, client.registry().transitionStage(name, 2, Stage.PRODUCTION, true).stage());
        assertEquals(Stage.ARCHIVED, client.registry().getModelVersion(name, 1).stage());
        assertEquals(Stage.PRODUCTION, client.registry().getModelVersion(name, 2).stage());
        // without archiving, the old holder keeps its stage
        client.registry().transitionStage(name, 1, Stage.STAGING, false);
        assertEquals(Stage.STAGING, client.registry().getModelVersion(name, 1).stage());
    }

    private static java.net.http.HttpResponse<String> rawGet(String path) throws Exception {
        return raw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ItServer.trackingUri() + "/api/2.0/mlflow/" + path))
                .GET().build());
    }

    private static java.net.http.HttpResponse<String> rawGetRoot(String path) throws Exception {
        return raw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ItServer.trackingUri() + "/" + path)).GET().build());
    }

    private static java.net.http.HttpResponse<String> rawPost(String path, String json) throws Exception {
        return raw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ItServer.trackingUri() + "/api/2.0/mlflow/" + path))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static java.net.http.HttpResponse<String> raw(java.net.http.HttpRequest request) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Path writeTemp(String name, String text) throws IOException {
        Path file = Files.createTempDirectory("closecast-it").resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
