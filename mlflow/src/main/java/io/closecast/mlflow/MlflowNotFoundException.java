package io.closecast.mlflow;

/**
 * The server answered that the thing asked for does not exist ({@code RESOURCE_DOES_NOT_EXIST} or HTTP 404).
 * Callers that treat absence as a normal outcome catch this one.
 */
public class MlflowNotFoundException extends MlflowException {
    private static final long serialVersionUID = 1L;

    public MlflowNotFoundException(String message, int status, String errorCode) {
        super(message, status, errorCode, null);
    }
}
