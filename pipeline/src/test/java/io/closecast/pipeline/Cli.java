package io.closecast.pipeline;

import io.closecast.pipeline.cli.Closecast;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in-process and keeps its exit code, stdout and stderr. */
public record Cli(int code, String out, String err) {

    public static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Closecast.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** A bundled file under the repository's data/ folder. */
    public static Path data(String name) {
        String root = System.getProperty("closecast.root");
        if (root != null && Files.isRegularFile(Path.of(root, "data", name))) {
            return Path.of(root, "data", name);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("data").resolve(name))) {
                return dir.resolve("data").resolve(name);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("data/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
