package io.closecast.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Run;
import io.closecast.model.risk.AdaptiveReplay;
import io.closecast.model.risk.DailyBounds;
import io.closecast.model.risk.SpecialFunctions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code closecast evaluate --json} on a registered (tiny) version reports every interval statistic of the model
 * beside GARCH(1,1)'s, RiskMetrics EWMA's and the constant baseline's on the same days, and the training run logged
 * the same statistics for its test period. Coverage, misses, the Kupiec and Christoffersen statistics and the
 * interval score are recomputed here, by their formulas, from the bounds the evaluation logged (intervals.csv).
 */
class EvaluateIntervalsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("model", "garch", "ewma", "baseline");
    private static final List<String> STATS = List.of("coverage", "interval_score", "interval_width", "pinball", "misses",
            "kupiec_lr", "kupiec_p", "christoffersen_ind_lr", "christoffersen_ind_p", "christoffersen_cc_lr",
            "christoffersen_cc_p");
    private static MlflowClient client;
    private static String name;
    private static Run trainingRun;
    @TempDir
    static Path work;

    @BeforeAll
    static void trainAndRegister() throws Exception {
        client = ItServers.client();
        name = ItServers.unique("closecast-it-intervals");
        Path config = CliProcess.config("tiny-train.yaml", ItServers.unique("closecast-it-intervals"));
        Files.writeString(config, Files.readString(config).replace("closecast-it-train", name)
                .replace("training:\n", "training:\n  refit: false\n"));
        CliProcess.Result trained = CliProcess.run(300, "train", config.toString(), "--register");
        assertEquals(0, trained.code(), trained.out());
        assertTrue(trained.out().contains("GARCH(1,1)-t on "), trained.out());
        Matcher m = Pattern.compile("run ([0-9a-f]{32}) FINISHED").matcher(trained.out());
        assertTrue(m.find(), trained.out());
        trainingRun = client.getRun(m.group(1));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void trainingRunsLogTheIntervalTestsBesideGarchEwmaAndTheBaseline() {
        for (String level : List.of("80", "95")) {
            for (String key : List.of("test_kupiec_p_", "test_christoffersen_ind_p_", "test_christoffersen_cc_p_",
                    "test_interval_score_", "test_pinball_", "garch_test_interval_score_", "garch_test_kupiec_p_",
                    "garch_test_christoffersen_cc_p_", "ewma_test_interval_score_", "ewma_test_kupiec_p_",
                    "baseline_test_interval_score_", "baseline_test_kupiec_p_", "test_dm_garch_interval_score_")) {
                String metric = key.endsWith("dm_garch_interval_score_") ? key + level + "_p_better" : key + level;
                assertTrue(trainingRun.metric(metric).isPresent(), metric + " missing from the training run");
            }
        }
        assertEquals(1.0, trainingRun.metric("garch_fitted").orElseThrow().value());
    }

    @Test
    void evaluateJsonReportsEveryIntervalStatisticBesideGarch() throws Exception {
        CliProcess.Result result = CliProcess.run(180, "evaluate", "models:/" + name + "/1", "--json");
        assertEquals(0, result.code(), result.out());
        String out = result.out();
        JsonNode json = JSON.readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
        JsonNode intervals = json.get("intervals");
        assertTrue(intervals.get("garch").get("fitted").asBoolean(), intervals.toString());
        int days = json.get("days").asInt();
        String runId = json.get("run_id").asText();
        Run run = client.getRun(runId);
        Path csv = client.artifacts().downloadFile(runId, "evaluation/intervals.csv", work.resolve("intervals.csv"));
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.getFirst().split(","));
        assertEquals(days, lines.size() - 1);
        for (String method : METHODS) {
            JsonNode rows = intervals.get("methods").get(method);
            assertEquals(2, rows.size(), method + ": one row per level in " + intervals);
            for (JsonNode row : rows) {
                double level = row.get("level").asDouble();
                String l = level == 0.8 ? "80" : "95";
                for (String stat : STATS) {
                    assertTrue(row.get(stat).isNumber(), method + " " + l + " " + stat + " in " + row);
                }
                if (!method.equals("garch")) {
                    assertTrue(row.get("dm_garch_p_two_sided").isNumber(), method + " DM vs GARCH in " + row);
                }
                // recomputed from the logged bounds
                int lo = header.indexOf(method + "_lower_" + l);
                int hi = header.indexOf(method + "_upper_" + l);
                boolean[] missed = new boolean[days];
                double score = 0;
                for (int i = 0; i < days; i++) {
                    String[] f = lines.get(i + 1).split(",");
                    double y = Double.parseDouble(f[2]);
                    double a = Double.parseDouble(f[lo]);
                    double b = Double.parseDouble(f[hi]);
                    missed[i] = y < a || y > b;
                    score += (b - a) + (y < a ? 2 / (1 - level) * (a - y) : 0) + (y > b ? 2 / (1 - level) * (y - b) : 0);
                }
                int x = 0;
                for (boolean m : missed) {
                    x += m ? 1 : 0;
                }
                assertEquals(x, row.get("misses").asInt(), method + " " + l);
                assertEquals(1 - (double) x / days, row.get("coverage").asDouble(), 1e-12, method + " " + l);
                assertEquals(score / days, row.get("interval_score").asDouble(), 1e-4 * score / days, method + " " + l);
                double kupiec = kupiecLr(days, x, 1 - level);
                assertEquals(kupiec, row.get("kupiec_lr").asDouble(), 1e-9, method + " " + l);
                assertEquals(SpecialFunctions.chiSquareSurvival(kupiec, 1), row.get("kupiec_p").asDouble(), 1e-9);
                double ind = independenceLr(missed);
                assertEquals(ind, row.get("christoffersen_ind_lr").asDouble(), 1e-9, method + " " + l);
                assertEquals(SpecialFunctions.chiSquareSurvival(kupiec + ind, 2),
                        row.get("christoffersen_cc_p").asDouble(), 1e-9, method + " " + l);
                // the run's metrics are the same numbers
                String prefix = method.equals("model") ? "eval_" : method + "_eval_";
                assertEquals(row.get("kupiec_p").asDouble(), run.metric(prefix + "kupiec_p_" + l).orElseThrow().value(), 1e-9);
                assertEquals(row.get("interval_score").asDouble(),
                        run.metric(prefix + "interval_score_" + l).orElseThrow().value(), 1e-9);
            }
        }
        ModelVersion version = client.registry().getModelVersion(name, 1);
        for (String tag : List.of("kupiec_p_80", "christoffersen_cc_p_95", "interval_score_80", "coverage_95")) {
            assertTrue(version.tag("closecast.eval." + tag).isPresent(), tag + " missing from the version's tags");
        }
        // the service reads them back by the model core's key names (CalibrationRecord): the same numbers
        io.closecast.model.risk.CalibrationRecord.Period read = io.closecast.model.risk.CalibrationRecord
                .read(version.tags()).period(io.closecast.model.risk.CalibrationRecord.EVALUATION).orElseThrow();
        for (int l = 0; l < 2; l++) {
            JsonNode model = intervals.get("methods").get("model").get(l);
            io.closecast.model.risk.CalibrationRecord.Level level = read.levels().get(l);
            assertEquals(model.get("level").asDouble(), level.level(), 1e-12);
            assertEquals(model.get("kupiec_p").asDouble(), level.kupiecP().orElseThrow(), 1e-5);
            assertEquals(model.get("christoffersen_cc_p").asDouble(), level.conditionalCoverageP().orElseThrow(), 1e-5);
            assertEquals(intervals.get("methods").get("garch").get(l).get("interval_score").asDouble(),
                    level.garchIntervalScore().orElseThrow(), 1e-5 * level.garchIntervalScore().orElseThrow());
        }
        CliProcess.Result text = CliProcess.run(180, "evaluate", "models:/" + name + "/1");
        assertEquals(0, text.code(), text.out());
        assertTrue(text.out().contains("Kupiec p") && text.out().contains("garch") && text.out().contains("ewma"),
                text.out());
    }

    @Test
    void evaluateReplaysAdaptiveConformalInferenceBesideTheModelsIntervals() throws Exception {
        CliProcess.Result bad = CliProcess.run(180, "evaluate", "models:/" + name + "/1", "--adaptive-gamma", "0");
        assertTrue(bad.code() != 0 && bad.out().contains("--adaptive-gamma must be in (0, 0.5]"), bad.out());
        CliProcess.Result result = CliProcess.run(180, "evaluate", "models:/" + name + "/1", "--json",
                "--adaptive-gamma", "0.05");
        assertEquals(0, result.code(), result.out());
        String out = result.out();
        JsonNode json = JSON.readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
        assertEquals(0.05, json.get("adaptive_gamma").asDouble());
        JsonNode aci = json.get("intervals").get("methods").get(AdaptiveReplay.METHOD);
        assertEquals(2, aci.size(), json.toString());
        int days = json.get("days").asInt();
        String runId = json.get("run_id").asText();
        Run run = client.getRun(runId);
        List<String> lines = Files.readAllLines(client.artifacts().downloadFile(runId, "evaluation/intervals.csv",
                work.resolve("aci-intervals.csv")));
        List<String> header = Arrays.asList(lines.getFirst().split(","));
        // the replay again, here, from the model's logged bounds: the same ACI bounds and misses
        double[] actual = new double[days];
        List<DailyBounds> model = new java.util.ArrayList<>();
        for (String l : List.of("80", "95")) {
            double[] lo = new double[days];
            double[] hi = new double[days];
            for (int i = 0; i < days; i++) {
                String[] f = lines.get(i + 1).split(",");
                actual[i] = Double.parseDouble(f[2]);
                lo[i] = Double.parseDouble(f[header.indexOf("model_lower_" + l)]);
                hi[i] = Double.parseDouble(f[header.indexOf("model_upper_" + l)]);
            }
            model.add(new DailyBounds("model", l.equals("80") ? 0.8 : 0.95, lo, hi));
        }
        AdaptiveReplay.Result replayed = AdaptiveReplay.replay(0.05, model, actual);
        for (int k = 0; k < 2; k++) {
            String l = k == 0 ? "80" : "95";
            JsonNode row = aci.get(k);
            int lo = header.indexOf("aci_lower_" + l);
            int misses = 0;
            for (int i = 0; i < days; i++) {
                String[] f = lines.get(i + 1).split(",");
                assertEquals(replayed.bounds().get(k).lower()[i], Double.parseDouble(f[lo]), 1e-5, "day " + i + " " + l);
                misses += actual[i] < replayed.bounds().get(k).lower()[i] || actual[i] > replayed.bounds().get(k).upper()[i] ? 1 : 0;
            }
            assertEquals(misses, row.get("misses").asInt(), l);
            for (String stat : List.of("coverage", "interval_score", "kupiec_p", "christoffersen_cc_p", "dm_garch_p_two_sided")) {
                assertTrue(row.get(stat).isNumber(), "aci " + l + " " + stat + " in " + row);
            }
            assertEquals(row.get("kupiec_p").asDouble(), run.metric("aci_eval_kupiec_p_" + l).orElseThrow().value(), 1e-9);
            assertEquals(row.get("coverage").asDouble(), run.metric("aci_eval_coverage_" + l).orElseThrow().value(), 1e-9);
        }
        assertEquals("0.05", run.param("adaptive_gamma").orElseThrow());
    }

    @Test
    void theGateJudgesTheIntervalObjectiveAndNamesItsNumbers() throws Exception {
        CliProcess.Result bad = CliProcess.run(180, "promote", name, "--version", "1", "--objective", "risk");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("--objective must be one of point, interval, found 'risk'"), bad.out());

        CliProcess.Result gate = CliProcess.run(180, "promote", name, "--version", "1", "--days", "20",
                "--objective", "interval", "--json");
        String out = gate.out();
        JsonNode verdict = JSON.readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
        String reason = verdict.get("reason").asText();
        ModelVersion v = client.registry().getModelVersion(name, 1);
        assertEquals("interval", v.tag("closecast.promotion.objective").orElseThrow());
        double kupiec80 = Double.parseDouble(v.tag("closecast.promotion.candidate_kupiec_p_80").orElseThrow());
        double cc80 = Double.parseDouble(v.tag("closecast.promotion.candidate_christoffersen_cc_p_80").orElseThrow());
        double score80 = Double.parseDouble(v.tag("closecast.promotion.candidate_interval_score_80").orElseThrow());
        double garch80 = Double.parseDouble(v.tag("closecast.promotion.garch_candidate_interval_score_80").orElseThrow());
        // the verdict follows the rule from the numbers it names (80 % checked first)
        if (kupiec80 < 0.05 || cc80 < 0.05) {
            assertTrue(reason.startsWith("refused: the 80 % intervals fail the coverage tests"), reason);
        } else if (!(score80 < garch80)) {
            assertTrue(reason.startsWith("refused: the 80 % intervals score no better than GARCH(1,1)'s"), reason);
        } else {
            assertTrue(reason.startsWith("passed on the interval objective")
                    || reason.startsWith("refused: the 95 % intervals"), reason);
        }
        assertEquals(reason.startsWith("passed") ? 0 : 1, gate.code(), out);
        assertTrue(reason.contains("Kupiec p = "), reason);
    }

    /** Kupiec's LR, written out again: 0 ln 0 = 0. */
    private static double kupiecLr(int n, int x, double p) {
        double o = (double) x / n;
        return -2 * (xlog(n - x, 1 - p) + xlog(x, p)) + 2 * (xlog(n - x, 1 - o) + xlog(x, o));
    }

    private static double independenceLr(boolean[] s) {
        int[][] c = new int[2][2];
        for (int t = 1; t < s.length; t++) {
            c[s[t - 1] ? 1 : 0][s[t] ? 1 : 0]++;
        }
        double p01 = c[0][0] + c[0][1] == 0 ? 0 : (double) c[0][1] / (c[0][0] + c[0][1]);
        double p11 = c[1][0] + c[1][1] == 0 ? 0 : (double) c[1][1] / (c[1][0] + c[1][1]);
        double p = (double) (c[0][1] + c[1][1]) / (s.length - 1);
        double restricted = xlog(c[0][0] + c[1][0], 1 - p) + xlog(c[0][1] + c[1][1], p);
        double unrestricted = xlog(c[0][0], 1 - p01) + xlog(c[0][1], p01) + xlog(c[1][0], 1 - p11) + xlog(c[1][1], p11);
        return Math.max(0, -2 * (restricted - unrestricted));
    }

    private static double xlog(int count, double p) {
        return count == 0 ? 0 : count * Math.log(p);
    }
}
