package io.closecast.pipeline.cli;

import io.closecast.pipeline.Cli;

import java.time.Duration;
import java.util.List;

import io.closecast.model.bundle.Servability;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --servability-time} and {@code --servability-memory} on promote, retrain and sweep: parsed, or a usage error. */
class ServabilityOptionsTest {

    private static Servability.Budget budget(String time, String memory) {
        ServabilityOptions options = new ServabilityOptions();
        options.time = time;
        options.memory = memory;
        return options.budget(new CommandLine(new PromoteCommand()).getCommandSpec());
    }

    @Test
    void durationsAndSizesInTheirUnits() {
        assertEquals(Servability.Budget.DEFAULT, budget(null, null), "unset: the check's defaults");
        assertEquals(Duration.ofSeconds(90), budget("90s", null).maxTime());
        assertEquals(Duration.ofMinutes(2), budget("2m", null).maxTime());
        assertEquals(Duration.ofMillis(500), budget("500ms", null).maxTime());
        assertEquals(Duration.ofHours(1), budget("1h", null).maxTime());
        assertEquals(Duration.ofSeconds(45), budget("PT45S", null).maxTime());
        assertEquals(512L << 20, budget(null, "512MiB").maxBytes());
        assertEquals(2L << 30, budget(null, "2GiB").maxBytes());
        assertEquals(300_000_000L, budget(null, "300MB").maxBytes());
        assertEquals(4096L, budget(null, "4096").maxBytes());
        assertEquals(Servability.Budget.DEFAULT.warmupRounds(), budget("1m", "1GiB").warmupRounds());
        // over a config's budget: each option given overrides its half only
        Servability.Budget configured = new Servability.Budget(Duration.ofMinutes(3), 1L << 30, 4);
        ServabilityOptions timeOnly = new ServabilityOptions();
        timeOnly.time = "10s";
        assertEquals(new Servability.Budget(Duration.ofSeconds(10), 1L << 30, 4),
                timeOnly.budget(new CommandLine(new PromoteCommand()).getCommandSpec(), configured));
        assertEquals(configured, new ServabilityOptions().budget(new CommandLine(new PromoteCommand()).getCommandSpec(),
                configured), "no option: the config's budget");
    }

    @Test
    void aBadValueIsAUsageErrorNamingTheOptionTheValueAndWhatWasExpected() {
        for (List<String> args : List.of(
                List.of("promote", "some-model", "--version", "1"),
                List.of("retrain", "configs/quickstart.yaml"),
                List.of("sweep", "configs/quickstart.yaml", "--register", "--promote"))) {
            for (String bad : List.of("soon", "0s", "-5s", "PT0S", "30", "1.5m")) {
                Cli cli = Cli.run(concat(args, "--servability-time", bad));
                assertEquals(2, cli.code(), args + " " + bad + ": " + cli.out() + cli.err());
                assertTrue(cli.err().contains("--servability-time must be a positive duration like 30s, 2m, 500ms or"
                        + " PT1M, found '" + bad + "'"), cli.err());
            }
            for (String bad : List.of("lots", "0", "0MiB", "12TB", "256 mib", "99999999999999GiB")) {
                Cli cli = Cli.run(concat(args, "--servability-memory", bad));
                assertEquals(2, cli.code(), args + " " + bad + ": " + cli.out() + cli.err());
                assertTrue(cli.err().contains("--servability-memory must be a positive size like 256MiB, 512MB, 1GiB or"
                        + " a number of bytes, found '" + bad + "'"), cli.err());
            }
        }
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
