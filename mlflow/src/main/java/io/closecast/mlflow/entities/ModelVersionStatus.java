package io.closecast.mlflow.entities;

/** Registration state of a model version. */
public enum ModelVersionStatus {
    /** Registered, its files not yet checked. */
    PENDING_REGISTRATION,
    /** Registration failed; see the status message. */
    FAILED_REGISTRATION,
    /** Usable. */
    READY
}
