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

    private static boolean answers(String uri) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(uri.replaceAll("/+$", "")
                    + "/health")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
