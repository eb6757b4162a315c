package io.closecast.model.prices.checks;

import io.closecast.model.ModelException;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to do with each {@link FindingKind}: FAIL, DROP or WARN. The defaults ({@link FindingKind#defaultAction()}):
 * duplicates, unsorted rows and non-positive prices FAIL; missing values, Close outside [Low, High] and
 * zero-volume rows are DROPped; repeated prices, calendar gaps and large moves are WARNings.
 *
 * @param actions the action per kind; kinds left out take their default, so an empty map is the default policy
 */
public record CheckPolicy(Map<FindingKind, CheckAction> actions) {

    public CheckPolicy {
        EnumMap<FindingKind, CheckAction> all = new EnumMap<>(FindingKind.class);
        for (FindingKind kind : FindingKind.values()) {
            all.put(kind, kind.defaultAction());
        }
        for (Map.Entry<FindingKind, CheckAction> e : actions.entrySet()) {
            FindingKind kind = Objects.requireNonNull(e.getKey(), "finding kind");
            CheckAction action = Objects.requireNonNull(e.getValue(), "action for " + kind);
            if (!kind.allowedActions().contains(action)) {
                throw new ModelException("checks.policy." + kind + " must be one of " + kind.allowedActions()
                        + ", found " + action);
            }
            all.put(kind, action);
        }
        actions = java.util.Collections.unmodifiableMap(all);
    }

    /**
     * The policy of every kind's {@link FindingKind#defaultAction()}.
     *
     * @return the default policy
     */
    public static CheckPolicy defaults() {
        return new CheckPolicy(Map.of());
    }

    /**
     * This policy with one kind's action changed.
     *
     * @param kind the finding kind
     * @param action what to do with it; one of {@link FindingKind#allowedActions()}
     * @return a copy with only that kind's action changed
     * @throws ModelException when the kind does not allow the action
     */
    public CheckPolicy with(FindingKind kind, CheckAction action) {
        Map<FindingKind, CheckAction> changed = new EnumMap<>(actions);
        changed.put(kind, action);
        return new CheckPolicy(changed);
    }

    /**
     * The action this policy takes on a kind.
     *
     * @param kind the finding kind
     * @return its action, never null
     */
    public CheckAction action(FindingKind kind) {
        return actions.get(kind);
    }

    /**
     * Applies the policy: rows of DROP findings are removed (each with its reasons), the rest is sorted by
     * date. The result says which findings FAIL; {@link Result#requireNoFailures()} turns them into an error.
     *
     * @param report what the checks found in a series
     * @return the cleaned series with the dropped rows, warnings and failures
     */
    public Result apply(CheckReport report) {
        List<Finding> failures = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        Map<Integer, List<Finding>> dropping = new TreeMap<>();
        for (Finding f : report.findings()) {
            switch (action(f.kind())) {
                case FAIL -> failures.add(f);
                case WARN -> warnings.add(f);
                case DROP -> {
                    for (int row : f.rows()) {
                        dropping.computeIfAbsent(row, r -> new ArrayList<>()).add(f);
                    }
                }
            }
        }
        PriceSeries series = report.series();
        List<DroppedRow> dropped = new ArrayList<>();
        for (Map.Entry<Integer, List<Finding>> e : dropping.entrySet()) {
            List<Finding> why = e.getValue();
            Map<FindingKind, String> reasons = new LinkedHashMap<>();
            for (Finding f : why) {
                reasons.putIfAbsent(f.kind(), f.kind() + ": " + f.detail());
            }
            dropped.add(new DroppedRow(series.bar(e.getKey()).date(), e.getKey(), List.copyOf(reasons.keySet()),
                    String.join("; ", reasons.values())));
        }
        List<PriceBar> kept = new ArrayList<>(series.size() - dropped.size());
        for (int i = 0; i < series.size(); i++) {
            if (!dropping.containsKey(i)) {
                kept.add(series.bar(i));
            }
        }
        kept.sort(Comparator.comparing(PriceBar::date));
        dropped.sort(Comparator.comparing(DroppedRow::date));
        return new Result(series.withBars(kept), dropped, warnings, failures);
    }

    /**
     * The cleaned series, the rows dropped with their reasons, and the findings that warn or fail.
     *
     * @param cleaned the series without the dropped rows, sorted by date
     * @param dropped the rows removed, by date, each with its reasons
     * @param warnings the findings whose action is WARN
     * @param failures the findings whose action is FAIL; empty when the series passes
     */
    public record Result(PriceSeries cleaned, List<DroppedRow> dropped, List<Finding> warnings, List<Finding> failures) {

        public Result {
            Objects.requireNonNull(cleaned, "cleaned");
            dropped = List.copyOf(dropped);
            warnings = List.copyOf(warnings);
            failures = List.copyOf(failures);
        }

        /**
         * Whether a finding fails under the policy.
         *
         * @return true when {@link #failures()} is not empty
         */
        public boolean failed() {
            return !failures.isEmpty();
        }

        /**
         * The cleaned series, or an error listing (up to five of) the findings that FAIL under the policy.
         *
         * @return the cleaned series
         * @throws ModelException listing up to five failing findings when there is any
         */
        public PriceSeries requireNoFailures() {
            if (failures.isEmpty()) {
                return cleaned;
            }
            StringBuilder msg = new StringBuilder("price data ").append(cleaned.source()).append(" fails its checks (")
                    .append(failures.size()).append(" finding(s) whose policy is FAIL): ");
            for (int i = 0; i < Math.min(5, failures.size()); i++) {
                msg.append(i == 0 ? "" : "; ").append(failures.get(i));
            }
            if (failures.size() > 5) {
                msg.append("; ...");
            }
            throw new ModelException(msg.toString());
        }
    }
}
