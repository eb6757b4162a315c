package io.closecast.model.lstm;

import io.closecast.model.ModelException;

import java.util.List;
import java.util.Objects;

/**
 * The network's architecture: stacked LSTM layers, then an optional dense head, then a linear output
 * of {@code horizon} values (the next closes). YAML keys (mapped later): {@code model.lstm.hidden-units},
 * {@code model.lstm.dropout}, {@code model.head.units}, {@code model.head.activation},
 * {@code model.input-features}, {@code model.horizon}, {@code model.distribution}. With a distribution head the output
 * layer is {@code horizon x distribution.parameters()} wide ({@link #outputs()}).
 *
 * @param lstmHiddenUnits hidden units of each LSTM layer, first to last; at least one, each > 0
 * @param dropout         drop probability in [0, 1) applied to the input of every layer after the first LSTM
 * @param denseUnits      units of each hidden dense layer between the last LSTM and the output; may be empty
 * @param headActivation  activation of the dense head's hidden layers
 * @param inputFeatures   features per time step, > 0
 * @param horizon         values predicted per window, > 0
 * @param distribution    what the output layer predicts per step: a point, or a distribution's parameters
 */
public record ModelSpec(List<Integer> lstmHiddenUnits, double dropout, List<Integer> denseUnits,
                        HeadActivation headActivation, int inputFeatures, int horizon, Distribution distribution) {

    /** A point-forecast spec ({@link Distribution#POINT}), as closecast had before distribution heads. */
    public ModelSpec(List<Integer> lstmHiddenUnits, double dropout, List<Integer> denseUnits,
                     HeadActivation headActivation, int inputFeatures, int horizon) {
        this(lstmHiddenUnits, dropout, denseUnits, headActivation, inputFeatures, horizon, Distribution.POINT);
    }

    public ModelSpec {
        Objects.requireNonNull(distribution, "model.distribution");
        Objects.requireNonNull(lstmHiddenUnits, "model.lstm.hidden-units");
        Objects.requireNonNull(denseUnits, "model.head.units");
        Objects.requireNonNull(headActivation, "model.head.activation");
        lstmHiddenUnits = List.copyOf(lstmHiddenUnits);
        denseUnits = List.copyOf(denseUnits);
        if (lstmHiddenUnits.isEmpty()) {
            throw new ModelException("model.lstm.hidden-units must list at least one layer, found []");
        }
        for (int u : lstmHiddenUnits) {
            if (u <= 0) {
                throw new ModelException("model.lstm.hidden-units must be > 0, found " + u + " in " + lstmHiddenUnits);
            }
        }
        for (int u : denseUnits) {
            if (u <= 0) {
                throw new ModelException("model.head.units must be > 0, found " + u + " in " + denseUnits);
            }
        }
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new ModelException("model.lstm.dropout must be in [0, 1), found " + dropout);
        }
        if (inputFeatures <= 0) {
            throw new ModelException("model.input-features must be > 0, found " + inputFeatures);
        }
        if (horizon <= 0) {
            throw new ModelException("model.horizon must be > 0, found " + horizon);
        }
    }

    /**
     * Width of the output layer: {@code horizon} values per distribution parameter.
     *
     * @return {@code horizon * distribution.parameters()}
     */
    public int outputs() {
        return horizon * distribution.parameters();
    }

    /**
     * A builder with defaults: one LSTM layer of 32 units, no dropout, no dense head, relu, 1 feature, horizon 1.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ModelSpec}; validation happens in {@link #build()}. */
    public static final class Builder {
        private List<Integer> lstmHiddenUnits = List.of(32);
        private double dropout = 0.0;
        private List<Integer> denseUnits = List.of();
        private HeadActivation headActivation = HeadActivation.RELU;
        private int inputFeatures = 1;
        private int horizon = 1;
        private Distribution distribution = Distribution.POINT;

        private Builder() {
        }

        /**
         * @param units hidden units of each LSTM layer, first to last; at least one, each > 0; default [32]
         * @return this builder
         */
        public Builder lstmHiddenUnits(List<Integer> units) {
            this.lstmHiddenUnits = units;
            return this;
        }

        /**
         * @param dropout drop probability in [0, 1) after the first LSTM layer; default 0
         * @return this builder
         */
        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * @param units units of each hidden dense layer before the output; empty (the default) for none
         * @return this builder
         */
        public Builder denseUnits(List<Integer> units) {
            this.denseUnits = units;
            return this;
        }

        /**
         * @param activation activation of the hidden dense layers; default relu
         * @return this builder
         */
        public Builder headActivation(HeadActivation activation) {
            this.headActivation = activation;
            return this;
        }

        /**
         * @param features features per time step, > 0; default 1
         * @return this builder
         */
        public Builder inputFeatures(int features) {
            this.inputFeatures = features;
            return this;
        }

        /**
         * @param horizon values predicted per window, > 0; default 1
         * @return this builder
         */
        public Builder horizon(int horizon) {
            this.horizon = horizon;
            return this;
        }

        /**
         * @param distribution what the output layer predicts per step; default {@link Distribution#POINT}
         * @return this builder
         */
        public Builder distribution(Distribution distribution) {
            this.distribution = distribution;
            return this;
        }

        /**
         * @return the spec
         * @throws ModelException naming the key of the first value out of range
         */
        public ModelSpec build() {
            return new ModelSpec(lstmHiddenUnits, dropout, denseUnits, headActivation, inputFeatures, horizon,
                    distribution);
        }
    }
}
