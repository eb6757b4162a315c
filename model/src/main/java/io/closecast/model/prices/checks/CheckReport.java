package io.closecast.model.prices.checks;

import io.closecast.model.prices.PriceSeries;

import java.util.List;
import java.util.Objects;

/**
 * What {@link PriceChecks#run} found in a series, in the order of {@link FindingKind} then date.
 *
 * @param series the series checked, as read
 * @param config the thresholds used
 * @param findings everything found; empty for a clean series
 */
public record CheckReport(PriceSeries series, CheckConfig config, List<Finding> findings) {

    public CheckReport {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(config, "config");
        findings = List.copyOf(findings);
    }

    /**
     * Whether the checks found nothing.
     *
     * @return true when there is no finding
     */
    public boolean isClean() {
        return findings.isEmpty();
    }

    /**
     * The findings of one kind.
     *
     * @param kind the kind wanted
     * @return its findings by date; empty when there are none
     */
    public List<Finding> findings(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }
}
