package io.closecast.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Pure-Java forward pass of a trained closecast LSTM network: float math on the {@link LstmWeights},
 * no ND4J, so serving can predict without loading native libraries. Thread-safe: the weights are
 * read-only and each thread reuses its own preallocated state buffers.
 */
public final class LstmForecaster {
    private final ModelSpec spec;
    private final LstmWeights.Lstm[] lstm;
    private final LstmWeights.Dense[] dense;
    private final LstmWeights.Dense output;
    private final int widest;
    private final ThreadLocal<State> state;

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
        this.state = ThreadLocal.withInitial(State::new);
    }

    /** A forecaster over these weights. */
    public static LstmForecaster create(LstmWeights weights) {
        return new LstmForecaster(weights);
    }

    /** Reads {@code dir/}{@value LstmWeights#FILE_NAME} (or the file itself when {@code path} is a file). */
    public static LstmForecaster load(Path path) {
        Path file = path.toFile().isDirectory() ? path.resolve(LstmWeights.FILE_NAME) : path;
        return new LstmForecaster(LstmWeights.read(file));
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Predicts {@code horizon} values for one window {@code [time][features]} (already scaled). */
    public float[] predict(float[][] window) {
        if (window.length == 0) {
            throw new ModelException("window must have at least one time step, found 0");
        }
        State s = state.get();
        s.reset();
        int features = spec.inputFeatures();
        for (int t = 0; t < window.length; t++) {
            float[] input = window[t];
            if (input.length != features) {
                throw new ModelException("window[" + t + "] must have " + features + " features, found " + input.length);
            }
            for (int l = 0; l < lstm.length; l++) {
                step(lstm[l], input, s.h[l], s.c[l], s.gates);
                input = s.h[l];
            }
        }
        float[] in = s.h[lstm.length - 1];
        int width = lstm[lstm.length - 1].units();
        HeadActivation act = spec.headActivation();
        for (int d = 0; d < dense.length; d++) {
            float[] out = (d % 2 == 0) ? s.a : s.b;
            affine(dense[d], in, out);
            for (int j = 0; j < dense[d].out(); j++) {
                out[j] = act.apply(out[j]);
            }
            in = out;
            width = dense[d].out();
        }
        assert width == output.in();
        float[] result = new float[output.out()];
        affine(output, in, result);
        return result;
    }

    /** Predicts every window of {@code windows[n][time][features]}. */
    public float[][] predict(float[][][] windows) {
        float[][] out = new float[windows.length][];
        for (int i = 0; i < windows.length; i++) {
            out[i] = predict(windows[i]);
        }
        return out;
    }

    /** One LSTM step in DL4J's gate order [block input, forget, output, input gate]. */
    private static void step(LstmWeights.Lstm layer, float[] x, float[] h, float[] c, float[] gates) {
        int u = layer.units();
        int g = 4 * u;
        float[] w = layer.w();
        float[] rw = layer.rw();
        System.arraycopy(layer.b(), 0, gates, 0, g);
        for (int k = 0; k < x.length; k++) {
            float xk = x[k];
            int row = k * g;
            for (int j = 0; j < g; j++) {
                gates[j] += xk * w[row + j];
            }
        }
        for (int k = 0; k < u; k++) {
            float hk = h[k];
            int row = k * g;
            for (int j = 0; j < g; j++) {
                gates[j] += hk * rw[row + j];
            }
        }
        for (int j = 0; j < u; j++) {
            float block = (float) Math.tanh(gates[j]);
            float forget = sigmoid(gates[u + j]);
            float out = sigmoid(gates[2 * u + j]);
            float input = sigmoid(gates[3 * u + j]);
            float cell = forget * c[j] + input * block;
            c[j] = cell;
            h[j] = out * (float) Math.tanh(cell);
        }
    }

    private static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
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

    /** Per-thread buffers: hidden and cell state per LSTM layer, gate pre-activations, dense scratch. */
    private final class State {
        final float[][] h = new float[lstm.length][];
        final float[][] c = new float[lstm.length][];
        final float[] gates;
        final float[] a = new float[widest];
        final float[] b = new float[widest];

        State() {
            int maxUnits = 0;
            for (int l = 0; l < lstm.length; l++) {
                h[l] = new float[lstm[l].units()];
                c[l] = new float[lstm[l].units()];
                maxUnits = Math.max(maxUnits, lstm[l].units());
            }
            gates = new float[4 * maxUnits];
        }

        void reset() {
            for (int l = 0; l < h.length; l++) {
                java.util.Arrays.fill(h[l], 0f);
                java.util.Arrays.fill(c[l], 0f);
            }
        }
    }

    @Override
    public String toString() {
        return "LstmForecaster" + List.of(spec);
    }
}
