package io.closecast.model.lstm;

import io.closecast.model.ModelException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The trained weights of a closecast LSTM network as plain {@code float} arrays, and their file format
 * ({@value #FILE_NAME}), readable without ND4J. Written by closecast-training's {@code LstmNetworks.save}, read by
 * {@link LstmForecaster#load}.
 *
 * <h2>File format (versions 1 and 2), big-endian ({@link DataOutputStream})</h2>
 * <pre>
 * bytes[8]  magic "CCLSTMW1" (point forecasts) or "CCLSTMW2" (any {@link Distribution})
 * int       input features, int horizon, double dropout (informational), UTF head activation key
 * UTF       version 2 only: the distribution key ({@code gaussian}, {@code student-t}, ...)
 * int       L = LSTM layers; L x int units
 * int       D = dense layers; D x int units
 * L x       LSTM layer: float W[in*4u], float RW[u*4u], float b[4u]
 * D x       dense layer: float W[in*out], float b[out]
 * 1 x       output layer: float W[in*outputs], float b[outputs], outputs = horizon x distribution parameters
 * </pre>
 * A point model is written as version 1, byte for byte as before distribution heads existed.
 * Matrices are row-major {@code [in][out]}. LSTM gate columns follow DL4J's order: block input (tanh),
 * forget gate, output gate, input gate (sigmoid), each {@code u} wide; {@code x·W + h·RW + b}.
 *
 * @param spec the architecture the weights are for
 * @param lstm the LSTM layers, bottom first
 * @param dense the hidden dense layers, in order; empty for none
 * @param output the output layer, {@link ModelSpec#outputs()} wide
 */
public record LstmWeights(ModelSpec spec, List<Lstm> lstm, List<Dense> dense, Dense output) {
    public static final String FILE_NAME = "lstm-weights.bin";
    private static final byte[] MAGIC = "CCLSTMW1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_V2 = "CCLSTMW2".getBytes(StandardCharsets.US_ASCII);

    /**
     * One LSTM layer: {@code w[in*4u]}, {@code rw[u*4u]}, {@code b[4u]}.
     *
     * @param in input width
     * @param units units per gate
     * @param w the input weights {@code [in][4u]}, row-major
     * @param rw the recurrent weights {@code [u][4u]}, row-major
     * @param b the bias {@code [4u]}
     */
    public record Lstm(int in, int units, float[] w, float[] rw, float[] b) {
        public Lstm {
            check("lstm.W", w, (long) in * 4 * units);
            check("lstm.RW", rw, (long) units * 4 * units);
            check("lstm.b", b, 4L * units);
        }
    }

    /**
     * One dense layer: {@code w[in*out]}, {@code b[out]}.
     *
     * @param in input width
     * @param out output width
     * @param w the weights {@code [in][out]}, row-major
     * @param b the bias {@code [out]}
     */
    public record Dense(int in, int out, float[] w, float[] b) {
        public Dense {
            check("dense.W", w, (long) in * out);
            check("dense.b", b, out);
        }
    }

    public LstmWeights {
        lstm = List.copyOf(lstm);
        dense = List.copyOf(dense);
        if (lstm.size() != spec.lstmHiddenUnits().size() || dense.size() != spec.denseUnits().size()) {
            throw new ModelException("weights: expected " + spec.lstmHiddenUnits().size() + " LSTM and "
                    + spec.denseUnits().size() + " dense layers for " + spec + ", found " + lstm.size() + " and "
                    + dense.size());
        }
        int in = spec.inputFeatures();
        for (int i = 0; i < lstm.size(); i++) {
            Lstm l = lstm.get(i);
            if (l.in() != in || l.units() != spec.lstmHiddenUnits().get(i)) {
                throw new ModelException("weights: LSTM layer " + i + " expected in=" + in + " units="
                        + spec.lstmHiddenUnits().get(i) + ", found in=" + l.in() + " units=" + l.units());
            }
            in = l.units();
        }
        for (int i = 0; i < dense.size(); i++) {
            Dense d = dense.get(i);
            if (d.in() != in || d.out() != spec.denseUnits().get(i)) {
                throw new ModelException("weights: dense layer " + i + " expected in=" + in + " out="
                        + spec.denseUnits().get(i) + ", found in=" + d.in() + " out=" + d.out());
            }
            in = d.out();
        }
        if (output.in() != in || output.out() != spec.outputs()) {
            throw new ModelException("weights: output layer expected in=" + in + " out=" + spec.outputs()
                    + ", found in=" + output.in() + " out=" + output.out());
        }
    }

    private static void check(String what, float[] a, long expected) {
        if (a == null || a.length != expected) {
            throw new ModelException("weights: " + what + " must hold " + expected + " floats, found "
                    + (a == null ? "none" : a.length));
        }
    }

    /**
     * Writes the weights to {@code file} in the format above.
     *
     * @param file the file to write, replaced when it exists
     * @throws ModelException when it cannot be written
     */
    public void write(Path file) {
        try (OutputStream os = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            boolean point = spec.distribution() == Distribution.POINT;
            out.write(point ? MAGIC : MAGIC_V2);
            out.writeInt(spec.inputFeatures());
            out.writeInt(spec.horizon());
            out.writeDouble(spec.dropout());
            out.writeUTF(spec.headActivation().key());
            if (!point) {
                out.writeUTF(spec.distribution().key());
            }
            out.writeInt(spec.lstmHiddenUnits().size());
            for (int u : spec.lstmHiddenUnits()) {
                out.writeInt(u);
            }
            out.writeInt(spec.denseUnits().size());
            for (int u : spec.denseUnits()) {
                out.writeInt(u);
            }
            for (Lstm l : lstm) {
                writeFloats(out, l.w());
                writeFloats(out, l.rw());
                writeFloats(out, l.b());
            }
            for (Dense d : dense) {
                writeFloats(out, d.w());
                writeFloats(out, d.b());
            }
            writeFloats(out, output.w());
            writeFloats(out, output.b());
        } catch (IOException e) {
            throw new ModelException("weights: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a file written by {@link #write}; fails naming the file when it is not one.
     *
     * @param file a weights file
     * @return the weights it holds
     * @throws ModelException naming the file when it is missing, not a weights file or inconsistent
     */
    public static LstmWeights read(Path file) {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            boolean v2 = Arrays.equals(magic, MAGIC_V2);
            if (!v2 && !Arrays.equals(magic, MAGIC)) {
                throw new ModelException("weights: " + file + " must start with " + new String(MAGIC,
                        StandardCharsets.US_ASCII) + " or " + new String(MAGIC_V2, StandardCharsets.US_ASCII)
                        + ", found '" + new String(magic, StandardCharsets.ISO_8859_1) + "'");
            }
            int features = in.readInt();
            int horizon = in.readInt();
            double dropout = in.readDouble();
            HeadActivation activation = HeadActivation.parse("weights head activation", in.readUTF());
            Distribution distribution = v2 ? Distribution.parse("weights distribution", in.readUTF()) : Distribution.POINT;
            List<Integer> lstmUnits = readInts(in);
            List<Integer> denseUnits = readInts(in);
            ModelSpec spec = new ModelSpec(lstmUnits, dropout, denseUnits, activation, features, horizon,
                    distribution);
            List<Lstm> lstm = new ArrayList<>();
            int width = features;
            for (int u : lstmUnits) {
                lstm.add(new Lstm(width, u, readFloats(in, width * 4 * u), readFloats(in, u * 4 * u),
                        readFloats(in, 4 * u)));
                width = u;
            }
            List<Dense> dense = new ArrayList<>();
            for (int u : denseUnits) {
                dense.add(new Dense(width, u, readFloats(in, width * u), readFloats(in, u)));
                width = u;
            }
            int outputs = spec.outputs();
            Dense output = new Dense(width, outputs, readFloats(in, width * outputs), readFloats(in, outputs));
            if (in.read() != -1) {
                throw new ModelException("weights: " + file + " has bytes after the output layer (expected end of file)");
            }
            return new LstmWeights(spec, lstm, dense, output);
        } catch (IOException e) {
            throw new ModelException("weights: cannot read " + file + " (expected a " + FILE_NAME + " file): "
                    + e.getMessage(), e);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1024) {
            throw new ModelException("weights: layer count must be in [0, 1024], found " + n);
        }
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readInt());
        }
        return values;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}
