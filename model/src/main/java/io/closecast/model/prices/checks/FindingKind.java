package io.closecast.model.prices.checks;

import java.util.EnumSet;
import java.util.Set;

/** What {@link PriceChecks} can find in a price series, and which {@link CheckAction}s make sense for each. */
public enum FindingKind {
    /** A date that appears more than once; the later rows are the finding's rows. */
    DUPLICATE_DATE(CheckAction.FAIL, EnumSet.of(CheckAction.FAIL, CheckAction.DROP)),
    /** A row dated before the row above it. WARN sorts the series; there is nothing to drop. */
    UNSORTED(CheckAction.FAIL, EnumSet.of(CheckAction.FAIL, CheckAction.WARN)),
    /** A missing (empty, null, NaN) value. */
    MISSING_VALUE(CheckAction.DROP, EnumSet.of(CheckAction.FAIL, CheckAction.DROP)),
    /** An Open, High, Low, Close or Adj Close at or below zero, or a negative volume. */
    NON_POSITIVE_PRICE(CheckAction.FAIL, EnumSet.of(CheckAction.FAIL, CheckAction.DROP)),
    /** Close outside [Low, High]. */
    CLOSE_OUTSIDE_RANGE(CheckAction.DROP, EnumSet.allOf(CheckAction.class)),
    /** A day with zero volume (on Yahoo usually a non-trading day posted as a flat row). */
    ZERO_VOLUME(CheckAction.DROP, EnumSet.allOf(CheckAction.class)),
    /** A run of identical closes at least {@code minRepeatedRun} long (stale data); DROP keeps the run's first row. */
    REPEATED_PRICES(CheckAction.WARN, EnumSet.allOf(CheckAction.class)),
    /** More calendar days between two rows than {@code maxGapDays}. */
    CALENDAR_GAP(CheckAction.WARN, EnumSet.of(CheckAction.FAIL, CheckAction.WARN)),
    /** A close-to-close move larger than {@code maxMove} (as a fraction). */
    LARGE_MOVE(CheckAction.WARN, EnumSet.of(CheckAction.FAIL, CheckAction.WARN)),
    /** The file has no Adj Close column: Adj Close was set equal to Close for every row (no rows to drop). */
    MISSING_ADJ_CLOSE(CheckAction.WARN, EnumSet.of(CheckAction.FAIL, CheckAction.WARN));

    private final CheckAction defaultAction;
    private final Set<CheckAction> allowed;

    FindingKind(CheckAction defaultAction, Set<CheckAction> allowed) {
        this.defaultAction = defaultAction;
        this.allowed = Set.copyOf(allowed);
    }

    /**
     * The action {@link CheckPolicy#defaults()} takes.
     *
     * @return FAIL, DROP or WARN
     */
    public CheckAction defaultAction() {
        return defaultAction;
    }

    /**
     * The actions a policy may choose for this kind.
     *
     * @return the allowed actions, never empty
     */
    public Set<CheckAction> allowedActions() {
        return allowed;
    }
}
