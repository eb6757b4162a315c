package io.closecast.mlflow.entities;

/** MLflow's run states. */
public enum RunStatus {
    RUNNING, SCHEDULED, FINISHED, FAILED, KILLED;

    /** Whether a run in this state has ended. */
    public boolean terminal() {
        return this == FINISHED || this == FAILED || this == KILLED;
    }
}
