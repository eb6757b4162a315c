package io.closecast.model.prices;

import io.closecast.model.ModelException;

import java.util.Optional;

/**
 * A price file that does not read: which file, which line (1 is the header; 0 the whole file), which column when
 * one cell is at fault, what was expected and what was found. Its own type because callers report it differently:
 * the command line prints the message, the service names the request field ({@code csv line 7 Close}).
 */
public final class PriceFileException extends ModelException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String column;
    private final String expected;
    private final String found;

    PriceFileException(String message, String source, int line, String column, String expected, String found) {
        super(message);
        this.source = source;
        this.line = line;
        this.column = column;
        this.expected = expected;
        this.found = found;
    }

    /** One cell: "price file SOURCE line N: COLUMN must be EXPECTED, found 'VALUE'". */
    static PriceFileException cell(String source, int line, String column, String expected, String found) {
        return new PriceFileException("price file " + source + " line " + line + ": " + column + " must be " + expected
                + ", found '" + found + "'", source, line, column, expected, found);
    }

    /** A whole line or the whole file (line 0): "price file SOURCE line N: DETAIL". */
    static PriceFileException line(String source, int line, String detail, String expected, String found) {
        return new PriceFileException("price file " + source + (line > 0 ? " line " + line + ": " : " ") + detail,
                source, line, null, expected, found);
    }

    /**
     * The file, or {@code <text>} for text read from memory, or the request body's name.
     *
     * @return where the text came from
     */
    public String source() {
        return source;
    }

    /**
     * The 1-based line at fault (1 = the header), or 0 when the whole file is (an empty file).
     *
     * @return the line number; 0 for the whole file
     */
    public int line() {
        return line;
    }

    /**
     * The column of the cell at fault, by its header name, when one cell is.
     *
     * @return the column's header name; empty when a whole line or the file is at fault
     */
    public Optional<String> column() {
        return Optional.ofNullable(column);
    }

    /**
     * What was expected, e.g. {@code a decimal number}.
     *
     * @return the expectation in words
     */
    public String expected() {
        return expected;
    }

    /**
     * What was found (the cell's text, a cell count, the header line).
     *
     * @return the text found
     */
    public String found() {
        return found;
    }
}
