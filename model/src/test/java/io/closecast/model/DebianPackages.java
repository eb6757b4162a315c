package io.closecast.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure Debian packages a test needs are installed: installs them with apt-get when an executable is missing
 * and the test runs as root; otherwise fails with the command to run. Never skips. Shared test support: serving's
 * and pipeline's ITs use it through the model module's test jar.
 */
public final class DebianPackages {

    private DebianPackages() {
    }

    /**
     * @param what        what needs them (for the message)
     * @param executables the files that must exist afterwards
     * @param packages    the Debian packages that provide them
     */
    public static void ensure(String what, List<Path> executables, String... packages) {
        if (executables.stream().allMatch(Files::isExecutable)) {
            return;
        }
        String how = "apt-get install -y --no-install-recommends " + String.join(" ", packages);
        if (!isRoot()) {
            throw new AssertionError(what + " needs " + executables + " (Debian packages " + String.join(", ", packages)
                    + "), found them missing, and this test does not run as root so it cannot install them. Install them with: sudo " + how);
        }
        String out = run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends"), packages);
        if (!executables.stream().allMatch(Files::isExecutable)) {
            out = run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "update")) + out
                    + run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends"), packages);
        }
        for (Path p : executables) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(what + " needs " + p + ": expected it after `" + how + "`, found it missing. apt-get said:\n"
                        + tail(out));
            }
        }
    }

    private static boolean isRoot() {
        return run(List.of("id", "-u")).strip().equals("0");
    }

    private static String run(List<String> command, String... more) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(more));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after 20 minutes: " + cmd);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "could not run " + cmd + ": " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String tail(String s) {
        return s.length() > 3000 ? "..." + s.substring(s.length() - 3000) : s;
    }
}
