package io.closecast.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes daily prices in Yahoo's download layout: {@code Date,Open,High,Low,Close,Adj Close,Volume},
 * ISO dates. Reading finds the columns by their header names (any order, any case, a UTF-8 byte order mark and
 * other columns ignored); {@code Adj Close} may be missing, and is then taken equal to Close (the series says so, and
 * {@link PriceChecks} reports {@link FindingKind#MISSING_ADJ_CLOSE}). Empty, {@code null} and {@code NaN} cells read
 * as missing values (NaN) so that {@link PriceChecks} can report them; anything else that is not a number is an error
 * naming the line. Writing always writes {@link #HEADER}.
 */
public final class PriceCsv {

    /** The header line this class writes and expects. */
    public static final String HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";

    private static final PriceColumn[] COLUMNS = PriceColumn.values();

    private PriceCsv() {
    }

    /** Reads a file; the symbol is the file name without {@code .csv} (e.g. {@code PETR4.SA}). */
    public static PriceSeries read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException("price file not found: expected a CSV file at " + file.toAbsolutePath());
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, symbolOf(file), file.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read price file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads CSV text; {@code source} names it in error messages. */
    public static PriceSeries read(Reader reader, String symbol, String source) {
        List<PriceBar> bars = new ArrayList<>();
        try {
            BufferedReader lines = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
            String header = lines.readLine();
            if (header == null) {
                throw new ModelException("price file " + source + " is empty, expected the header " + HEADER);
            }
            Layout layout = Layout.of(header, source);
            String line;
            int lineNo = 1;
            while ((line = lines.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                bars.add(parse(line, lineNo, source, layout));
            }
            return new PriceSeries(symbol, source, bars, layout.index()[PriceColumn.ADJ_CLOSE.ordinal()] < 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses CSV text held in a string (tests, small inputs). */
    public static PriceSeries parse(String csv, String symbol) {
        return read(new StringReader(csv), symbol, "<text>");
    }

    /** Writes a series to a file atomically (a temporary file moved into place); creates parent folders. */
    public static void write(PriceSeries series, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    write(series, writer);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ModelException("cannot write price file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the header and one line per bar, in the series' order. */
    public static void write(PriceSeries series, Writer writer) throws IOException {
        writer.write(HEADER);
        writer.write('\n');
        StringBuilder line = new StringBuilder(96);
        for (PriceBar bar : series.bars()) {
            line.setLength(0);
            line.append(bar.date());
            for (PriceColumn c : COLUMNS) {
                line.append(',').append(format(bar.value(c), c == PriceColumn.VOLUME));
            }
            line.append('\n');
            writer.write(line.toString());
        }
    }

    /** The symbol a cache file holds: its name without {@code .csv}. */
    public static String symbolOf(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    }

    /** Where each column is: {@code index[column.ordinal()]}, -1 for a missing Adj Close; the Date column; the width. */
    private record Layout(int date, int[] index, int width) {
        static Layout of(String headerLine, String source) {
            String header = headerLine.startsWith("\uFEFF") ? headerLine.substring(1) : headerLine;
            String[] names = header.split(",", -1);
            int date = -1;
            int[] index = new int[COLUMNS.length];
            java.util.Arrays.fill(index, -1);
            for (int i = 0; i < names.length; i++) {
                String name = names[i].strip().replace("\"", "");
                if (name.equalsIgnoreCase("Date")) {
                    date = date < 0 ? i : duplicate(name, source, header);
                }
                for (PriceColumn c : COLUMNS) {
                    if (name.equalsIgnoreCase(c.header())) {
                        index[c.ordinal()] = index[c.ordinal()] < 0 ? i : duplicate(name, source, header);
                    }
                }
            }
            List<String> missing = new ArrayList<>();
            if (date < 0) {
                missing.add("Date");
            }
            for (PriceColumn c : COLUMNS) {
                if (index[c.ordinal()] < 0 && c != PriceColumn.ADJ_CLOSE) {
                    missing.add(c.header());
                }
            }
            if (!missing.isEmpty()) {
                throw new ModelException("price file " + source + " line 1: missing required column"
                        + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                        + " (expected the columns of " + HEADER + " in any order, Adj Close optional), found "
                        + header.strip());
            }
            return new Layout(date, index, names.length);
        }

        private static int duplicate(String name, String source, String header) {
            throw new ModelException("price file " + source + " line 1: column " + name + " appears twice in " + header.strip());
        }
    }

    private static PriceBar parse(String line, int lineNo, String source, Layout layout) {
        String[] cells = line.split(",", -1);
        if (cells.length != layout.width()) {
            throw new ModelException("price file " + source + " line " + lineNo + ": expected " + layout.width()
                    + " cells as in the header, found " + cells.length + ": " + line);
        }
        LocalDate date;
        try {
            date = LocalDate.parse(cells[layout.date()].strip());
        } catch (DateTimeParseException e) {
            throw new ModelException("price file " + source + " line " + lineNo
                    + ": Date must be an ISO date like 2024-01-02, found '" + cells[layout.date()] + "'");
        }
        double[] v = new double[COLUMNS.length];
        for (PriceColumn c : COLUMNS) {
            int at = layout.index()[c.ordinal()];
            v[c.ordinal()] = at < 0 ? Double.NaN : number(cells[at], c, lineNo, source);
        }
        int adj = PriceColumn.ADJ_CLOSE.ordinal();
        if (layout.index()[adj] < 0) {
            v[adj] = v[PriceColumn.CLOSE.ordinal()];
        }
        return new PriceBar(date, v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    private static double number(String cell, PriceColumn column, int lineNo, String source) {
        String s = cell.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("null") || s.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ModelException("price file " + source + " line " + lineNo + ": " + column.header()
                    + " must be a number (or empty/null when missing), found '" + cell + "'");
        }
    }

    private static String format(double value, boolean integral) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (integral && value == Math.rint(value) && Math.abs(value) < 9.0e15) {
            return Long.toString((long) value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
