package io.closecast.pipeline;

import io.closecast.model.prices.source.ChartReplayServer;
import io.closecast.model.prices.source.AlphaVantageReplayServer;

import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code closecast data fetch} end to end against the replay server. */
class DataFetchCommandIT {

    @Test
    void fetchFillsTheCacheThenTheCheckReadsIt(@TempDir Path dir) {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            Cli fetch = Cli.run("data", "fetch", "--symbol", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06",
                    "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString());
            assertEquals(0, fetch.code(), fetch.err());
            assertTrue(fetch.out().startsWith("AAPL: new file; 1 request(s), 49 bar(s) fetched, 49 new row(s), 0 null bar(s) dropped"),
                    fetch.out());
            PriceSeries cached = PriceCsv.read(dir.resolve("AAPL.csv"));
            assertEquals(49, cached.size());
            assertEquals(LocalDate.of(2020, 8, 31), cached.firstDate());
            assertEquals(129.04, cached.bar(0).close(), 0.005);

            Cli again = Cli.run("data", "fetch", "--symbol", "AAPL", "--from", "2020-08-31", "--to", "2020-11-06",
                    "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString());
            assertEquals(0, again.code());
            assertTrue(again.out().startsWith("AAPL: cache already covers"), again.out());
            assertEquals(1, server.requests.size());

            Cli check = Cli.run("data", "check", dir.resolve("AAPL.csv").toString());
            assertEquals(0, check.code());
            assertTrue(check.out().contains("49 rows, 2020-08-31..2020-11-06"), check.out());
        }
    }

    @Test
    void unknownSymbolExitsOneWithOneLineAndWritesNothing(@TempDir Path dir) {
        try (ChartReplayServer server = ChartReplayServer.start()) {
            Cli cli = Cli.run("data", "fetch", "--symbol", "NOSUCH", "--from", "2020-08-31", "--to", "2020-11-06",
                    "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString());
            assertEquals(1, cli.code());
            assertTrue(cli.err().startsWith("error: unknown symbol NOSUCH: Yahoo answered 404 Not Found: No data found, symbol may be delisted"),
                    cli.err());
            assertEquals(1, cli.err().lines().count(), cli.err());
            assertFalse(Files.exists(dir.resolve("NOSUCH.csv")));
        }
    }

    private record Launched(int code, String out) {
    }

    /** bin/closecast with {@code ALPHAVANTAGE_API_KEY} set to {@code key} (or unset); stdout and stderr together. */
    private static Launched launch(String key, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ItServers.root().resolve("bin/closecast").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("closecast-av", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ItServers.root().toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().remove("ALPHAVANTAGE_API_KEY");
        if (key != null) {
            builder.environment().put("ALPHAVANTAGE_API_KEY", key);
        }
        Process p = builder.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "closecast " + String.join(" ", args) + " did not finish");
        String out = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Launched(p.exitValue(), out);
    }

    @Test
    void alphaVantageFillsTheSameCacheWithTheKeyFromTheEnvironmentNeverShown(@TempDir Path dir) throws Exception {
        try (AlphaVantageReplayServer server = AlphaVantageReplayServer.start()) {
            String[] args = {"--verbose", "data", "fetch", "--source", "alpha-vantage", "--symbol", "AAPL", "--from", "2020-08-03",
                    "--to", "2020-09-11", "--base-url", server.baseUrl().toString(), "--data-dir", dir.toString()};
            Launched fetch = launch(AlphaVantageReplayServer.KEY, args);
            assertEquals(0, fetch.code(), fetch.out());
            assertTrue(fetch.out().contains("AAPL: new file; 1 request(s), 29 bar(s) fetched, 29 new row(s)"), fetch.out());
            assertFalse(fetch.out().contains(AlphaVantageReplayServer.KEY), fetch.out());
            assertEquals(AlphaVantageReplayServer.KEY,
                    AlphaVantageReplayServer.query(server.requests.getFirst()).get("apikey"), "the key came from the environment");
            List<String> lines = Files.readAllLines(dir.resolve("AAPL.csv"));
            assertEquals("Date,Open,High,Low,Close,Adj Close,Volume", lines.getFirst());
            assertEquals(30, lines.size());

            Cli check = Cli.run("data", "check", dir.resolve("AAPL.csv").toString());
            assertEquals(0, check.code(), check.err());
            assertTrue(check.out().contains("29 rows, 2020-08-03..2020-09-11"), check.out());
            assertFalse(check.out().contains("LARGE_MOVE"), "split-adjusted: no 75 % drop on the split day: " + check.out());

            String wrong = "wrong-key-5150";
            Files.delete(dir.resolve("AAPL.csv"));
            Launched refused = launch(wrong, args);
            assertEquals(1, refused.code(), refused.out());
            assertTrue(refused.out().contains("error: Alpha Vantage refused the API key in ALPHAVANTAGE_API_KEY"), refused.out());
            assertFalse(refused.out().contains(wrong), "--verbose prints the stack trace, never the key: " + refused.out());
            assertFalse(Files.exists(dir.resolve("AAPL.csv")));

            Launched unset = launch(null, args);
            assertEquals(1, unset.code(), unset.out());
            assertTrue(unset.out().contains("error: ALPHAVANTAGE_API_KEY is not set: --source alpha-vantage reads the Alpha"
                    + " Vantage API key from it"), unset.out());
        }
    }

    @Test
    void sourceAndFunctionAreCheckedAsUsage() {
        Cli badSource = Cli.run("data", "fetch", "--source", "quandl", "--symbol", "AAPL", "--from", "2020-08-03", "--to", "2020-09-11");
        assertEquals(2, badSource.code());
        assertTrue(badSource.err().startsWith("--source must be yahoo or alpha-vantage, found 'quandl'"), badSource.err());

        Cli yahooFunction = Cli.run("data", "fetch", "--function", "TIME_SERIES_DAILY", "--symbol", "AAPL", "--from", "2020-08-03",
                "--to", "2020-09-11");
        assertEquals(2, yahooFunction.code());
        assertTrue(yahooFunction.err().startsWith("--function applies to --source alpha-vantage only"), yahooFunction.err());

        Cli badFunction = Cli.run("data", "fetch", "--source", "alpha-vantage", "--function", "TIME_SERIES_WEEKLY", "--symbol",
                "AAPL", "--from", "2020-08-03", "--to", "2020-09-11");
        assertEquals(2, badFunction.code());
        assertTrue(badFunction.err().startsWith("--function: Alpha Vantage function must be TIME_SERIES_DAILY_ADJUSTED or"
                + " TIME_SERIES_DAILY, found 'TIME_SERIES_WEEKLY'"), badFunction.err());

        assumeTrue(System.getenv("ALPHAVANTAGE_API_KEY") == null, "the key is set in this environment");
        Cli unset = Cli.run("data", "fetch", "--source", "alpha-vantage", "--symbol", "AAPL", "--from", "2020-08-03",
                "--to", "2020-09-11");
        assertEquals(1, unset.code());
        assertTrue(unset.err().startsWith("error: ALPHAVANTAGE_API_KEY is not set"), unset.err());
    }
}
