package io.closecast.mlflow.entities;

/** MLflow's run states. */
public enum RunStatus {
    /** Started, not ended. */
    RUNNING,
    /** Waiting to start. */
    SCHEDULED,
    /** Ended well. */
    FINISHED,
    /** Ended with an error. */
    FAILED,
    /** Stopped from outside. */
    KILLED;

    /**
     * Whether a run in this state has ended.
     *
     * @return true for FINISHED, FAILED and KILLED
     */
    public boolean terminal() {
        return this == FINISHED || this == FAILED || this == KILLED;
    }
}
