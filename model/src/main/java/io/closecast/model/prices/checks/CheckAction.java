package io.closecast.model.prices.checks;

/** What a {@link CheckPolicy} does with a finding. */
public enum CheckAction {
    /** The series is unusable: stop. */
    FAIL,
    /** Remove the finding's rows and record them as dropped. */
    DROP,
    /** Keep the rows and report the finding. */
    WARN
}
