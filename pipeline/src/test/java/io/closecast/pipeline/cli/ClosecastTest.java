package io.closecast.pipeline.cli;

import io.closecast.pipeline.Cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClosecastTest {

    private static final List<String> FLAT_HOLIDAYS = List.of("2017-06-15", "2017-09-07", "2017-10-12", "2017-11-02",
            "2017-11-15", "2017-11-20", "2017-12-25", "2017-12-29", "2018-01-25");

    @Test
    void versionAndUsage() {
        Cli version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("(?s)closecast \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R.*"), version.out());

        Cli unknown = Cli.run("data", "frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("frobnicate"), unknown.err());

        Cli missing = Cli.run("data", "fetch", "--symbol", "AAPL");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required options"), missing.err());

        Cli badDate = Cli.run("data", "fetch", "--symbol", "AAPL", "--from", "2020-13-01", "--to", "2020-12-31");
        assertEquals(2, badDate.code());
        assertTrue(badDate.err().contains("--from"), badDate.err());

        assertEquals(2, Cli.run("data").code());
    }

    @Test
    void anUnknownCommandIsAUsageErrorNamingItselfAndTheKnownCommandsEvenWithHelp() throws Exception {
        String known = String.join(", ", Closecast.commandLine().getSubcommands().keySet());
        assertTrue(known.startsWith("data, train, sweep, evaluate"), known);
        for (String[] args : List.of(new String[]{"frobnicate"}, new String[]{"frobnicate", "--help"},
                new String[]{"--help", "frobnicate"}, new String[]{"frobnicate", "-h"},
                new String[]{"frobnicate", "--version"}, new String[]{"--verbose", "frobnicate", "--symbol", "X"})) {
            Cli cli = Cli.run(args);
            assertEquals(2, cli.code(), List.of(args) + ": " + cli.out() + cli.err());
            assertTrue(cli.err().startsWith("unknown command 'frobnicate' for 'closecast': expected one of " + known + "\n"),
                    List.of(args) + ": " + cli.err());
            assertFalse(cli.out().contains("Usage:"), List.of(args) + " prints no help on stdout as if it had worked: " + cli.out());
        }
        Cli nested = Cli.run("data", "frobnicate", "--help");
        assertEquals(2, nested.code(), nested.out());
        assertTrue(nested.err().startsWith("unknown command 'frobnicate' for 'closecast data': expected one of fetch, check\n"),
                nested.err());

        Cli json = Cli.run("frobnicate", "--help", "--json");
        assertEquals(2, json.code());
        JsonNode error = new ObjectMapper().readTree(json.out()).path("error");
        assertEquals("usage", error.path("kind").asText(), json.out());
        assertEquals("unknown command 'frobnicate' for 'closecast': expected one of " + known, error.path("message").asText());
        assertEquals(2, error.path("exit_code").asInt());
        assertEquals("", json.err());

        Cli help = Cli.run("--help");
        assertEquals(0, help.code(), "the known help still works");
        Cli unknownOption = Cli.run("data", "check", "prices.csv", "--frobnicate");
        assertEquals(2, unknownOption.code());
        assertTrue(unknownOption.err().contains("Unknown option: '--frobnicate'"), unknownOption.err());
    }

    /** Every command of the tree, as the words that name it ({@code [models, list]}, ...). */
    private static List<List<String>> commandPaths(picocli.CommandLine cli, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help") && sub.getCommandName().equals(name)) {
                List<String> path = new ArrayList<>(prefix);
                path.add(name);
                paths.add(path);
                paths.addAll(commandPaths(sub, path));
            }
        });
        return paths;
    }

    @Test
    void helpExitsZeroOnEveryCommand() {
        List<List<String>> paths = commandPaths(Closecast.commandLine(), List.of());
        assertTrue(paths.size() >= 10, "the command tree: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli help = Cli.run(args.toArray(String[]::new));
            assertEquals(0, help.code(), args + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: closecast " + String.join(" ", path)), args + ": " + help.out());
            assertEquals("", help.err(), args + " writes usage to stdout only");
        }
    }

    @Test
    void jsonErrorsAreOneJsonObjectOnStdoutWithANonZeroExit() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Cli failure = Cli.run("data", "check", "/no/such/dir/prices.csv", "--json");
        assertEquals(1, failure.code(), failure.err());
        JsonNode error = mapper.readTree(failure.out()).path("error");
        assertEquals("failure", error.path("kind").asText(), failure.out());
        assertTrue(error.path("message").asText().contains("/no/such/dir/prices.csv"), failure.out());
        assertEquals(1, error.path("exit_code").asInt());
        assertTrue(error.path("exit_code").isInt(), "exit_code is a JSON number: " + failure.out());

        Cli unparsed = Cli.run("models", "show", "--json");
        assertEquals(2, unparsed.code());
        JsonNode usage = mapper.readTree(unparsed.out()).path("error");
        assertEquals("usage", usage.path("kind").asText(), unparsed.out());
        assertTrue(usage.path("message").asText().contains("NAME"), unparsed.out());

        Cli refused = Cli.run("promote", "some-model", "--version", "1", "--force", "--json");
        assertEquals(2, refused.code());
        assertTrue(mapper.readTree(refused.out()).path("error").path("message").asText().contains("--reason"), refused.out());

        Cli plain = Cli.run("data", "check", "/no/such/dir/prices.csv");
        assertEquals(1, plain.code());
        assertEquals("", plain.out(), "without --json, errors go to stderr only");
        assertTrue(plain.err().startsWith("error: "), plain.err());
    }

    @Test
    void versionMetricsAreJsonNumbers() {
        Map<String, Double> metrics = ModelsCommand.metrics(Map.of("test_mae", "1.25", "naive_test_mae", "1.5",
                "closecast.promotion.candidate_mase", "0.93", "closecast.data.test_range", "2024-01-02..2024-12-30",
                "closecast.symbol", "MSFT"));
        assertEquals(Map.of("test_mae", 1.25, "naive_test_mae", 1.5, "closecast.promotion.candidate_mase", 0.93), metrics);
    }

    @Test
    void modelsListShowsTheIntervalVerdictNumbersBesideGarch() {
        Map<String, String> tags = new java.util.HashMap<>(Map.of("test_coverage_80", "0.8125", "test_kupiec_p_80", "0.43211",
                "test_christoffersen_cc_p_80", "0.5", "test_interval_score_80", "12.345678", "garch_test_interval_score_80",
                "12.9", "test_interval_score_95", "20.5", "test_mae", "1.2"));
        tags.put("closecast.promotion.candidate_interval_score_80", "11.5");
        tags.put("closecast.promotion.garch_candidate_interval_score_80", "11.25");
        tags.put("closecast.promotion.candidate_kupiec_p_80", "0.01");
        assertEquals(List.of(
                "          intervals (test) 80%: coverage 81.3% Kupiec p 0.4321 cc p 0.5000 score 12.35 vs GARCH 12.90"
                        + " | 95%: coverage - Kupiec p - cc p - score 20.50 vs GARCH -",
                "          intervals (gate) 80%: coverage - Kupiec p 0.01000 cc p - score 11.50 vs GARCH 11.25"),
                ModelsCommand.intervalLines(tags));
        assertEquals(List.of(), ModelsCommand.intervalLines(Map.of("test_mae", "1.2")));
        assertEquals(12.9, ModelsCommand.metrics(tags).get("garch_test_interval_score_80"));
        assertEquals(0.01, ModelsCommand.metrics(tags).get("closecast.promotion.candidate_kupiec_p_80"));
    }

    @Test
    void checkListsPetr4HolidaysAndTheGlitchAndPassesUnderTheDefaultPolicy() {
        Cli cli = Cli.run("data", "check", Cli.data("PETR4.SA.csv").toString());
        assertEquals(0, cli.code(), cli.err());
        for (String day : FLAT_HOLIDAYS) {
            assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("ZERO_VOLUME") && l.contains(day) && l.contains("DROP")), day);
        }
        assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("CLOSE_OUTSIDE_RANGE  2014-04-02")), cli.out());
        assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("REPEATED_PRICES      2011-07-28..2011-08-16")), cli.out());
        assertTrue(cli.out().contains("0 FAIL, 5 WARN, 55 row(s) would be DROPped -> 3669 rows left"), cli.out());
    }

    @Test
    void checkReportsMsftClean() {
        Cli cli = Cli.run("data", "check", Cli.data("MSFT.csv").toString());
        assertEquals(0, cli.code());
        assertTrue(cli.out().contains("3773 rows, 2010-01-04..2024-12-30"), cli.out());
        assertTrue(cli.out().contains("clean: no findings"), cli.out());
    }

    @Test
    void checkJsonAndPolicyOverrides() throws Exception {
        Cli cli = Cli.run("data", "check", Cli.data("PETR4.SA.csv").toString(), "--json", "--policy", "ZERO_VOLUME=FAIL");
        assertEquals(1, cli.code());
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertTrue(json.path("failed").asBoolean());
        assertEquals(3724, json.path("rows").asInt());
        List<String> zero = new ArrayList<>();
        for (JsonNode f : json.path("findings")) {
            if (f.path("kind").asText().equals("ZERO_VOLUME")) {
                assertEquals("FAIL", f.path("action").asText());
                zero.add(f.path("from").asText());
            }
        }
        assertTrue(zero.containsAll(FLAT_HOLIDAYS), zero.toString());
        assertEquals(1, json.path("dropped").size(), "only the 2014-04-02 glitch is still dropped");
        assertEquals("2014-04-02", json.path("dropped").path(0).path("date").asText());

        Cli tight = Cli.run("data", "check", Cli.data("MSFT.csv").toString(), "--max-gap-days", "4", "--max-move", "0.1");
        assertEquals(0, tight.code());
        assertTrue(tight.out().contains("CALENDAR_GAP         2012-10-26..2012-10-31"), tight.out());
        assertTrue(tight.out().contains("LARGE_MOVE"), tight.out());
        assertFalse(tight.out().contains("clean"), tight.out());
    }

    @Test
    void errorsAreOneLineWithoutStackTraceUnlessVerbose() {
        Cli missing = Cli.run("data", "check", "no/such/file.csv");
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("error: price file not found: expected a CSV file at "), missing.err());
        assertEquals(1, missing.err().lines().count(), missing.err());

        Cli verbose = Cli.run("--verbose", "data", "check", "no/such/file.csv");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("at io.closecast.model.prices.PriceCsv.read"), verbose.err());

        Cli badPolicy = Cli.run("data", "check", Cli.data("MSFT.csv").toString(), "--policy", "CALENDAR_GAP=DROP");
        assertEquals(2, badPolicy.code());
        assertTrue(badPolicy.err().contains("checks.policy.CALENDAR_GAP must be one of"), badPolicy.err());

        Cli badMove = Cli.run("data", "check", Cli.data("MSFT.csv").toString(), "--max-move", "0");
        assertEquals(2, badMove.code());
        assertTrue(badMove.err().contains("checks.max-move must be a fraction > 0"), badMove.err());
    }
}
