package io.closecast.model.dataset;

import io.closecast.model.prices.PriceColumn;

/** The price column a model forecasts. Train on one consistently and record which (Adj Close is back-adjusted). */
public enum Target {
    CLOSE(PriceColumn.CLOSE),
    ADJ_CLOSE(PriceColumn.ADJ_CLOSE);

    private final PriceColumn column;

    Target(PriceColumn column) {
        this.column = column;
    }

    /**
     * The column this target reads.
     *
     * @return the price column
     */
    public PriceColumn column() {
        return column;
    }
}
