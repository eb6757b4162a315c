package io.closecast.serving.models;

import io.closecast.serving.ServingException;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.closecast.model.risk.CalibrationRecord;

/**
 * What a loaded model version is.
 *
 * @param name         registered model name
 * @param version      registry version
 * @param runId        MLflow run id
 * @param alias        the alias it was resolved through (e.g. {@code production})
 * @param trainedFrom  first day of the training data
 * @param trainedTo    last day of the training data
 * @param windowLength how many past prices one forecast needs (&gt; 0)
 * @param maxHorizon   the largest horizon it forecasts (&gt; 0)
 * @param features     input columns, the first is the price column the model was trained on (e.g. {@code Close})
 * @param testMetrics  test-set metrics from the training run (e.g. {@code test_mae}, {@code naive_test_mae})
 * @param loadedAt     when this process loaded it
 * @param symbol       the symbol whose prices it was trained on (e.g. {@code MSFT}); empty when the bundle does not say
 * @param calibration  the out-of-sample interval test results recorded on the version (training's test period, the
 *                     latest {@code closecast evaluate}); none recorded: no period
 */
public record ModelInfo(String name,
                        String version,
                        String runId,
                        String alias,
                        LocalDate trainedFrom,
                        LocalDate trainedTo,
                        int windowLength,
                        int maxHorizon,
                        List<String> features,
                        Map<String, Double> testMetrics,
                        Instant loadedAt,
                        String symbol,
                        CalibrationRecord calibration) {

    public ModelInfo {
        VersionRef.requireText(name, "name");
        VersionRef.requireText(version, "version");
        VersionRef.requireText(runId, "runId");
        VersionRef.requireText(alias, "alias");
        Objects.requireNonNull(trainedFrom, "trainedFrom");
        Objects.requireNonNull(trainedTo, "trainedTo");
        Objects.requireNonNull(loadedAt, "loadedAt");
        if (windowLength <= 0) {
            throw new ServingException("windowLength must be > 0, found " + windowLength + " (model " + name + " v" + version + ")");
        }
        if (maxHorizon <= 0) {
            throw new ServingException("maxHorizon must be > 0, found " + maxHorizon + " (model " + name + " v" + version + ")");
        }
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new ServingException("features must name at least the price column, found [] (model " + name + " v" + version + ")");
        }
        testMetrics = Map.copyOf(testMetrics);
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(calibration, "calibration");
    }

    /** A version without recorded calibration results. */
    public ModelInfo(String name, String version, String runId, String alias, LocalDate trainedFrom, LocalDate trainedTo,
                     int windowLength, int maxHorizon, List<String> features, Map<String, Double> testMetrics,
                     Instant loadedAt, String symbol) {
        this(name, version, runId, alias, trainedFrom, trainedTo, windowLength, maxHorizon, features, testMetrics, loadedAt,
                symbol, new CalibrationRecord(List.of()));
    }

    /** A version whose training symbol is not known. */
    public ModelInfo(String name, String version, String runId, String alias, LocalDate trainedFrom, LocalDate trainedTo,
                     int windowLength, int maxHorizon, List<String> features, Map<String, Double> testMetrics,
                     Instant loadedAt) {
        this(name, version, runId, alias, trainedFrom, trainedTo, windowLength, maxHorizon, features, testMetrics, loadedAt, "");
    }

    /** The registry coordinates of this version. */
    public VersionRef ref() {
        return new VersionRef(name, version, runId);
    }

    /** The price column the model reads, the first feature (e.g. {@code Close} or {@code Adj Close}). */
    public String priceColumn() {
        return features.getFirst();
    }
}
