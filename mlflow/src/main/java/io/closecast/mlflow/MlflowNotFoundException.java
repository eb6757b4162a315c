package io.closecast.mlflow;

/**
 * The server answered that the thing asked for does not exist ({@code RESOURCE_DOES_NOT_EXIST} or HTTP 404).
 * Callers that treat absence as a normal outcome catch this one.
 */
public class MlflowNotFoundException extends MlflowException {
    private static final long serialVersionUID = 1L;

    /**
     * The server's answer that a thing does not exist.
     *
     * @param message   the server's error code and message, the method and the path
     * @param status    the HTTP status (404, or another with {@code RESOURCE_DOES_NOT_EXIST})
     * @param errorCode MLflow's error code, "" when the server sent none
     */
    public MlflowNotFoundException(String message, int status, String errorCode) {
        super(message, status, errorCode, null);
    }
}
