package io.closecast.mlflow.http;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.artifacts.ArtifactPaths;
import io.closecast.mlflow.entities.Dataset;
import io.closecast.mlflow.entities.DatasetInput;
import io.closecast.mlflow.entities.LogBatch;
import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Param;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.mlflow.entities.RunStatus;
import io.closecast.mlflow.entities.Stage;
import io.closecast.mlflow.entities.Tag;
import io.closecast.mlflow.registry.ModelUri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createRunBodyCarriesNameStartTimeTagsAndParent() {
        RunSpec spec = RunSpec.builder("7", "trial-3").startTime(Instant.ofEpochMilli(1234))
                .tag("kind", "trial").parentRunId("parent123").build();
        assertEquals("{\"experiment_id\":\"7\",\"run_name\":\"trial-3\",\"start_time\":1234,\"tags\":["
                + "{\"key\":\"kind\",\"value\":\"trial\"},{\"key\":\"mlflow.parentRunId\",\"value\":\"parent123\"}]}",
                Wire.createRun(spec).toString());
    }

    @Test
    void logBatchBodyHasMlflowFieldNames() {
        LogBatch batch = new LogBatch(List.of(new Metric("val_loss", 0.25, Instant.ofEpochMilli(99), 4)),
                List.of(Param.create("lr", "0.01")), List.of(Tag.create("k", "v")));
        assertEquals("{\"run_id\":\"r1\",\"metrics\":[{\"key\":\"val_loss\",\"value\":0.25,\"timestamp\":99,\"step\":4}],"
                + "\"params\":[{\"key\":\"lr\",\"value\":\"0.01\"}],\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}",
                Wire.logBatch("r1", batch).toString());
    }

    @Test
    void logInputsBodyNestsDatasetAndTags() {
        Dataset d = new Dataset("petr4", "abc123", "local", "{\"uri\":\"data/PETR4.SA.csv\"}", "{}", "{\"rows\":10}");
        JsonNode body = Wire.logInputs("r1", List.of(DatasetInput.create(d, "training")));
        JsonNode input = body.path("datasets").get(0);
        assertEquals("mlflow.data.context", input.path("tags").get(0).path("key").asText());
        assertEquals("training", input.path("tags").get(0).path("value").asText());
        assertEquals("abc123", input.path("dataset").path("digest").asText());
        assertEquals("local", input.path("dataset").path("source_type").asText());
        assertEquals("{\"rows\":10}", input.path("dataset").path("profile").asText());
        assertEquals("{\"uri\":\"data/PETR4.SA.csv\"}", input.path("dataset").path("source").asText());
    }

    @Test
    void runIsReadFromServerJson() throws Exception {
        JsonNode node = JSON.readTree("""
                {"info": {"run_uuid": "abc", "experiment_id": "1", "run_name": "r1", "user_id": "u",
                  "status": "FINISHED", "start_time": 1700000000000, "end_time": 1700000001000,
                  "artifact_uri": "mlflow-artifacts:/1/abc/artifacts", "lifecycle_stage": "active", "run_id": "abc"},
                 "data": {"metrics": [{"key": "m", "value": "NaN", "timestamp": 5, "step": 2}],
                          "params": [{"key": "lr", "value": "0.1"}],
                          "tags": [{"key": "mlflow.parentRunId", "value": "p1"}]},
                 "inputs": {"dataset_inputs": [{"tags": [{"key": "mlflow.data.context", "value": "training"}],
                   "dataset": {"name": "d", "digest": "g", "source_type": "local", "source": "s"}}]}}""");
        Run run = Wire.run(node);
        assertEquals("abc", run.id());
        assertEquals(RunStatus.FINISHED, run.info().status());
        assertEquals(Optional.of(Instant.ofEpochMilli(1700000001000L)), run.info().endTime());
        assertEquals(Optional.of("p1"), run.parentRunId());
        assertEquals(Optional.of("0.1"), run.param("lr"));
        assertTrue(Double.isNaN(run.metric("m").orElseThrow().value()));
        assertEquals(2, run.metric("m").orElseThrow().step());
        assertEquals(Map.of("mlflow.data.context", "training"), run.inputs().get(0).tags());
        assertEquals("", run.inputs().get(0).dataset().schema());
    }

    @Test
    void modelVersionIsReadFromServerJson() throws Exception {
        ModelVersion v = Wire.modelVersion(JSON.readTree("""
                {"name": "m1", "version": "3", "creation_timestamp": 10, "last_updated_timestamp": 20,
                 "current_stage": "Production", "description": "", "source": "runs:/abc/model", "run_id": "abc",
                 "status": "READY", "tags": [{"key": "verdict", "value": "promoted"}], "aliases": ["production"]}"""));
        assertEquals(3, v.version());
        assertEquals(Stage.PRODUCTION, v.stage());
        assertEquals(Optional.of("abc"), v.runId());
        assertEquals(Optional.of("promoted"), v.tag("verdict"));
        assertEquals(List.of("production"), v.aliases());
    }

    @Test
    void modelVersionSourceAndArtifactRoot() {
        assertEquals("runs:/abc/model", ModelVersionSpec.create("m", "abc", "/model").source());
        assertEquals("1/abc/artifacts", ArtifactPaths.rootOf("mlflow-artifacts:/1/abc/artifacts", "abc"));
        assertEquals("1/abc/artifacts",
                ArtifactPaths.rootOf("mlflow-artifacts://host:5000/1/abc/artifacts/", "abc"));
        MlflowException e = assertThrows(MlflowException.class,
                () -> ArtifactPaths.rootOf("s3://bucket/1/abc/artifacts", "abc"));
        assertTrue(e.getMessage().contains("found 's3://bucket/1/abc/artifacts'"), e.getMessage());
    }

    @Test
    void searchRunsBodyHasFilterOrderPageSizeAndToken() {
        RunSearch search = RunSearch.builder("1", "2").filter("metrics.val_loss < 0.5").orderBy("metrics.val_loss ASC")
                .orderBy("start_time DESC").maxResults(50).pageToken("tok").build();
        assertEquals("{\"experiment_ids\":[\"1\",\"2\"],\"filter\":\"metrics.val_loss < 0.5\",\"order_by\":"
                + "[\"metrics.val_loss ASC\",\"start_time DESC\"],\"max_results\":50,\"run_view_type\":\"ACTIVE_ONLY\","
                + "\"page_token\":\"tok\"}", Wire.searchRuns(search).toString());
        assertEquals("{\"experiment_ids\":[\"1\"],\"max_results\":1000,\"run_view_type\":\"ACTIVE_ONLY\"}",
                Wire.searchRuns(RunSearch.builder("1").build()).toString());
    }

    @Test
    void modelVersionSourcesResolveToRunArtifacts() {
        assertEquals(ModelUri.ofRun("abc", "model"), ModelUri.parseSource("runs:/abc/model", Optional.empty()));
        assertEquals(ModelUri.ofRun("abc", "model/inner"),
                ModelUri.parseSource("mlflow-artifacts:/1/abc/artifacts/model/inner", Optional.of("abc")));
        MlflowException e = assertThrows(MlflowException.class,
                () -> ModelUri.parseSource("models:/m-123", Optional.of("abc")));
        assertTrue(e.getMessage().endsWith("found 'models:/m-123' with run id abc"), e.getMessage());
    }

    @Test
    void queryStringsAreEncoded() {
        Map<String, List<String>> query = new java.util.LinkedHashMap<>();
        query.put("filter", List.of("name = 'closecast-petr4'"));
        query.put("order_by", List.of("version_number DESC", "creation_timestamp ASC"));
        assertEquals("?filter=name%20%3D%20%27closecast-petr4%27&order_by=version_number%20DESC"
                + "&order_by=creation_timestamp%20ASC", Urls.queryString(query));
        assertEquals("1/abc/artifacts/a%20b/c%2Bd.txt", Urls.encodePath("1/abc/artifacts/a b/c+d.txt"));
    }

    @Test
    void runSearchRejectsBadPageSize() {
        MlflowException e = assertThrows(MlflowException.class, () -> RunSearch.builder("1").maxResults(0).build());
        assertEquals("run search max results must be in 1..50000, found 0", e.getMessage());
    }
}
