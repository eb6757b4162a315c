package io.closecast.pipeline.tracking;

import java.util.Map;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;

/** How the command line reaches MLflow: the standard MLflow environment, with a local default. */
public final class MlflowConnection {
    static final String DEFAULT_URI = "http://127.0.0.1:5000";

    private MlflowConnection() {
    }

    public static MlflowClient connect() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putIfAbsent("MLFLOW_TRACKING_URI", DEFAULT_URI);
        return MlflowClient.create(MlflowConfig.fromEnvironment(env));
    }

    public static String runUrl(MlflowClient client, String experimentId, String runId) {
        return client.config().trackingUri().toString().replaceAll("/+$", "") + "/#/experiments/" + experimentId
                + "/runs/" + runId;
    }
}
