package io.closecast.model.train;

import io.closecast.model.ModelException;

import java.util.Objects;

/**
 * How a network is trained. YAML keys (mapped later): {@code training.optimizer},
 * {@code training.learning-rate}, {@code training.batch-size}, {@code training.max-epochs},
 * {@code training.patience}, {@code training.gradient-clip-norm}, {@code training.l2},
 * {@code training.seed}, {@code training.threads}, {@code training.engine}.
 *
 * @param optimizer        update rule
 * @param learningRate     > 0 and finite
 * @param batchSize        windows per mini-batch, > 0
 * @param maxEpochs        > 0
 * @param patience         epochs without a better validation loss before stopping (best weights are
 *                         restored), > 0; a patience >= maxEpochs never stops early
 * @param gradientClipNorm clip each layer's gradient to this L2 norm; 0 means no clipping
 * @param l2               L2 penalty (weight decay for {@link Optimizer#ADAMW}), >= 0
 * @param seed             seeds weight init, dropout and the mini-batch shuffle
 * @param threads          ND4J threads, > 0 (the benchmarks use the machine's core count); the fused engine
 *                         splits each mini-batch over this many threads
 * @param engine           which code trains: {@link TrainingEngine#FUSED} (default) or {@link TrainingEngine#DL4J}
 */
public record TrainingSpec(Optimizer optimizer, double learningRate, int batchSize, int maxEpochs, int patience,
                           double gradientClipNorm, double l2, long seed, int threads,
                           TrainingEngine engine) {

    public TrainingSpec {
        Objects.requireNonNull(optimizer, "training.optimizer");
        Objects.requireNonNull(engine, "training.engine");
        if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
            throw new ModelException("training.learning-rate must be > 0 and finite, found " + learningRate);
        }
        if (batchSize <= 0) {
            throw new ModelException("training.batch-size must be > 0, found " + batchSize);
        }
        if (maxEpochs <= 0) {
            throw new ModelException("training.max-epochs must be > 0, found " + maxEpochs);
        }
        if (patience <= 0) {
            throw new ModelException("training.patience must be > 0, found " + patience);
        }
        if (!(gradientClipNorm >= 0.0) || !Double.isFinite(gradientClipNorm)) {
            throw new ModelException("training.gradient-clip-norm must be >= 0 (0 = off), found " + gradientClipNorm);
        }
        if (!(l2 >= 0.0) || !Double.isFinite(l2)) {
            throw new ModelException("training.l2 must be >= 0, found " + l2);
        }
        if (threads <= 0) {
            throw new ModelException("training.threads must be > 0, found " + threads);
        }
    }

    /**
     * The same spec trained by {@link TrainingEngine#FUSED}.
     *
     * @param optimizer update rule
     * @param learningRate step size, > 0 and finite
     * @param batchSize windows per mini-batch, > 0
     * @param maxEpochs epochs at most, > 0
     * @param patience epochs without a better validation loss before stopping, > 0
     * @param gradientClipNorm clip each layer's gradient to this L2 norm; 0 means no clipping
     * @param l2 L2 penalty (weight decay for {@link Optimizer#ADAMW}), >= 0
     * @param seed seeds weight init, dropout and the mini-batch shuffle
     * @param threads threads, > 0
     * @throws ModelException when a value is out of range
     */
    public TrainingSpec(Optimizer optimizer, double learningRate, int batchSize, int maxEpochs, int patience,
                        double gradientClipNorm, double l2, long seed, int threads) {
        this(optimizer, learningRate, batchSize, maxEpochs, patience, gradientClipNorm, l2, seed, threads,
                TrainingEngine.FUSED);
    }

    /**
     * The same spec trained by {@code engine}.
     *
     * @param engine the engine to train with
     * @return a copy of this spec with only the engine changed
     */
    public TrainingSpec withEngine(TrainingEngine engine) {
        return new TrainingSpec(optimizer, learningRate, batchSize, maxEpochs, patience, gradientClipNorm, l2, seed,
                threads, engine);
    }

    /**
     * Defaults: adam, lr 1e-3, batch 64, 50 epochs, patience 5, clip 1.0, l2 0, seed 42, all cores, fused engine.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TrainingSpec}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Optimizer optimizer = Optimizer.ADAM;
        private double learningRate = 1e-3;
        private int batchSize = 64;
        private int maxEpochs = 50;
        private int patience = 5;
        private double gradientClipNorm = 1.0;
        private double l2 = 0.0;
        private long seed = 42L;
        private int threads = Runtime.getRuntime().availableProcessors();
        private TrainingEngine engine = TrainingEngine.FUSED;

        private Builder() {
        }

        /**
         * @param optimizer the update rule ({@code training.optimizer}); default adam
         * @return this builder
         */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * @param learningRate the step size ({@code training.learning-rate}), > 0; default 1e-3
         * @return this builder
         */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * @param batchSize windows per mini-batch ({@code training.batch-size}), > 0; default 64
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param maxEpochs epochs at most ({@code training.max-epochs}), > 0; default 50
         * @return this builder
         */
        public Builder maxEpochs(int maxEpochs) {
            this.maxEpochs = maxEpochs;
            return this;
        }

        /**
         * @param patience epochs without a better validation loss before stopping ({@code training.patience}), > 0;
         *                 default 5
         * @return this builder
         */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /**
         * @param norm the per-layer gradient L2 norm to clip to ({@code training.gradient-clip-norm}); 0 for none;
         *             default 1.0
         * @return this builder
         */
        public Builder gradientClipNorm(double norm) {
            this.gradientClipNorm = norm;
            return this;
        }

        /**
         * @param l2 the L2 penalty ({@code training.l2}), >= 0; default 0
         * @return this builder
         */
        public Builder l2(double l2) {
            this.l2 = l2;
            return this;
        }

        /**
         * @param seed seeds weight init, dropout and the shuffle ({@code training.seed}); default 42
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param threads threads to train with ({@code training.threads}), > 0; default all cores
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * @param engine which code trains ({@code training.engine}); default fused
         * @return this builder
         */
        public Builder engine(TrainingEngine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * @return the spec
         * @throws ModelException naming the key of the first value out of range
         */
        public TrainingSpec build() {
            return new TrainingSpec(optimizer, learningRate, batchSize, maxEpochs, patience, gradientClipNorm, l2,
                    seed, threads, engine);
        }
    }
}
