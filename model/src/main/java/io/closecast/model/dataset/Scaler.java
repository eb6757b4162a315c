package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.ModelJson;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A per-feature affine scaler, {@code scaled = (x - offset) / scale}, fitted on training rows only.
 * MIN_MAX: offset = min, scale = max - min. STANDARD: offset = mean, scale = population sd.
 * A constant feature gets scale 1. Saved with the model as JSON ({@link #toJson()} / {@link #fromJson}).
 *
 * @param kind how it was fitted: MIN_MAX or STANDARD
 * @param features the features' names, in input order
 * @param offset per feature: the min (MIN_MAX) or mean (STANDARD), finite
 * @param scale per feature: max - min (MIN_MAX) or the population sd (STANDARD), > 0; 1 for a constant feature
 */
public record Scaler(ScalerKind kind, List<String> features, double[] offset, double[] scale) {

    public Scaler {
        Objects.requireNonNull(kind, "kind");
        features = List.copyOf(features);
        offset = offset.clone();
        scale = scale.clone();
        if (offset.length != features.size() || scale.length != features.size()) {
            throw new ModelException("scaler must have one offset and one scale per feature (" + features.size()
                    + "), found " + offset.length + " offsets and " + scale.length + " scales");
        }
        for (int k = 0; k < scale.length; k++) {
            if (!Double.isFinite(offset[k]) || !Double.isFinite(scale[k]) || scale[k] <= 0) {
                throw new ModelException("scaler feature " + features.get(k) + " must have a finite offset and a scale > 0, found offset "
                        + offset[k] + " scale " + scale[k]);
            }
        }
    }

    /**
     * Fits on rows {@code [from, to)} of {@code rows[row][feature]}.
     *
     * @param kind MIN_MAX or STANDARD
     * @param features the features' names, one per column of {@code rows}
     * @param rows the unscaled values {@code [row][feature]}
     * @param from the first training row
     * @param to one past the last training row
     * @return the fitted scaler
     * @throws ModelException when {@code [from, to)} holds no row
     */
    public static Scaler fit(ScalerKind kind, List<String> features, double[][] rows, int from, int to) {
        int n = to - from;
        if (n < 1) {
            throw new ModelException("scaler needs at least one training row to fit, found " + n);
        }
        int f = features.size();
        double[] offset = new double[f];
        double[] scale = new double[f];
        for (int k = 0; k < f; k++) {
            if (kind == ScalerKind.MIN_MAX) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    min = Math.min(min, rows[i][k]);
                    max = Math.max(max, rows[i][k]);
                }
                offset[k] = min;
                scale[k] = max - min;
            } else {
                double sum = 0;
                for (int i = from; i < to; i++) {
                    sum += rows[i][k];
                }
                double mean = sum / n;
                double ss = 0;
                for (int i = from; i < to; i++) {
                    double d = rows[i][k] - mean;
                    ss += d * d;
                }
                offset[k] = mean;
                scale[k] = Math.sqrt(ss / n);
            }
            if (!(scale[k] > 0)) {
                scale[k] = 1;
            }
        }
        return new Scaler(kind, features, offset, scale);
    }

    /**
     * Features scaled.
     *
     * @return the number of features
     */
    public int size() {
        return features.size();
    }

    /**
     * Scales one value.
     *
     * @param feature the feature's index
     * @param value an unscaled value
     * @return {@code (value - offset) / scale}
     */
    public double scale(int feature, double value) {
        return (value - offset[feature]) / scale[feature];
    }

    /**
     * Undoes {@link #scale}.
     *
     * @param feature the feature's index
     * @param scaled a scaled value
     * @return {@code scaled * scale + offset}
     */
    public double unscale(int feature, double scaled) {
        return scaled * scale[feature] + offset[feature];
    }

    @Override
    public double[] offset() {
        return offset.clone();
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    /**
     * The scaler as JSON.
     *
     * @return indented JSON
     */
    public String toJson() {
        return ModelJson.write(this);
    }

    /**
     * Reads {@link #toJson()}'s output.
     *
     * @param json the JSON text
     * @return the scaler
     * @throws ModelException when the text is not such JSON
     */
    public static Scaler fromJson(String json) {
        return ModelJson.read(json, Scaler.class);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaler s && kind == s.kind && features.equals(s.features)
                && Arrays.equals(offset, s.offset) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, features, Arrays.hashCode(offset), Arrays.hashCode(scale));
    }

    @Override
    public String toString() {
        return "Scaler[" + kind + " " + features + " offset=" + Arrays.toString(offset) + " scale=" + Arrays.toString(scale) + "]";
    }
}
