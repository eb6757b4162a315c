package io.closecast.mlflow;

import java.util.Optional;

/**
 * Any failure talking to MLflow. Carries the server's error code and message where the server sent
 * them ({@code RESOURCE_DOES_NOT_EXIST: Registered Model with name=x not found}), and the HTTP status.
 */
public class MlflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;

    public MlflowException(String message) {
        this(message, 0, "", null);
    }

    public MlflowException(String message, Throwable cause) {
        this(message, 0, "", cause);
    }

    public MlflowException(String message, int status, String errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** HTTP status of the failed call; 0 when no response was received. */
    public int status() {
        return status;
    }

    /** MLflow's error code such as {@code RESOURCE_DOES_NOT_EXIST}, when the server sent one. */
    public Optional<String> errorCode() {
        return errorCode.isEmpty() ? Optional.empty() : Optional.of(errorCode);
    }
}
