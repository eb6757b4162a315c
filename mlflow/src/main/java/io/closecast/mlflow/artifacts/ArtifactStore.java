package io.closecast.mlflow.artifacts;

import static io.closecast.mlflow.artifacts.ArtifactPaths.snippet;

import io.closecast.mlflow.Checks;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;
import io.closecast.mlflow.entities.FileInfo;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.http.Errors;
import io.closecast.mlflow.http.Http;
import io.closecast.mlflow.http.Urls;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's artifacts through the server's artifact proxy ({@code /api/2.0/mlflow-artifacts/artifacts}): upload,
 * list and download, every path checked by {@link ArtifactPaths} and every directory download bounded by
 * {@link DownloadLimits}. Thread-safe; get it from {@code MlflowClient.artifacts()}.
 */
public final class ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);

    private final Http http;
    private final Function<String, Run> runs;
    private final Map<String, String> artifactRoots = new ConcurrentHashMap<>();

    /**
     * An artifact store over the client's HTTP stack.
     *
     * @param http the client's HTTP stack
     * @param runs reads a run by id (for its {@code artifact_uri}, read once per run)
     */
    public ArtifactStore(Http http, Function<String, Run> runs) {
        this.http = Checks.notNull(http, "http");
        this.runs = Checks.notNull(runs, "run lookup");
    }

    /**
     * Uploads one file as {@code <artifactDir>/<file name>}.
     *
     * @param runId       the run
     * @param file        a regular file
     * @param artifactDir the directory under the run's artifact root ("" = the root)
     * @throws MlflowException when {@code file} is not a regular file or the upload fails
     */
    public void uploadFile(String runId, Path file, String artifactDir) {
        Checks.notNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new MlflowException("artifact upload expects a regular file, found '" + file + "' (run " + runId + ")");
        }
        put(runId, ArtifactPaths.join(artifactDir, file.getFileName().toString()), file);
    }

    /**
     * Uploads a directory's contents recursively under {@code artifactDir}.
     *
     * @param runId       the run
     * @param dir         a local directory
     * @param artifactDir the directory under the run's artifact root ("" = the root)
     * @throws MlflowException when {@code dir} is not a directory, cannot be listed or an upload fails
     */
    public void uploadDirectory(String runId, Path dir, String artifactDir) {
        Checks.notNull(dir, "directory");
        if (!Files.isDirectory(dir)) {
            throw new MlflowException("artifact directory upload expects a directory, found '" + dir + "' (run "
                    + runId + ")");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new MlflowException("cannot list " + dir + " for upload: " + e.getMessage(), e);
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            put(runId, ArtifactPaths.join(artifactDir, relative), file);
        }
        LOG.info("uploaded {} file(s) from {} to run {} artifacts '{}'", files.size(), dir, runId, artifactDir);
    }

    /**
     * The entries directly under {@code path}.
     *
     * @param runId the run
     * @param path  a directory under the run's artifact root ("" = the root)
     * @return files and directories, their paths relative to the artifact root
     */
    public List<FileInfo> listArtifacts(String runId, String path) {
        String clean = ArtifactPaths.clean(path);
        String listed = artifactRoot(runId) + (clean.isEmpty() ? "" : "/" + clean);
        JsonNode response = http.getAbsolute(Http.ARTIFACTS + "?path=" + Urls.encode(listed));
        List<FileInfo> files = new ArrayList<>();
        for (JsonNode f : response.path("files")) {
            String name = f.path("path").asText();
            files.add(new FileInfo(ArtifactPaths.join(clean, name), f.path("is_dir").asBoolean(false),
                    f.path("file_size").asLong(0)));
        }
        return files;
    }

    /**
     * Every file (no directories) under {@code path}, recursively, within {@link DownloadLimits#GENEROUS}.
     *
     * @param runId the run
     * @param path  a directory under the run's artifact root ("" = the root)
     * @return the files, their paths relative to the artifact root
     * @throws MlflowException when the listing passes the generous limits
     */
    public List<FileInfo> listArtifactsRecursively(String runId, String path) {
        return listArtifactsRecursively(runId, path, DownloadLimits.GENEROUS, deadline(DownloadLimits.GENEROUS));
    }

    /**
     * Every file under {@code path}, listed breadth-first without recursion; refuses a listing deeper than
     * {@code limits.maxDepth()}, with more than {@code limits.maxFiles()} files, or a file larger than the limits.
     */
    private List<FileInfo> listArtifactsRecursively(String runId, String path, DownloadLimits limits, long deadline) {
        List<FileInfo> all = new ArrayList<>();
        ArrayDeque<Map.Entry<String, Integer>> dirs = new ArrayDeque<>();
        dirs.add(Map.entry(path, 0));
        long total = 0;
        while (!dirs.isEmpty()) {
            Map.Entry<String, Integer> dir = dirs.poll();
            checkDeadline(deadline, limits, runId, path);
            for (FileInfo info : listArtifacts(runId, dir.getKey())) {
                if (info.dir()) {
                    int depth = dir.getValue() + 1;
                    if (depth > limits.maxDepth()) {
                        throw new MlflowException("artifacts of run " + runId + " under '" + path + "' must nest at most "
                                + limits.maxDepth() + " directories deep, found '" + snippet(info.path()) + "' deeper");
                    }
                    if (info.path().equals(dir.getKey()) || !info.path().startsWith(dir.getKey())) {
                        throw new MlflowException("artifact listing of run " + runId + " under '" + dir.getKey()
                                + "' must name entries inside it, found '" + snippet(info.path()) + "'");
                    }
                    dirs.add(Map.entry(info.path(), depth));
                    continue;
                }
                if (info.fileSize() > limits.maxFileBytes()) {
                    throw new MlflowException("artifact '" + snippet(info.path()) + "' of run " + runId + " must be at most "
                            + limits.maxFileBytes() + " bytes, found " + info.fileSize() + " listed");
                }
                total += Math.max(0, info.fileSize());
                if (total > limits.maxTotalBytes()) {
                    throw new MlflowException("artifacts of run " + runId + " under '" + path + "' must total at most "
                            + limits.maxTotalBytes() + " bytes, found more than that listed");
                }
                all.add(info);
                if (all.size() > limits.maxFiles()) {
                    throw new MlflowException("artifacts of run " + runId + " under '" + path + "' must be at most "
                            + limits.maxFiles() + " files, found more listed");
                }
            }
        }
        return all;
    }

    private static long deadline(DownloadLimits limits) {
        long nanos = limits.deadline().toNanos();
        return System.nanoTime() + nanos;
    }

    private static void checkDeadline(long deadline, DownloadLimits limits, String runId, String path) {
        if (System.nanoTime() - deadline > 0) {
            throw new MlflowException("download of run " + runId + " artifacts '" + path + "' must finish within "
                    + limits.deadline() + ", found it still running");
        }
    }

    /**
     * Downloads one artifact file, within {@link DownloadLimits#GENEROUS}.
     *
     * @param runId        the run
     * @param artifactPath the file under the run's artifact root
     * @param target       the local file to write (its parents are created)
     * @return {@code target}
     * @throws MlflowNotFoundException when the run or the file does not exist
     */
    public Path downloadFile(String runId, String artifactPath, Path target) {
        return downloadFile(runId, artifactPath, target, DownloadLimits.GENEROUS.maxFileBytes(),
                deadline(DownloadLimits.GENEROUS));
    }

    private Path downloadFile(String runId, String artifactPath, Path target, long maxBytes, long deadline) {
        String clean = ArtifactPaths.clean(artifactPath);
        if (clean.isEmpty()) {
            throw new MlflowException("artifact path of a file to download must be non-empty, found '" + artifactPath
                    + "' (run " + runId + ")");
        }
        http.download(Http.ARTIFACTS + "/" + Urls.encodePath(artifactRoot(runId) + "/" + clean), target, maxBytes, deadline);
        return target;
    }

    /**
     * Downloads the directory {@code artifactPath} recursively into {@code targetDir}, so that
     * {@code <artifactPath>/a/b.txt} lands at {@code <targetDir>/a/b.txt}, within {@link DownloadLimits#GENEROUS}.
     *
     * @param runId        the run
     * @param artifactPath the directory under the run's artifact root ("" = everything)
     * @param targetDir    the local directory to write into
     * @return the files written
     * @throws MlflowNotFoundException when the run does not exist or has nothing under a non-empty
     *                                 {@code artifactPath}
     */
    public List<Path> downloadDirectory(String runId, String artifactPath, Path targetDir) {
        return downloadDirectory(runId, artifactPath, targetDir, DownloadLimits.GENEROUS);
    }

    /**
     * Like {@link #downloadDirectory(String, String, Path)} within {@code limits} (sizes as listed and as streamed).
     *
     * @param runId        the run
     * @param artifactPath the directory under the run's artifact root ("" = everything)
     * @param targetDir    the local directory to write into
     * @param limits       the bounds on the whole download
     * @return the files written
     * @throws MlflowNotFoundException when the run does not exist or has nothing under a non-empty
     *                                 {@code artifactPath}
     * @throws MlflowException         when the download passes a limit or a listed path would escape {@code targetDir}
     */
    public List<Path> downloadDirectory(String runId, String artifactPath, Path targetDir, DownloadLimits limits) {
        Checks.notNull(limits, "download limits");
        long deadline = deadline(limits);
        String clean = ArtifactPaths.clean(artifactPath);
        List<FileInfo> files = listArtifactsRecursively(runId, clean, limits, deadline);
        if (files.isEmpty() && !clean.isEmpty()) {
            throw new MlflowNotFoundException("run " + runId + " has no artifacts under '" + clean
                    + "', expected a non-empty directory", 404, Errors.RESOURCE_DOES_NOT_EXIST);
        }
        Path root = targetDir.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        long total = 0;
        for (FileInfo file : files) {
            if (!clean.isEmpty() && !file.path().startsWith(clean + "/")) {
                throw new MlflowException("artifact path '" + snippet(file.path()) + "' must lie under '" + clean + "'");
            }
            String relative = clean.isEmpty() ? file.path() : file.path().substring(clean.length() + 1);
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new MlflowException("artifact path '" + snippet(file.path()) + "' would escape " + targetDir);
            }
            long left = Math.min(limits.maxFileBytes(), limits.maxTotalBytes() - total);
            if (file.fileSize() > 0) {
                left = Math.min(left, file.fileSize()); // the listing says how large it is: no byte more
            }
            checkDeadline(deadline, limits, runId, clean);
            written.add(downloadFile(runId, file.path(), target, left, deadline));
            try {
                total += Files.size(target);
            } catch (IOException e) {
                throw new MlflowException("cannot read the size of the downloaded " + target + ": " + e.getMessage(), e);
            }
        }
        return written;
    }

    /** The run's artifact root under the artifact proxy, from its {@code artifact_uri}, e.g. {@code 1/<run>/artifacts}. */
    String artifactRoot(String runId) {
        Checks.notBlank(runId, "run id");
        return artifactRoots.computeIfAbsent(runId, id -> ArtifactPaths.rootOf(runs.apply(id).info().artifactUri(), id));
    }

    private void put(String runId, String artifactPath, Path file) {
        String clean = ArtifactPaths.clean(artifactPath);
        http.put(Http.ARTIFACTS + "/" + Urls.encodePath(artifactRoot(runId) + "/" + clean), file);
    }
}
