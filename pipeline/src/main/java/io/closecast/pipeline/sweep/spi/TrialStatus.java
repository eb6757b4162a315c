package io.closecast.pipeline.sweep.spi;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunStatus;

import java.util.Locale;
import java.util.Map;

/**
 * How a sweep's trial ended. MLflow has three terminal states; a sweep needs five: a pruned trial and one stopped by
 * its time limit are both KILLED runs in MLflow, and so is a trial cut short by an interrupted sweep (which a resumed
 * sweep runs again). The trial's run carries the status in the tag {@value #ClosecastTags.TRIAL_STATUS}.
 */
public enum TrialStatus {
    /** Trained to its end and evaluated: it competes for best. */
    FINISHED(RunStatus.FINISHED),
    /** Stopped by median pruning. */
    PRUNED(RunStatus.KILLED),
    /** Stopped by {@code sweep.trial-time-limit}. */
    TIME_LIMITED(RunStatus.KILLED),
    /** Its config was invalid or its training failed. */
    FAILED(RunStatus.FAILED),
    /** The sweep was interrupted while it ran; a resumed sweep runs it again. */
    INTERRUPTED(RunStatus.KILLED);

    /** The stop reason of a trial (and a parent) cut short by an interrupted sweep. */
    public static final String INTERRUPTED_REASON = "sweep interrupted before the trial ended";

    private final RunStatus runStatus;

    TrialStatus(RunStatus runStatus) {
        this.runStatus = runStatus;
    }

    /** The MLflow run status a trial with this status ends in. */
    public RunStatus runStatus() {
        return runStatus;
    }

    /** The tag and console value, e.g. {@code time-limited}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The status of an ended trial's run: its {@value #ClosecastTags.TRIAL_STATUS} tag, or for runs of sweeps older than the tag, from the
     * MLflow status and the stop reason.
     */
    public static TrialStatus of(Run run) {
        Map<String, String> tags = run.tags();
        String recorded = tags.get(ClosecastTags.TRIAL_STATUS);
        if (recorded != null) {
            for (TrialStatus s : values()) {
                if (s.key().equals(recorded)) {
                    return s;
                }
            }
        }
        String reason = tags.getOrDefault(ClosecastTags.STOP_REASON, "");
        return switch (run.info().status()) {
            case FINISHED -> FINISHED;
            case KILLED -> reason.equals(INTERRUPTED_REASON) ? INTERRUPTED
                    : reason.startsWith("time limit") ? TIME_LIMITED : PRUNED;
            default -> FAILED;
        };
    }

    @Override
    public String toString() {
        return key();
    }
}
