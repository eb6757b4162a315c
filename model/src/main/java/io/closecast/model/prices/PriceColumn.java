package io.closecast.model.prices;

/** The columns of a daily price file, with their header names in Yahoo's download layout. */
public enum PriceColumn {
    OPEN("Open"),
    HIGH("High"),
    LOW("Low"),
    CLOSE("Close"),
    ADJ_CLOSE("Adj Close"),
    VOLUME("Volume");

    private final String header;

    PriceColumn(String header) {
        this.header = header;
    }

    /**
     * The column's name in a CSV header, e.g. {@code Adj Close}.
     *
     * @return the header name as Yahoo's CSV spells it
     */
    public String header() {
        return header;
    }
}
