package io.closecast.pipeline.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where relative paths in a config resolve: the config's project root, the closest directory at or above the
 * config's own directory that holds a {@code data/} or a {@code configs/} directory (for
 * {@code configs/quickstart.yaml} in a checkout: the checkout). A config with no such directory above it resolves
 * against its own directory. Never the current directory: a command gives the same answer from anywhere.
 */
public final class ProjectRoot {
    private ProjectRoot() {
    }

    /** The project root of the config file {@code config}. */
    public static Path of(Path config) {
        Path dir = config.toAbsolutePath().normalize().getParent();
        return above(dir).orElse(dir);
    }

    /** The project root at or above {@code dir}, else {@code dir} itself (for options such as {@code --data-dir}). */
    public static Path ofDirectory(Path dir) {
        Path start = dir.toAbsolutePath().normalize();
        return above(start).orElse(start);
    }

    private static java.util.Optional<Path> above(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data")) || Files.isDirectory(dir.resolve("configs"))) {
                return java.util.Optional.of(dir);
            }
        }
        return java.util.Optional.empty();
    }
}
