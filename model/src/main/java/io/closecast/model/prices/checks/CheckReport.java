package io.closecast.model.prices.checks;

import io.closecast.model.prices.PriceSeries;

import java.util.List;
import java.util.Objects;

/** What {@link PriceChecks#run} found in a series, in the order of {@link FindingKind} then date. */
public record CheckReport(PriceSeries series, CheckConfig config, List<Finding> findings) {

    public CheckReport {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(config, "config");
        findings = List.copyOf(findings);
    }

    public boolean isClean() {
        return findings.isEmpty();
    }

    public List<Finding> findings(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }
}
