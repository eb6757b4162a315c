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

    /**
     * A failure found on this side (a bad argument, an answer that breaks a limit).
     *
     * @param message what was expected, what was found, and where
     */
    public MlflowException(String message) {
        this(message, 0, "", null);
    }

    /**
     * A failure caused by another (an I/O error, an interruption).
     *
     * @param message what was expected, what was found, and where
     * @param cause   the underlying failure
     */
    public MlflowException(String message, Throwable cause) {
        this(message, 0, "", cause);
    }

    /**
     * A failure the server answered.
     *
     * @param message   the server's error code and message, the method and the path
     * @param status    the HTTP status, 0 when no response was received
     * @param errorCode MLflow's error code, "" when the server sent none
     * @param cause     the underlying failure, or null
     */
    public MlflowException(String message, int status, String errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /**
     * HTTP status of the failed call.
     *
     * @return the status, 0 when no response was received
     */
    public int status() {
        return status;
    }

    /**
     * MLflow's error code such as {@code RESOURCE_DOES_NOT_EXIST}, when the server sent one.
     *
     * @return the code, empty when the server sent none
     */
    public Optional<String> errorCode() {
        return errorCode.isEmpty() ? Optional.empty() : Optional.of(errorCode);
    }
}
