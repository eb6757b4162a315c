package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.ModelJson;
import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a dataset input of an MLflow run needs: a name, a digest, a source, a schema and a profile.
 * {@code sha256} is the SHA-256 of the rows used, written in the CSV layout of {@link PriceCsv};
 * {@code digest} is its first 32 hex characters (MLflow keeps at most 36). {@code source} is JSON
 * ({@code {"uri": ...}}), {@code schema} is MLflow's column spec JSON, {@code profile} holds row count and dates.
 *
 * @param name the dataset's name: the series' symbol
 * @param digest the first 32 hex characters of {@code sha256}
 * @param sha256 SHA-256 of the rows used, 64 hex characters
 * @param sourceType {@code http} for a URL source, else {@code local}
 * @param source JSON {@code {"uri": ...}}
 * @param schema MLflow's column spec JSON of the price columns
 * @param profile JSON with the row count, first and last dates, dropped rows and the SHA-256
 * @param rows rows used
 * @param range the first and last dates of the rows used
 */
public record DatasetInfo(String name, String digest, String sha256, String sourceType, String source, String schema,
                          String profile, int rows, DateRange range) {

    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(sourceType, "sourceType");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(range, "range");
    }

    /**
     * Describes the rows of {@code used} (sorted, cleaned); {@code dropped} counts the rows the checks removed.
     *
     * @param used the rows used, sorted and cleaned; not empty
     * @param dropped rows the checks removed, >= 0
     * @return the description MLflow logs as the run's dataset input
     */
    public static DatasetInfo create(PriceSeries used, int dropped) {
        String sha = sha256(used);
        ObjectNode source = ModelJson.MAPPER.createObjectNode().put("uri", used.source());
        ObjectNode schema = ModelJson.MAPPER.createObjectNode();
        ArrayNode cols = schema.putArray("mlflow_colspec");
        cols.addObject().put("type", "string").put("name", "Date").put("required", true);
        for (PriceColumn c : PriceColumn.values()) {
            cols.addObject().put("type", "double").put("name", c.header()).put("required", true);
        }
        DateRange range = DateRange.create(used.firstDate(), used.lastDate());
        ObjectNode profile = ModelJson.MAPPER.createObjectNode()
                .put("num_rows", used.size())
                .put("num_elements", used.size() * 7L)
                .put("first_date", range.from().toString())
                .put("last_date", range.to().toString())
                .put("dropped_rows", dropped)
                .put("sha256", sha);
        String sourceType = used.source().startsWith("http://") || used.source().startsWith("https://") ? "http" : "local";
        return new DatasetInfo(used.symbol(), sha.substring(0, 32), sha, sourceType, compact(source), compact(schema),
                compact(profile), used.size(), range);
    }

    /**
     * SHA-256 (hex) of the series written as CSV by {@link PriceCsv}, header included.
     *
     * @param series the bars to hash, in their order
     * @return 64 lower-case hex digits
     */
    public static String sha256(PriceSeries series) {
        StringWriter text = new StringWriter(series.size() * 80);
        try {
            PriceCsv.write(series, text);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ModelException("cannot compute the SHA-256 of " + series.source() + ": " + e.getMessage(), e);
        }
    }

    private static String compact(ObjectNode node) {
        return node.toString();
    }
}
