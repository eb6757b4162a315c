package io.closecast.pipeline;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/closecast as a user runs it: a separate JVM found by scripts/lib/java.sh, paths relative to the current directory. */
class LauncherIT {

    private record Result(int code, String out, String err) {
    }

    private static Path root() {
        Path data = Cli.data("MSFT.csv");
        return data.getParent().getParent();
    }

    private static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root().resolve("bin/closecast").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("closecast-out", ".txt");
        Path err = Files.createTempFile("closecast-err", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/closecast " + String.join(" ", args) + " did not finish in 120 s");
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void launcherRunsTheCliWithExitCodes() throws Exception {
        Result version = run(root(), "--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("closecast "), version.out());

        Result clean = run(root().resolve("data"), "data", "check", "MSFT.csv");
        assertEquals(0, clean.code(), clean.err());
        assertTrue(clean.out().contains("clean: no findings"), clean.out());

        Result failing = run(root(), "data", "check", "data/PETR4.SA.csv", "--policy", "ZERO_VOLUME=FAIL");
        assertEquals(1, failing.code());
        assertTrue(failing.out().contains("FAILED: the policy rejects this file"), failing.out());

        Result usage = run(root(), "data", "check");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required parameter: 'FILE'"), usage.err());

        Result unknown = run(root(), "frobnicate", "--help");
        assertEquals(2, unknown.code(), "an unknown command fails even with --help: " + unknown.out());
        assertTrue(unknown.err().lines().anyMatch(
                l -> l.startsWith("unknown command 'frobnicate' for 'closecast': expected one of data, ")), unknown.err());
    }
}
