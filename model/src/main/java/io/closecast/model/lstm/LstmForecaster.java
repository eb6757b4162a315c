package io.closecast.model.lstm;

import io.closecast.model.ModelException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Pure-Java forward pass of a trained closecast LSTM network: float math on the {@link LstmWeights},
 * no ND4J, so serving can predict without loading native libraries. Thread-safe: the weights are
 * read-only and each call borrows preallocated state buffers from a pool (one set per concurrent call).
 */
public final class LstmForecaster {
    private final ModelSpec spec;
    private final LstmWeights.Lstm[] lstm;
    private final LstmWeights.Dense[] dense;
    private final LstmWeights.Dense output;
    private final int widest;
    /**
     * Idle per-call buffers, one set per concurrent forecast, reused. Not a ThreadLocal: a service runs each request
     * on a new virtual thread, which would allocate the ~100 KB of buffers again for every request.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<State> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private LstmForecaster(LstmWeights weights) {
        this.spec = weights.spec();
        this.lstm = weights.lstm().toArray(LstmWeights.Lstm[]::new);
        this.dense = weights.dense().toArray(LstmWeights.Dense[]::new);
        this.output = weights.output();
        int w = spec.inputFeatures();
        for (int u : spec.lstmHiddenUnits()) {
            w = Math.max(w, u);
        }
        for (int u : spec.denseUnits()) {
            w = Math.max(w, u);
        }
        this.widest = w;
    }

    /**
     * A forecaster over these weights.
     *
     * @param weights the trained weights, with their spec
     * @return a forecaster, safe to share between threads
     */
    public static LstmForecaster create(LstmWeights weights) {
        return new LstmForecaster(weights);
    }

    /**
     * Reads {@code dir/}{@value LstmWeights#FILE_NAME} (or the file itself when {@code path} is a file).
     *
     * @param path a bundle directory or the weights file itself
     * @return a forecaster over the weights read
     * @throws ModelException when the file is missing or not a weights file
     */
    public static LstmForecaster load(Path path) {
        Path file = path.toFile().isDirectory() ? path.resolve(LstmWeights.FILE_NAME) : path;
        return new LstmForecaster(LstmWeights.read(file));
    }

    /** Synthetic windows {@link #warmUpKernels} runs: enough for the JIT to compile the kernels with C2. */
    private static final int WARM_UP_WINDOWS = 400;

