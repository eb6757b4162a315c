package io.closecast.mlflow.artifacts;

import io.closecast.mlflow.Checks;
import io.closecast.mlflow.MlflowException;

import java.net.URI;

/**
 * The checks on artifact paths: one spelling of a path under a run's artifact root (forward slashes, no empty,
 * {@code .} or {@code ..} segments, no leading or trailing slash), and the root itself from a run's
 * {@code artifact_uri}.
 */
public final class ArtifactPaths {
    private ArtifactPaths() {
    }

    /**
     * The path with backslashes as slashes, repeated slashes as one and no leading or trailing slash
     * ({@code "/model//MLmodel/"} is {@code "model/MLmodel"}; "" is the artifact root).
     *
     * @param path a path under a run's artifact root
     * @return the clean path, "" for the root
     * @throws MlflowException when the path is null or has a {@code .} or {@code ..} segment
     */
    public static String clean(String path) {
        Checks.notNull(path, "artifact path");
        String clean = path.replace('\\', '/').replaceAll("/+", "/").replaceAll("^/|/$", "");
        for (String segment : clean.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new MlflowException("artifact path must not contain '.' or '..' segments, found '" + path + "'");
            }
        }
        return clean;
    }

    /**
     * {@code name} under the directory {@code dir}.
     *
     * @param dir  a directory under the artifact root ("" = the root), cleaned with {@link #clean}
     * @param name a name or relative path inside it
     * @return {@code dir/name}, or {@code name} when {@code dir} is the root
     * @throws MlflowException when {@code dir} has a {@code .} or {@code ..} segment
     */
    public static String join(String dir, String name) {
        String d = clean(dir);
        return d.isEmpty() ? name : d + "/" + name;
    }

    /**
     * The run's artifact root under the server's artifact proxy, e.g. {@code 1/<run>/artifacts} from
     * {@code mlflow-artifacts:/1/<run>/artifacts}.
     *
     * @param artifactUri the run's {@code artifact_uri}
     * @param runId       the run, for the message
     * @return the root's path under the proxy, without leading or trailing slash
     * @throws MlflowException when the URI is not an {@code mlflow-artifacts:} URI with a path (a server started
     *                         without {@code --serve-artifacts})
     */
    public static String rootOf(String artifactUri, String runId) {
        URI uri;
        try {
            uri = URI.create(artifactUri);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"mlflow-artifacts".equals(uri.getScheme()) || uri.getPath() == null) {
            throw new MlflowException("run " + runId + " artifact URI must be mlflow-artifacts:/<experiment>/<run>/artifacts"
                    + " (a server started with --serve-artifacts), found '" + artifactUri + "'");
        }
        String path = clean(uri.getPath());
        if (path.isEmpty()) {
            throw new MlflowException("run " + runId + " artifact URI must name a path, found '" + artifactUri + "'");
        }
        return path;
    }

    /**
     * The text cut to 120 characters for a message.
     *
     * @param s a path as a server listed it
     * @return {@code s}, or its first 120 characters and "..."
     */
    static String snippet(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
