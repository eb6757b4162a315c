package io.closecast.mlflow.entities;

/**
 * An entry of a run's artifacts.
 *
 * @param path     relative to the run's artifact root, '/'-separated (e.g. {@code model/network.zip})
 * @param dir      whether it is a directory
 * @param fileSize size in bytes (0 for directories)
 */
public record FileInfo(String path, boolean dir, long fileSize) {
}