    /**
     * Runs the forward pass on a synthetic 2 x 32-unit network over 60-step windows until the JIT has compiled the
     * kernels (a few hundred windows, 1-2 s of one core): the Vector API kernels are ~500x slower before C2 compiles
     * them, so a service calls this on a background thread as it starts, while it loads its model.
     */
    public static void warmUpKernels() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(32, 32)).denseUnits(List.of(16))
                .headActivation(HeadActivation.RELU).inputFeatures(1).horizon(1).build();
        List<LstmWeights.Lstm> layers = List.of(
                new LstmWeights.Lstm(1, 32, random(rng, 128), random(rng, 32 * 128), random(rng, 128)),
                new LstmWeights.Lstm(32, 32, random(rng, 32 * 128), random(rng, 32 * 128), random(rng, 128)));
        LstmForecaster forecaster = create(new LstmWeights(spec, layers,
                List.of(new LstmWeights.Dense(32, 16, random(rng, 32 * 16), random(rng, 16))),
                new LstmWeights.Dense(16, 1, random(rng, 16), random(rng, 1))));
        float[][] window = new float[60][1];
        float sink = 0;
        for (int i = 0; i < WARM_UP_WINDOWS; i++) {
            for (float[] step : window) {
                step[0] = (float) rng.nextDouble();
            }
            sink += forecaster.predict(window)[0];
        }
        if (!Float.isFinite(sink)) {
            throw new ModelException("kernel warm-up produced a non-finite forecast: " + sink);
        }
    }

    private static float[] random(java.util.SplittableRandom rng, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rng.nextDouble() - 0.5) * 0.4f;
        }
        return a;
    }

    /**
     * The architecture of the network.
     *
     * @return the spec the weights were trained for
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Predicts {@code horizon} values for one window {@code [time][features]} (already scaled): the point forecast,
     * or a distribution head's locations.
     *
     * @param window one input window {@code [time][features]}, scaled as the codec encodes it, at least one step
     * @return {@code horizon} outputs, in the targets' scaled units
     * @throws ModelException when the window has no time step or a step has the wrong feature count
     */
    public float[] predict(float[][] window) {
        float[] out = predictOutputs(window);
        return spec.distribution() == Distribution.POINT ? out : Arrays.copyOf(out, spec.horizon());
    }

    /**
     * Every output of the network for one window: {@link ModelSpec#outputs()} values, the locations first, then
     * (with a distribution head) the raw scales and tails; {@link Distribution#scale} turns a raw scale into a scale.
     *
     * @param window one input window {@code [time][features]}, scaled as the codec encodes it, at least one step
     * @return {@link ModelSpec#outputs()} raw outputs, in the targets' scaled units for the locations
     * @throws ModelException when the window has no time step or a step has the wrong feature count
     */
    public float[] predictOutputs(float[][] window) {
        if (window.length == 0) {
            throw new ModelException("window must have at least one time step, found 0");
        }
        State s = idle.pollFirst();
        if (s == null) {
            s = new State();
        }
        try {
            return predict(window, s);
        } finally {
            idle.offerFirst(s);
        }
    }

    private float[] predict(float[][] window, State s) {
        int features = spec.inputFeatures();
        s.size(window.length);
        for (int t = 0; t < window.length; t++) {
            float[] input = window[t];
            if (input.length != features) {
                throw new ModelException("window[" + t + "] must have " + features + " features, found " + input.length);
            }
            System.arraycopy(input, 0, s.x, t * features, features);
        }
        float[] in = s.x;
        int inW = features;
        for (int l = 0; l < lstm.length; l++) {
            LstmWeights.Lstm layer = lstm[l];
            Kernels.lstmLayer(1, window.length, inW, layer.units(), in, layer.w(), 0, layer.rw(), 0, layer.b(), 0,
                    s.gates[l], s.c[l], s.tc[l], s.h[l]);
            in = s.h[l];
            inW = layer.units();
        }
        int last = (window.length - 1) * inW;
        float[] top = s.a;
        System.arraycopy(in, last, top, 0, inW);
        in = top;
        HeadActivation act = spec.headActivation();
        for (int d = 0; d < dense.length; d++) {
            float[] out = (d % 2 == 0) ? s.b : s.a;
            affine(dense[d], in, out);
            for (int j = 0; j < dense[d].out(); j++) {
                out[j] = act.apply(out[j]);
            }
            in = out;
        }
        float[] result = new float[output.out()];
        affine(output, in, result);
        return result;
    }

    /**
     * Predicts every window of {@code windows[n][time][features]}.
     *
     * @param windows input windows {@code [n][time][features]}, scaled; may be empty
     * @return {@code [n][horizon]} outputs, in the targets' scaled units
     */
    public float[][] predict(float[][][] windows) {
        float[][] out = new float[windows.length][];
        for (int i = 0; i < windows.length; i++) {
            out[i] = predict(windows[i]);
        }
        return out;
    }

    private static void affine(LstmWeights.Dense layer, float[] in, float[] out) {
        int n = layer.out();
        float[] w = layer.w();
        System.arraycopy(layer.b(), 0, out, 0, n);
        for (int k = 0; k < layer.in(); k++) {
            float v = in[k];
            int row = k * n;
            for (int j = 0; j < n; j++) {
                out[j] += v * w[row + j];
            }
        }
    }

    /** Per-thread buffers for one window, time-major: input, and per LSTM layer gates, cells, tanh(cells), outputs. */
    private final class State {
        final float[][] gates = new float[lstm.length][];
        final float[][] c = new float[lstm.length][];
        final float[][] tc = new float[lstm.length][];
        final float[][] h = new float[lstm.length][];
        final float[] a = new float[widest];
        final float[] b = new float[widest];
        float[] x = new float[0];
        int steps = -1;

        /** Sizes the buffers for windows of {@code n} steps (every value is overwritten by a forward pass). */
        void size(int n) {
            if (n == steps) {
                return;
            }
            steps = n;
            x = new float[n * spec.inputFeatures()];
            for (int l = 0; l < lstm.length; l++) {
                int u = lstm[l].units();
                gates[l] = new float[n * 4 * u];
                c[l] = new float[n * u];
                tc[l] = new float[n * u];
                h[l] = new float[n * u];
            }
        }
    }

    @Override
    public String toString() {
        return "LstmForecaster" + List.of(spec);
    }
}
