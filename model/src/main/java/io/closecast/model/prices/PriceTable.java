package io.closecast.model.prices;

import io.closecast.model.Csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The one reader of daily price files in Yahoo's download layout ({@code Date,Open,High,Low,Close,Adj Close,Volume}),
 * shared by the pipeline ({@link PriceCsv}: every OHLCV column) and the service (a request body or a sample file:
 * {@code Date} and one price column). It reads the text: a header (a UTF-8 byte order mark, blank lines before it
 * and quotes around names ignored) and rows of as many cells as the header (blank lines skipped, cells split as
 * RFC 4180 says by {@link Csv#fields(String)}, so a quoted cell may hold a comma); columns are found by header name in any order and any case, and other columns are ignored. Cells
 * are parsed on request, so a reader that needs one column never fails on another. Every error is a
 * {@link PriceFileException} naming the file, the line, the column and the value.
 */
public final class PriceTable {

    /** The latest date accepted: later ones (ISO allows +999999999-12-31) would overflow date arithmetic. */
    public static final LocalDate LATEST = LocalDate.of(9999, 12, 31);

    /** A plain decimal number: no hexadecimal, no {@code f}/{@code d} suffix, no {@code Infinity} or {@code NaN}. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String source;
    private final String headerLine;
    private final String[] header;
    private final List<String[]> rows;
    private final int[] lines;

    private PriceTable(String source, String headerLine, String[] header, List<String[]> rows, int[] lines) {
        this.source = source;
        this.headerLine = headerLine;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
    }

    /**
     * Reads CSV text; {@code source} names it in error messages. {@code expectedHeader} says in the error for an
     * empty text what its first line should have been.
     *
     * @param reader the CSV text, header first; not closed
     * @param source names the text in error messages, e.g. a file path
     * @param expectedHeader the header line the caller wants, quoted in the error for an empty text
     * @return the header and every non-blank row, cells stripped
     * @throws PriceFileException when the text is empty or a row has a different number of cells than the header
     */
    public static PriceTable read(Reader reader, String source, String expectedHeader) {
        try {
            BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
            String first = in.readLine();
            int lineNo = 1;
            while (first != null && first.replace("\uFEFF", "").isBlank()) {
                first = in.readLine();
                lineNo++;
            }
            if (first == null) {
                throw PriceFileException.line(source, 0, "is empty, expected the header " + expectedHeader,
                        "a header line with " + expectedHeader, "an empty file");
            }
            String headerLine = (first.startsWith("\uFEFF") ? first.substring(1) : first).strip();
            String[] header = cells(headerLine);
            int headerAt = lineNo;
            List<String[]> rows = new ArrayList<>();
            List<Integer> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = cells(line);
                if (cells.length != header.length) {
                    throw PriceFileException.line(source, lineNo, "expected " + header.length
                                    + " cells as in the header, found " + cells.length + ": " + line,
                            header.length + " cells like the header", Integer.toString(cells.length));
                }
                rows.add(cells);
                lines.add(lineNo);
            }
            int[] at = new int[lines.size() + 1];
            at[0] = headerAt;
            for (int i = 0; i < lines.size(); i++) {
                at[i + 1] = lines.get(i);
            }
            return new PriceTable(source, headerLine, header, rows, at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads CSV text held in a string.
     *
     * @param csv the CSV text, header first
     * @param source names the text in error messages
     * @param expectedHeader the header line the caller wants, quoted in the error for an empty text
     * @return the header and every non-blank row
     * @throws PriceFileException as {@link #read} does
     */
    public static PriceTable parse(String csv, String source, String expectedHeader) {
        return read(new StringReader(csv), source, expectedHeader);
    }

    /**
     * Where the text came from.
     *
     * @return the name given to {@link #read}
     */
    public String source() {
        return source;
    }

    /**
     * The header line as found (without a byte order mark), for error messages.
     *
     * @return the first line
     */
    public String headerLine() {
        return headerLine;
    }

    /**
     * The column names as in the header, quotes and surrounding spaces removed.
     *
     * @return the names in column order
     */
    public List<String> header() {
        return List.of(header);
    }

    /**
     * Where the column named {@code name} is (case-insensitive), or empty when there is none.
     *
     * @param name a column name, e.g. {@code Adj Close}
     * @return its 0-based index; empty when the header lacks it
     * @throws PriceFileException when the header names it twice
     */
    public OptionalInt column(String name) {
        int found = -1;
        for (int i = 0; i < header.length; i++) {
            if (header[i].equalsIgnoreCase(name)) {
                if (found >= 0) {
                    throw PriceFileException.line(source, lines[0], "column " + header[i] + " appears twice in " + headerLine,
                            "each column once", headerLine);
                }
                found = i;
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /**
     * The number of rows (lines after the header that are not blank).
     *
     * @return data rows; 0 for a header-only file
     */
    public int rows() {
        return rows.size();
    }

    /**
     * The 1-based line of a row in the file.
     *
     * @param row the row, 0-based
     * @return its line in the text (the header is line 1)
     */
    public int line(int row) {
        return lines[row + 1];
    }

    /**
     * One cell's text, stripped, quotes removed.
     *
     * @param row the row, 0-based
     * @param column the column, 0-based
     * @return the text; empty for an empty cell
     */
    public String cell(int row, int column) {
        return rows.get(row)[column];
    }

    /**
     * A cell holding an ISO date ({@code 2024-01-02}) up to {@link #LATEST}.
     *
     * @param row the row, 0-based
     * @param column the column, 0-based
     * @return the date
     * @throws PriceFileException naming the line and column when the cell is not such a date
     */
    public LocalDate date(int row, int column) {
        String text = cell(row, column);
        try {
            LocalDate date = LocalDate.parse(text);
            if (!date.isAfter(LATEST)) {
                return date;
            }
        } catch (DateTimeParseException e) {
            // below
        }
        throw PriceFileException.cell(source, line(row), header[column], "an ISO date like 2024-01-02", text);
    }

    /**
     * A cell holding a finite decimal number.
     *
     * @param row the row, 0-based
     * @param column the column, 0-based
     * @return the number
     * @throws PriceFileException naming the line and column when the cell is not a finite decimal
     */
    public double number(int row, int column) {
        String text = cell(row, column);
        double v = decimal(text);
        if (Double.isNaN(v)) {
            throw PriceFileException.cell(source, line(row), header[column], "a decimal number", text);
        }
        return v;
    }

    /**
     * A cell holding a finite decimal number, or a missing value ({@code NaN}) for an empty, {@code null} or {@code
     * NaN} cell.
     *
     * @param row the row, 0-based
     * @param column the column, 0-based
     * @return the number, or NaN for a missing value
     * @throws PriceFileException naming the line and column when the cell is neither
     */
    public double numberOrMissing(int row, int column) {
        String text = cell(row, column);
        if (text.isEmpty() || text.equalsIgnoreCase("null") || text.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        double v = decimal(text);
        if (Double.isNaN(v)) {
            throw PriceFileException.cell(source, line(row), header[column], "a number (or empty/null when missing)", text);
        }
        return v;
    }

    /**
     * True when every row holds a finite decimal number in this column.
     *
     * @param column the column, 0-based
     * @return true when no row's cell in it is missing or non-numeric (also with no rows)
     */
    public boolean isNumeric(int column) {
        for (int r = 0; r < rows.size(); r++) {
            if (Double.isNaN(decimal(cell(r, column)))) {
                return false;
            }
        }
        return true;
    }

    /** The value of a finite decimal number, else NaN. */
    private static double decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(text);
        return Double.isInfinite(v) ? Double.NaN : v;
    }

    private static String[] cells(String line) {
        List<String> fields = Csv.fields(line);
        String[] c = new String[fields.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = fields.get(i).strip();
        }
        return c;
    }
}
