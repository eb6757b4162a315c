package io.closecast.mlflow.artifacts;

import io.closecast.mlflow.Checks;
import io.closecast.mlflow.MlflowException;


import java.time.Duration;

/**
 * Bounds on one artifact-directory download, so that a hostile or broken server cannot fill the disk, hold the
 * caller forever or overflow its stack: each file's size, the total, how many files, how deep the listing goes,
 * and one deadline for the whole download (listing and every body).
 *
 * @param maxFileBytes  largest single file (by the listing's size and as streamed)
 * @param maxTotalBytes largest sum of all files
 * @param maxFiles      most files listed
 * @param maxDepth      deepest directory nesting listed below the downloaded directory
 * @param deadline      the whole download, from the first listing to the last byte
 */
public record DownloadLimits(long maxFileBytes, long maxTotalBytes, int maxFiles, int maxDepth, Duration deadline) {

    /** Wide bounds for trusted servers (the pipeline): 1 GiB a file, 4 GiB in all, 100,000 files, 64 levels, 1 h. */
    public static final DownloadLimits GENEROUS = new DownloadLimits(1L << 30, 4L << 30, 100_000, 64, Duration.ofHours(1));

    /**
     * Checks the bounds.
     *
     * @param maxFileBytes  largest single file, {@code >= 1}
     * @param maxTotalBytes largest sum of all files, {@code >= maxFileBytes}
     * @param maxFiles      most files listed, {@code >= 1}
     * @param maxDepth      deepest directory nesting, {@code >= 1}
     * @param deadline      the whole download, {@code > 0}
     * @throws MlflowException when a bound is broken
     */
    public DownloadLimits {
        if (maxFileBytes < 1) {
            throw new MlflowException("download max file bytes must be >= 1, found " + maxFileBytes);
        }
        if (maxTotalBytes < maxFileBytes) {
            throw new MlflowException("download max total bytes must be >= the max file bytes (" + maxFileBytes
                    + "), found " + maxTotalBytes);
        }
        if (maxFiles < 1) {
            throw new MlflowException("download max files must be >= 1, found " + maxFiles);
        }
        if (maxDepth < 1) {
            throw new MlflowException("download max depth must be >= 1, found " + maxDepth);
        }
        Checks.notNull(deadline, "download deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new MlflowException("download deadline must be > 0, found " + deadline);
        }
    }
}
