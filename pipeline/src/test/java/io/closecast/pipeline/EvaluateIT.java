package io.closecast.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.entities.FileInfo;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code closecast evaluate} and the out-of-sample gate on a real (tiny) registered model, as a user runs them:
 * the figures are recomputed here from the logged per-day forecasts, the day counts from the price file.
 */
class EvaluateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MlflowClient client;
    private static String name;
    private static Run trainingRun;
    @TempDir
    static Path work;

    @BeforeAll
    static void trainAndRegister() throws Exception {
        client = ItServers.client();
        name = ItServers.unique("closecast-it-evaluate");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-evaluate"));
        // the held-out model itself is registered (no refit), so its test period is out of sample for the version
        Files.writeString(config, Files.readString(config).replace("closecast-it-train", name)
                .replace("training:\n", "training:\n  refit: false\n"));
        CliProcess.Result trained = CliProcess.run(300, "train", config.toString(), "--register");
        assertEquals(0, trained.code(), trained.out());
        Matcher m = Pattern.compile("run ([0-9a-f]{32}) FINISHED").matcher(trained.out());
        assertTrue(m.find(), trained.out());
        trainingRun = client.getRun(m.group(1));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static JsonNode json(CliProcess.Result result) throws Exception {
        String out = result.out();
        return JSON.readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
    }

    private static LocalDate testStart() {
        String range = trainingRun.tags().get("closecast.data.test_range");
        return LocalDate.parse(range.substring(0, range.indexOf("..")));
    }

    /** Rows of the bundled MSFT file dated on or after {@code from}: the out-of-sample days, counted independently. */
    private static int rowsFrom(LocalDate from) throws Exception {
        return (int) Files.readAllLines(Cli.data("MSFT.csv")).stream().skip(1)
                .filter(line -> !LocalDate.parse(line.substring(0, 10)).isBefore(from)).count();
    }

    @Test
    void evaluateLogsItsOwnRunTagsTheVersionAndRefusesInSampleDays() throws Exception {
        ModelVersion before = client.registry().getModelVersion(name, 1);
        CliProcess.Result result = CliProcess.run(180, "evaluate", "models:/" + name + "/1", "--json");
        assertEquals(0, result.code(), result.out());
        JsonNode out = json(result);
        String runId = out.get("run_id").asText();
        assertFalse(out.get("in_sample").asBoolean());
        assertEquals(testStart().toString(), out.get("range").asText().substring(0, 10), "starts on the test period");
        assertEquals(rowsFrom(testStart()), out.get("days").asInt(), "every out-of-sample day of the file");

        Run run = client.getRun(runId);
        assertEquals("evaluation", run.tags().get("closecast.run_type"));
        assertEquals(name, run.tags().get("closecast.eval.model_name"));
        assertEquals("1", run.tags().get("closecast.eval.model_version"));
        assertEquals(trainingRun.id(), run.tags().get("closecast.eval.source_run_id"));
        List<String> files = client.artifacts().listArtifactsRecursively(runId, "").stream().map(FileInfo::path).toList();
        for (String f : List.of("evaluation/forecasts.csv", "evaluation/forecast.png", "evaluation/errors.png")) {
            assertTrue(files.contains(f), f + " missing from " + files);
        }
        // MAE and MASE recomputed from the logged per-day forecasts.
        Path csv = client.artifacts().downloadFile(runId, "evaluation/forecasts.csv", work.resolve("forecasts.csv"));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("date,last_close,actual_h1,forecast_h1,naive_h1,drift_h1,error_h1", lines.getFirst());
        double abs = 0;
        double naiveAbs = 0;
        double sq = 0;
        double naiveSq = 0;
        double actualSum = 0;
        double actualSq = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double actual = Double.parseDouble(f[2]);
            abs += Math.abs(Double.parseDouble(f[3]) - actual);
            naiveAbs += Math.abs(Double.parseDouble(f[4]) - actual);
            sq += Math.pow(Double.parseDouble(f[3]) - actual, 2);
            naiveSq += Math.pow(Double.parseDouble(f[4]) - actual, 2);
            actualSum += actual;
            actualSq += actual * actual;
        }
        int n = lines.size() - 1;
        // R² = 1 - SS_res / SS_tot, SS_tot = sum a^2 - (sum a)^2 / n, from the same rows
        double total = actualSq - actualSum * actualSum / n;
        assertEquals(1 - sq / total, out.get("steps").get(0).get("r2").asDouble(), 1e-4);
        assertEquals(1 - sq / total, run.metric("eval_r2").orElseThrow().value(), 1e-4);
        assertEquals(1 - naiveSq / total, out.get("steps").get(0).get("naive_r2").asDouble(), 1e-4);
        assertTrue(out.get("steps").get(0).get("naive_r2").asDouble() > 0.5,
                "naive follows the level, so its R² on prices is high: " + out.get("steps").get(0));
        assertEquals(out.get("days").asInt(), n);
        assertEquals(abs / n, run.metric("eval_mae").orElseThrow().value(), 1e-5);
        assertEquals(abs / naiveAbs, run.metric("eval_mase").orElseThrow().value(), 1e-5);
        assertEquals(abs / naiveAbs, out.get("steps").get(0).get("mase").asDouble(), 1e-5);
        assertTrue(run.metric("eval_dm_abs_p_better").isPresent() && run.metric("eval_majority_sign_accuracy").isPresent());

        ModelVersion version = client.registry().getModelVersion(name, 1);
        assertEquals(runId, version.tag("closecast.eval.run_id").orElseThrow());
        assertEquals(Integer.toString(n), version.tag("closecast.eval.days").orElseThrow());
        assertEquals(before.aliases(), version.aliases(), "evaluate moves no alias");
        assertEquals(before.stage(), version.stage(), "evaluate moves no stage");

        CliProcess.Result inSample = CliProcess.run(180, "evaluate", "models:/" + name + "/1", "--from", "2023-06-01");
        assertEquals(1, inSample.code(), inSample.out());
        assertTrue(inSample.out().contains("error: the range 2023-06-01..2024-12-30 overlaps the training or validation data of "
                + name + " version 1"), inSample.out());

        CliProcess.Result allowed = CliProcess.run(180, "evaluate", "runs:/" + trainingRun.id() + "/model",
                "--from", "2023-06-01", "--to", "2023-12-29", "--horizon", "2", "--allow-in-sample", "--json");
        assertEquals(0, allowed.code(), allowed.out());
        JsonNode a = json(allowed);
        assertTrue(a.get("in_sample").asBoolean());
        assertEquals(2, a.get("steps").size());
        assertEquals("true", client.getRun(a.get("run_id").asText()).tags().get("closecast.eval.in_sample"));
    }

    @Test
    void theGateJudgesOnlyOutOfSampleDaysAndRefusesTooFew() throws Exception {
        int days = rowsFrom(testStart());
        assertTrue(days < 120, "the tiny model's test period is short: " + days);
        CliProcess.Result refused = CliProcess.run(180, "promote", name, "--version", "1", "--json");
        assertEquals(1, refused.code(), refused.out());
        JsonNode verdict = json(refused);
        assertEquals("refused", verdict.get("decision").asText());
        assertTrue(verdict.get("reason").asText().startsWith("refused: " + days + " out-of-sample days (MSFT "
                + testStart() + ".."), verdict.get("reason").asText());
        ModelVersion v = client.registry().getModelVersion(name, 1);
        assertEquals(Integer.toString(days), v.tag("closecast.promotion.days").orElseThrow());
        assertEquals(testStart().toString(), v.tag("closecast.promotion.out_of_sample_from").orElseThrow());
        assertTrue(client.registry().findModelVersionByAlias(name, "production").isEmpty());

        // With the minimum lowered the gate decides on MASE over exactly those days.
        CliProcess.Result lowered = CliProcess.run(180, "promote", name, "--version", "1", "--days", "20", "--json");
        JsonNode second = json(lowered);
        assertEquals(days, second.get("days").asInt());
        double mase = second.get("candidate").get("mase").asDouble();
        assertEquals(mase < 1 ? "promoted" : "refused", second.get("decision").asText(), second.toString());
        assertEquals(mase < 1 ? 0 : 1, lowered.code(), lowered.out());
    }

    @Test
    void aRefitVersionIsJudgedByItsHeldOutModelOnThatModelsTestDays() throws Exception {
        String refitName = ItServers.unique("closecast-it-refit");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-refit"));
        Files.writeString(config, Files.readString(config).replace("closecast-it-train", refitName));
        CliProcess.Result trained = CliProcess.run(300, "train", config.toString(), "--register");
        assertEquals(0, trained.code(), trained.out());
        ModelVersion version = client.registry().getModelVersion(refitName, 1);
        assertEquals("true", version.tag("closecast.refit").orElseThrow());
        Matcher m = Pattern.compile("run ([0-9a-f]{32}) FINISHED").matcher(trained.out());
        assertTrue(m.find(), trained.out());
        String range = client.getRun(m.group(1)).tags().get("closecast.data.test_range");
        LocalDate heldOutTestStart = LocalDate.parse(range.substring(0, range.indexOf("..")));
        // the refit weights have seen every day of the file; the gate scores the held-out model from its test period
        CliProcess.Result gate = CliProcess.run(180, "promote", refitName, "--version", "1", "--days", "20", "--json");
        JsonNode verdict = json(gate);
        assertEquals(rowsFrom(heldOutTestStart), verdict.get("days").asInt(), verdict.toString());
        assertEquals(heldOutTestStart.toString(), client.registry().getModelVersion(refitName, 1)
                .tag("closecast.promotion.out_of_sample_from").orElseThrow());
        // evaluating the refit version itself: every day of the file is in sample for its weights
        CliProcess.Result evaluate = CliProcess.run(180, "evaluate", "models:/" + refitName + "/1");
        assertEquals(1, evaluate.code(), evaluate.out());
    }
}
