package io.closecast.training.fused;

import io.closecast.model.lstm.ModelSpec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each parameter of the closecast LSTM network lives in one flat {@code float} array, in DL4J's own order:
 * per LSTM layer its input weights {@code W [in][4u]}, recurrent weights {@code RW [u][4u]} and bias {@code b [4u]},
 * then per dense layer (the output layer last, {@link ModelSpec#outputs()} wide) {@code W [in][out]} and
 * {@code b [out]}, each row-major. Each layer's
 * input size is the previous layer's output size. Pure arithmetic on a {@link ModelSpec}: no DL4J.
 */
public final class ParameterLayout {
    private final int features;
    private final int horizon;
    private final int[] lstmIn;
    private final int[] lstmUnits;
    private final int[] lstmW;
    private final int[] lstmRW;
    private final int[] lstmBias;
    private final int[] denseIn;
    private final int[] denseOut;
    private final int[] denseW;
    private final int[] denseBias;
    private final int[] layerStart;
    private final int[] layerEnd;
    private final int size;

    private ParameterLayout(ModelSpec model) {
        features = model.inputFeatures();
        horizon = model.horizon();
        int lstmCount = model.lstmHiddenUnits().size();
        int denseCount = model.denseUnits().size() + 1;
        lstmIn = new int[lstmCount];
        lstmUnits = new int[lstmCount];
        lstmW = new int[lstmCount];
        lstmRW = new int[lstmCount];
        lstmBias = new int[lstmCount];
        denseIn = new int[denseCount];
        denseOut = new int[denseCount];
        denseW = new int[denseCount];
        denseBias = new int[denseCount];
        layerStart = new int[lstmCount + denseCount];
        layerEnd = new int[lstmCount + denseCount];
        int off = 0;
        int in = features;
        for (int l = 0; l < lstmCount; l++) {
            int u = model.lstmHiddenUnits().get(l);
            lstmIn[l] = in;
            lstmUnits[l] = u;
            layerStart[l] = off;
            lstmW[l] = off;
            off += in * 4 * u;
            lstmRW[l] = off;
            off += u * 4 * u;
            lstmBias[l] = off;
            off += 4 * u;
            layerEnd[l] = off;
            in = u;
        }
        for (int d = 0; d < denseCount; d++) {
            int out = d < denseCount - 1 ? model.denseUnits().get(d) : model.outputs();
            denseIn[d] = in;
            denseOut[d] = out;
            layerStart[lstmCount + d] = off;
            denseW[d] = off;
            off += in * out;
            denseBias[d] = off;
            off += out;
            layerEnd[lstmCount + d] = off;
            in = out;
        }
        size = off;
    }

    static ParameterLayout create(ModelSpec model) {
        return new ParameterLayout(model);
    }

    int features() {
        return features;
    }

    int horizon() {
        return horizon;
    }

    /** Parameters in all. */
    public int size() {
        return size;
    }

    int lstmCount() {
        return lstmUnits.length;
    }

    int denseCount() {
        return denseOut.length;
    }

    /** DL4J layers in all (LSTM layers, then dense layers). */
    int layerCount() {
        return layerStart.length;
    }

    /** Input width of each LSTM layer (a copy). */
    int[] lstmIn() {
        return lstmIn.clone();
    }

    /** Units of each LSTM layer (a copy). */
    int[] lstmUnits() {
        return lstmUnits.clone();
    }

    /** Offset of each LSTM layer's input weights {@code W} (a copy). */
    int[] lstmW() {
        return lstmW.clone();
    }

    /** Offset of each LSTM layer's recurrent weights {@code RW} (a copy). */
    int[] lstmRW() {
        return lstmRW.clone();
    }

    /** Offset of each LSTM layer's bias (a copy). */
    int[] lstmBias() {
        return lstmBias.clone();
    }

    /** Input width of each dense layer (a copy). */
    int[] denseIn() {
        return denseIn.clone();
    }

    /** Output width of each dense layer (a copy). */
    int[] denseOut() {
        return denseOut.clone();
    }

    /** Offset of each dense layer's weights (a copy). */
    int[] denseW() {
        return denseW.clone();
    }

    /** Offset of each dense layer's bias (a copy). */
    int[] denseBias() {
        return denseBias.clone();
    }

    /** First parameter of DL4J layer {@code layer}. */
    int layerStart(int layer) {
        return layerStart[layer];
    }

    /** One past the last parameter of DL4J layer {@code layer}. */
    int layerEnd(int layer) {
        return layerEnd[layer];
    }

    /** DL4J parameter key ("0_W", "0_RW", "0_b", ...) -> [start, end) of its row-major values, in DL4J's order. */
    public Map<String, int[]> dl4jKeys() {
        Map<String, int[]> map = new LinkedHashMap<>();
        int lstmCount = lstmCount();
        for (int l = 0; l < lstmCount; l++) {
            map.put(l + "_W", new int[] {lstmW[l], lstmRW[l]});
            map.put(l + "_RW", new int[] {lstmRW[l], lstmBias[l]});
            map.put(l + "_b", new int[] {lstmBias[l], layerEnd[l]});
        }
        for (int d = 0; d < denseCount(); d++) {
            int layer = lstmCount + d;
            map.put(layer + "_W", new int[] {denseW[d], denseBias[d]});
            map.put(layer + "_b", new int[] {denseBias[d], layerEnd[layer]});
        }
        return map;
    }

    @Override
    public String toString() {
        return "ParameterLayout[lstm " + Arrays.toString(lstmUnits) + ", dense " + Arrays.toString(denseOut) + ", "
                + size + " parameters]";
    }
}
