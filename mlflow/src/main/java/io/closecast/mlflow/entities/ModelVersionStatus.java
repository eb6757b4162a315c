package io.closecast.mlflow.entities;

/** Registration state of a model version. */
public enum ModelVersionStatus {
    PENDING_REGISTRATION, FAILED_REGISTRATION, READY
}
