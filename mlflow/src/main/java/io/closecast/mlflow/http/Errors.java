package io.closecast.mlflow.http;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Maps a failed HTTP exchange to an {@link MlflowException}: the one place HTTP errors become exceptions. */
public final class Errors {
    /** MLflow's error code for a thing that does not exist. */
    public static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    /** MLflow's error code for a create of a thing that exists. */
    public static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    private static final int SNIPPET = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Errors() {
    }

    /**
     * {@code RESOURCE_DOES_NOT_EXIST: Registered Model with name=x not found (HTTP 404 on GET /api/...)}; a body
     * without MLflow's error JSON gives the status and a snippet of the body instead.
     */
    static MlflowException fromResponse(String method, String path, int status, String body) {
        String where = "HTTP " + status + " on " + method + " " + path;
        String code = "";
        String message = "";
        if (body != null && !body.isBlank()) {
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.isObject()) {
                    code = node.path("error_code").asText("");
                    message = node.path("message").asText("");
                }
            } catch (Exception notJson) {
                // fall through: reported with a snippet below
            }
        }
        if (!code.isEmpty()) {
            String text = code + ": " + message + " (" + where + ")";
            if (code.equals(RESOURCE_DOES_NOT_EXIST) || status == 404) {
                return new MlflowNotFoundException(text, status, code);
            }
            return new MlflowException(text, status, code, null);
        }
        String text = where + ", expected an MLflow error JSON body, found "
                + (body == null || body.isBlank() ? "an empty body" : "'" + snippet(body) + "'");
        if (status == 404) {
            return new MlflowNotFoundException(text, status, "");
        }
        return new MlflowException(text, status, "", null);
    }

    /**
     * Whether the server refused a create because the thing exists.
     *
     * @param e a failed call
     * @return whether its error code is {@code RESOURCE_ALREADY_EXISTS}
     */
    public static boolean isAlreadyExists(MlflowException e) {
        return e.errorCode().filter(RESOURCE_ALREADY_EXISTS::equals).isPresent();
    }

    static String snippet(String body) {
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() <= SNIPPET ? flat : flat.substring(0, SNIPPET) + "...";
    }
}
