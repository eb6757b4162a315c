package io.closecast.pipeline.registry;

import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.tracking.ClosecastTags;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.artifacts.DownloadLimits;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.model.bundle.Servability;

/**
 * The servability check before an alias moves: the version's bundle is downloaded from the registry the way the
 * service downloads it (within the service's download bounds) into a fresh temporary directory, and checked by the
 * model core's {@link Servability#check}, the service's own loading and warm-up code (checksums, weights, finite
 * forecasts and intervals, a time and a memory budget). A failed download is a failed check, never an exception.
 */
public final class ServabilityCheck {
    /** The service's default download bounds for a bundle ({@code model.download.*} in serving.yaml). */
    static final DownloadLimits SERVICE_DOWNLOAD = new DownloadLimits(64L << 20, 256L << 20, 1000, 16, Duration.ofMinutes(2));

    private final MlflowClient client;
    private final Servability.Budget budget;

    public ServabilityCheck(MlflowClient client, Servability.Budget budget) {
        this.client = Objects.requireNonNull(client, "client");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /** Downloads {@code version}'s bundle and checks it; the download is deleted afterwards. */
    public Servability.Report check(ModelVersion version) {
        long start = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("closecast-servability");
        } catch (IOException e) {
            throw new io.closecast.pipeline.PipelineException("cannot create a directory for the servability check: "
                    + e.getMessage(), e);
        }
        try {
            Path bundle = dir.resolve("bundle");
            try {
                client.registry().downloadModelVersion(version, bundle, SERVICE_DOWNLOAD);
            } catch (RuntimeException e) {
                return new Servability.Report(false, "not servable: cannot download the bundle of " + version.name()
                        + " version " + version.version() + " from " + version.source() + ": " + e.getMessage(),
                        Duration.ofNanos(System.nanoTime() - start), 0);
            }
            return Servability.check(bundle, budget);
        } finally {
            try {
                WorkDirs.delete(dir);
            } catch (IOException e) {
                // a leftover temporary directory is not worth failing a promotion for
            }
        }
    }

    /** The report as the version's {@code closecast.servability.*} tags. */
    public static void putTags(Map<String, String> tags, Servability.Report report) {
        tags.put(ClosecastTags.SERVABILITY_VERDICT, report.servable() ? "passed" : "refused");
        tags.put(ClosecastTags.SERVABILITY_REASON, abbreviate(report.reason()));
        tags.put(ClosecastTags.SERVABILITY_PREFIX + "seconds", String.format(Locale.ROOT, "%.3f", report.took().toNanos() / 1e9));
        tags.put(ClosecastTags.SERVABILITY_PREFIX + "bundle_bytes", Long.toString(report.bundleBytes()));
    }

    /** MLflow limits a tag value to 5000 characters (8000 on newer servers); a reason stays well under. */
    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
