package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.prices.checks.CheckConfig;
import io.closecast.model.prices.checks.CheckPolicy;

import java.util.List;
import java.util.Objects;

/**
 * Everything that turns a price series into training windows. Defaults: target CLOSE as LEVEL, the
 * target as the only feature, windows of 60 days forecasting 1 day, a 70/15/15 chronological split, a
 * MIN_MAX scaler, default checks and policy.
 *
 * @param target the price column forecast ({@code dataset.target})
 * @param transform how the target becomes a model value: level or log return
 * @param features the features per time step, {@link Feature#TARGET} first, none repeated
 * @param window time steps per input window, >= 2
 * @param horizon days forecast per window, >= 1
 * @param split how the days are divided into train, validation and test
 * @param scaler how features are scaled, fitted on training rows only
 * @param checks the thresholds of the data checks
 * @param policy what each kind of finding does: fail, drop or warn
 */
public record DatasetSpec(Target target, TargetTransform transform, List<Feature> features, int window, int horizon,
                          Split split, ScalerKind scaler, CheckConfig checks, CheckPolicy policy) {

    public static final int DEFAULT_WINDOW = 60;

    public DatasetSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(scaler, "scaler");
        Objects.requireNonNull(checks, "checks");
        Objects.requireNonNull(policy, "policy");
        features = List.copyOf(features);
        if (features.isEmpty() || features.getFirst() != Feature.TARGET) {
            throw new ModelException("dataset.features must start with TARGET, found " + features);
        }
        if (features.stream().distinct().count() != features.size()) {
            throw new ModelException("dataset.features must not repeat a feature, found " + features);
        }
        if (window < 2) {
            throw new ModelException("dataset.window must be >= 2, found " + window);
        }
        if (horizon < 1) {
            throw new ModelException("dataset.horizon must be >= 1, found " + horizon);
        }
    }

    /**
     * @return the default spec
     */
    public static DatasetSpec defaults() {
        return builder().build();
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Rows of history consumed before the first feature row (1 when any value is a return).
     *
     * @return 0 or 1
     */
    public int lookback() {
        int lookback = transform.lookback();
        for (Feature f : features) {
            lookback = Math.max(lookback, f.lookback());
        }
        return lookback;
    }

    /**
     * This spec with another split.
     *
     * @param newSplit the split to use
     * @return a copy with only the split changed
     */
    public DatasetSpec withSplit(Split newSplit) {
        return new DatasetSpec(target, transform, features, window, horizon, newSplit, scaler, checks, policy);
    }

    /**
     * A builder holding this spec's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().target(target).transform(transform).features(features).window(window).horizon(horizon)
                .split(split).scaler(scaler).checks(checks).policy(policy);
    }

    public static final class Builder {
        private Target target = Target.CLOSE;
        private TargetTransform transform = TargetTransform.LEVEL;
        private List<Feature> features = List.of(Feature.TARGET);
        private int window = DEFAULT_WINDOW;
        private int horizon = 1;
        private Split split = Split.fractions(0.70, 0.15);
        private ScalerKind scaler = ScalerKind.MIN_MAX;
        private CheckConfig checks = CheckConfig.defaults();
        private CheckPolicy policy = CheckPolicy.defaults();

        private Builder() {
        }

        /**
         * @param value the price column forecast; default CLOSE
         * @return this builder
         */
        public Builder target(Target value) {
            this.target = value;
            return this;
        }

        /**
         * @param value level or log return; default LEVEL
         * @return this builder
         */
        public Builder transform(TargetTransform value) {
            this.transform = value;
            return this;
        }

        /**
         * @param value the features per time step, TARGET first; default [TARGET]
         * @return this builder
         */
        public Builder features(List<Feature> value) {
            this.features = List.copyOf(value);
            return this;
        }

        /**
         * @param value time steps per window, >= 2; default {@value #DEFAULT_WINDOW}
         * @return this builder
         */
        public Builder window(int value) {
            this.window = value;
            return this;
        }

        /**
         * @param value days forecast per window, >= 1; default 1
         * @return this builder
         */
        public Builder horizon(int value) {
            this.horizon = value;
            return this;
        }

        /**
         * @param value the split; default fractions 0.7 / 0.15
         * @return this builder
         */
        public Builder split(Split value) {
            this.split = value;
            return this;
        }

        /**
         * @param value the scaler; default MIN_MAX
         * @return this builder
         */
        public Builder scaler(ScalerKind value) {
            this.scaler = value;
            return this;
        }

        /**
         * @param value the check thresholds; default {@link CheckConfig#defaults()}
         * @return this builder
         */
        public Builder checks(CheckConfig value) {
            this.checks = value;
            return this;
        }

        /**
         * @param value the action per finding kind; default {@link CheckPolicy#defaults()}
         * @return this builder
         */
        public Builder policy(CheckPolicy value) {
            this.policy = value;
            return this;
        }

        /**
         * @return the spec
         * @throws ModelException naming the key of the first value out of range
         */
        public DatasetSpec build() {
            return new DatasetSpec(target, transform, features, window, horizon, split, scaler, checks, policy);
        }
    }
}
