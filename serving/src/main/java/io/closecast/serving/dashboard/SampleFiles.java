package io.closecast.serving.dashboard;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.VersionRef;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.closecast.model.prices.PriceFileException;
import io.closecast.model.prices.PriceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled price files the dashboard offers: every {@code *.csv} in one directory in the Yahoo daily layout
 * ({@code Date,Open,High,Low,Close,Adj Close,Volume}, ascending dates), read by the model's {@link PriceTable}; every
 * column that holds a decimal number on every row is offered. The symbol is the file name without
 * {@code .csv} ({@code PETR4.SA}). A missing directory means no samples; a file that does not parse is left out
 * with a logged reason. Files are re-read when they change.
 */
public final class SampleFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SampleFiles.class);

    /**
     * One file's daily series.
     *
     * @param symbol  the file name without {@code .csv}
     * @param dates   trading days, ascending
     * @param columns every numeric column by header name (e.g. {@code Close}, {@code Adj Close}), aligned with dates
     */
    public record Series(String symbol, List<LocalDate> dates, Map<String, double[]> columns) {
        public Series {
            VersionRef.requireText(symbol, "symbol");
            dates = List.copyOf(dates);
            columns = Map.copyOf(columns);
            if (dates.isEmpty()) {
                throw new ServingException("sample " + symbol + ": expected at least one row, found none");
            }
        }

        public int rows() {
            return dates.size();
        }
    }

    private record Cached(FileTime modified, long size, Optional<Series> series) {
    }

    private final Path dir;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private SampleFiles(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public static SampleFiles create(Path dir) {
        return new SampleFiles(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Every readable sample, by symbol in name order; empty when the directory does not exist. */
    public List<Series> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.csv")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            LOG.warn("Cannot list samples in {}: {}", dir, e.toString());
            return List.of();
        }
        files.sort(null);
        List<Series> out = new ArrayList<>(files.size());
        for (Path f : files) {
            load(f).ifPresent(out::add);
        }
        return out;
    }

    /** One sample by symbol. */
    public Optional<Series> find(String symbol) {
        for (Series s : list()) {
            if (s.symbol().equals(symbol)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private Optional<Series> load(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Cached c = cache.get(file);
            if (c != null && c.modified().equals(modified) && c.size() == size) {
                return c.series();
            }
            Optional<Series> series;
            try {
                series = Optional.of(parse(file));
            } catch (ServingException | PriceFileException e) {
                LOG.warn("Sample {} left out: {}", file, e.getMessage());
                series = Optional.empty();
            }
            cache.put(file, new Cached(modified, size, series));
            return series;
        } catch (IOException e) {
            LOG.warn("Sample {} left out: {}", file, e.toString());
            return Optional.empty();
        }
    }

    static Series parse(Path file) throws IOException {
        String name = file.getFileName().toString();
        String symbol = name.substring(0, name.length() - ".csv".length());
        PriceTable table;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            table = PriceTable.read(reader, file.toString(), "Date and Close");
        }
        int dateCol = table.column("Date").orElseThrow(() -> new ServingException(
                file + " line 1: expected a Date column, found " + table.headerLine()));
        List<LocalDate> dates = new ArrayList<>(table.rows());
        for (int r = 0; r < table.rows(); r++) {
            LocalDate d = table.date(r, dateCol);
            if (!dates.isEmpty() && !d.isAfter(dates.getLast())) {
                throw new ServingException(file + " line " + table.line(r) + ": expected a date after " + dates.getLast() + ", found " + d);
            }
            dates.add(d);
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        List<String> header = table.header();
        for (int c = 0; c < header.size(); c++) {
            if (c != dateCol && table.isNumeric(c)) {
                double[] col = new double[table.rows()];
                for (int r = 0; r < col.length; r++) {
                    col[r] = table.number(r, c);
                }
                columns.put(header.get(c), col);
            }
        }
        if (!columns.containsKey("Close")) {
            throw new ServingException(file + ": expected a numeric Close column, found columns " + String.join(",", header));
        }
        return new Series(symbol, dates, columns);
    }
}
