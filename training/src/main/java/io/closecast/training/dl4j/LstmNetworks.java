package io.closecast.training.dl4j;

import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.lstm.LstmWeights;
import io.closecast.model.ModelException;
import io.closecast.model.lstm.ModelSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saving, loading and array-level prediction of DL4J closecast networks. A saved directory holds
 * {@value #NETWORK_FILE} (DL4J's own format, with updater state) and {@value LstmWeights#FILE_NAME}
 * (the plain weights that {@link LstmForecaster} reads without ND4J).
 */
public final class LstmNetworks {
    public static final String NETWORK_FILE = "network.zip";

    private LstmNetworks() {
    }

    /** Writes both files into {@code dir} (created if missing). */
    public static void save(MultiLayerNetwork network, ModelSpec spec, Path dir) {
        try {
            Files.createDirectories(dir);
            ModelSerializer.writeModel(network, dir.resolve(NETWORK_FILE).toFile(), true);
        } catch (IOException e) {
            throw new ModelException("cannot save the network to " + dir + ": " + e.getMessage(), e);
        }
        exportWeights(network, spec).write(dir.resolve(LstmWeights.FILE_NAME));
    }

    /** Loads the DL4J network from {@code dir/}{@value #NETWORK_FILE}. */
    public static MultiLayerNetwork load(Path dir) {
        Path file = dir.resolve(NETWORK_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("expected a saved network at " + file + ", found no such file");
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (IOException e) {
            throw new ModelException("cannot load the network from " + file + ": " + e.getMessage(), e);
        }
    }

    /** The network's weights as plain arrays, for {@link LstmForecaster}. */
    public static LstmWeights exportWeights(MultiLayerNetwork network, ModelSpec spec) {
        int expectedLayers = spec.lstmHiddenUnits().size() + spec.denseUnits().size() + 1;
        if (network.getnLayers() != expectedLayers) {
            throw new ModelException("network must have " + expectedLayers + " layers for " + spec + ", found "
                    + network.getnLayers());
        }
        int layer = 0;
        int in = spec.inputFeatures();
        List<LstmWeights.Lstm> lstm = new ArrayList<>();
        for (int units : spec.lstmHiddenUnits()) {
            Layer l = network.getLayer(layer++);
            lstm.add(new LstmWeights.Lstm(in, units, rowMajor(l.getParam("W")), rowMajor(l.getParam("RW")),
                    rowMajor(l.getParam("b"))));
            in = units;
        }
        List<LstmWeights.Dense> dense = new ArrayList<>();
        for (int units : spec.denseUnits()) {
            Layer l = network.getLayer(layer++);
            dense.add(new LstmWeights.Dense(in, units, rowMajor(l.getParam("W")), rowMajor(l.getParam("b"))));
            in = units;
        }
        Layer out = network.getLayer(layer);
        LstmWeights.Dense output = new LstmWeights.Dense(in, spec.outputs(), rowMajor(out.getParam("W")),
                rowMajor(out.getParam("b")));
        return new LstmWeights(spec, lstm, dense, output);
    }

    private static float[] rowMajor(INDArray a) {
        return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    /** {@code x[n][time][features]} as the NWC array the network takes. */
    public static INDArray toInput(float[][][] x) {
        return Nd4j.create(x);
    }

    /** DL4J's prediction for every window, {@code [n][outputs]} (the horizon for a point network). */
    public static float[][] predict(MultiLayerNetwork network, float[][][] x) {
        INDArray out = network.output(toInput(x), false);
        return out.toFloatMatrix();
    }
}
