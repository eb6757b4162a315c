package io.closecast.model.prices;

import io.closecast.model.ModelException;
import io.closecast.model.prices.checks.FindingKind;
import io.closecast.model.prices.checks.PriceChecks;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Reads and writes daily prices in Yahoo's download layout: {@code Date,Open,High,Low,Close,Adj Close,Volume},
 * ISO dates. Reading goes through {@link PriceTable}, the one reader of price files: columns by their header names
 * (any order, any case, a UTF-8 byte order mark and other columns ignored); {@code Adj Close} may be missing, and is
 * then taken equal to Close (the series says so, and {@link PriceChecks} reports {@link FindingKind#MISSING_ADJ_CLOSE}). Empty, {@code null} and {@code NaN} cells read
 * as missing values (NaN) so that {@link PriceChecks} can report them; anything else that is not a decimal number is
 * a {@link PriceFileException} naming the line, the column and the value. Writing always writes {@link #HEADER}.
 */
public final class PriceCsv {

    /** The header line this class writes and expects. */
    public static final String HEADER = "Date,Open,High,Low,Close,Adj Close,Volume";

    private static final PriceColumn[] COLUMNS = PriceColumn.values();

    private PriceCsv() {
    }

    /**
     * Reads a file; the symbol is the file name without {@code .csv} (e.g. {@code PETR4.SA}).
     *
     * @param file a CSV file with {@link #HEADER}'s columns
     * @return the bars in file order, with the file as their source
     * @throws PriceFileException naming the line and column of the first cell that is not what the header says
     * @throws ModelException when the file is missing or cannot be read
     */
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

    /**
     * Reads CSV text; {@code source} names it in error messages.
     *
     * @param reader the CSV text; not closed
     * @param symbol the symbol the bars are of, e.g. {@code MSFT}
     * @param source names the text in error messages, e.g. a file path
     * @return the bars in text order
     * @throws PriceFileException naming the line and column of the first cell that is not what the header says
     */
    public static PriceSeries read(Reader reader, String symbol, String source) {
        PriceTable table = PriceTable.read(reader, source, HEADER);
        OptionalInt date = table.column("Date");
        int[] index = new int[COLUMNS.length];
        List<String> missing = new ArrayList<>();
        if (date.isEmpty()) {
            missing.add("Date");
        }
        for (PriceColumn c : COLUMNS) {
            index[c.ordinal()] = table.column(c.header()).orElse(-1);
            if (index[c.ordinal()] < 0 && c != PriceColumn.ADJ_CLOSE) {
                missing.add(c.header());
            }
        }
        if (!missing.isEmpty()) {
            throw new PriceFileException("price file " + source + " line 1: missing required column"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " (expected the columns of " + HEADER + " in any order, Adj Close optional), found "
                    + table.headerLine(), source, 1, null, "the columns of " + HEADER, table.headerLine());
        }
        boolean adjFromClose = index[PriceColumn.ADJ_CLOSE.ordinal()] < 0;
        List<PriceBar> bars = new ArrayList<>(table.rows());
        double[] v = new double[COLUMNS.length];
        for (int r = 0; r < table.rows(); r++) {
            LocalDate day = table.date(r, date.getAsInt());
            for (PriceColumn c : COLUMNS) {
                int at = index[c.ordinal()];
                v[c.ordinal()] = at < 0 ? Double.NaN : table.numberOrMissing(r, at);
            }
            if (adjFromClose) {
                v[PriceColumn.ADJ_CLOSE.ordinal()] = v[PriceColumn.CLOSE.ordinal()];
            }
            bars.add(new PriceBar(day, v[0], v[1], v[2], v[3], v[4], v[5]));
        }
        return new PriceSeries(symbol, source, bars, adjFromClose);
    }

    /**
     * Parses CSV text held in a string (tests, small inputs).
     *
     * @param csv the CSV text, header first
     * @param symbol the symbol the bars are of
     * @return the bars in text order, source {@code <text>}
     * @throws PriceFileException naming the line and column of the first bad cell
     */
    public static PriceSeries parse(String csv, String symbol) {
        return read(new StringReader(csv), symbol, "<text>");
    }

    /**
     * Writes a series to a file atomically (a temporary file moved into place); creates parent folders.
     *
     * @param series the bars to write, in their order
     * @param file the file, replaced when it exists
     * @throws ModelException when it cannot be written
     */
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

    /**
     * Writes the header and one line per bar, in the series' order.
     *
     * @param series the bars to write, in their order
     * @param writer where to write; not closed
     * @throws IOException when the writer fails
     */
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

    /**
     * The symbol a cache file holds: its name without {@code .csv}.
     *
     * @param file a price file, e.g. {@code data/MSFT.csv}
     * @return its file name without {@code .csv} (any case), e.g. {@code MSFT}
     */
    public static String symbolOf(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
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
