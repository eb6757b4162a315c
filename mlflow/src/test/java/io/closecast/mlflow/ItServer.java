package io.closecast.mlflow;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The real MLflow server the ITs talk to: {@code MLFLOW_TRACKING_URI} if set, else the one the build started
 * (system property {@code closecast.it.tracking-uri}). Fails, never skips, when none answers.
 */
public final class ItServer {
    private ItServer() {
    }

    public static String trackingUri() {
        String env = System.getenv("MLFLOW_TRACKING_URI");
        String property = System.getProperty("closecast.it.tracking-uri");
        String uri;
        String from;
        if (env != null && !env.isBlank()) {
            uri = env;
            from = "environment variable MLFLOW_TRACKING_URI";
        } else if (property != null && !property.isBlank()) {
            uri = property;
            from = "system property closecast.it.tracking-uri (set by the build)";
        } else {
            uri = "";
            from = "nowhere";
        }
        if (uri.isEmpty() || !answers(uri)) {
            fail("the MLflow integration tests need a running MLflow server, found none at '" + uri + "' (from " + from
                    + "). Either run them through the build, which starts one: ./mvnw -B -pl mlflow -am verify"
                    + " -Dclosecast.it.mlflow.port=5061, or start one yourself:"
                    + " registry-server/mlflow-server.sh start --port 5061 and export"
                    + " MLFLOW_TRACKING_URI=http://127.0.0.1:5061");
        }
        return uri;
    }

    public static MlflowClient client() {
        return MlflowClient.create(MlflowConfig.create(trackingUri()));
    }

    public static Path root() {
        String root = System.getProperty("closecast.root");
        if (root == null || root.isBlank()) {
            fail("system property closecast.root must name the closecast checkout (the build sets it), found none");
        }
        return Path.of(root);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Servers that answered once in this JVM: not probed again. */
    private static final java.util.Set<String> ANSWERED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Whether the MLflow server at {@code uri} answers {@code /health}, probed for up to a minute: on a loaded machine
     * a server idle since it started can take longer than one probe's timeout to answer the first request.
     */
    public static boolean answers(String uri) {
        if (ANSWERED.contains(uri)) {
            return true;
        }
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            do {
                try {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(uri.replaceAll("/+$", "")
                            + "/health")).timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        ANSWERED.add(uri);
                        return true;
                    }
                } catch (java.io.IOException e) {
                    // refused, reset or timed out: probe again until the minute is up
                }
                Thread.sleep(1000);
            } while (System.nanoTime() < end);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
