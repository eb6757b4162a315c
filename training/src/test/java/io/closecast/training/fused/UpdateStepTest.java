package io.closecast.training.fused;


import io.closecast.model.lstm.ModelSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** DL4J's update order on a tiny layout: one 1-unit LSTM layer (params [0, 12)) and the 1 x 1 output ([12, 14)). */
class UpdateStepTest {
    private static final ParameterLayout LAYOUT = ParameterLayout.create(ModelSpec.builder()
            .lstmHiddenUnits(List.of(1)).inputFeatures(1).horizon(1).build());

    @Test
    void layoutOfTheTestNetwork() {
        assertEquals(14, LAYOUT.size());
        assertEquals(12, LAYOUT.layerEnd(0));
    }

    @Test
    void dividesByTheBatchAndClipsEachLayerOnItsOwn() {
        float[] params = new float[14];
        float[] grad = new float[14];
        Arrays.fill(grad, 0, 12, 4f);   // / 2 = 2 each, layer norm sqrt(48) > 1: scaled to norm 1
        Arrays.fill(grad, 12, 14, 0.2f); // / 2 = 0.1 each, layer norm 0.14 < 1: kept
        UpdateStep step = new UpdateStep(LAYOUT, params, grad, 1.0, List.of(), new GradientOptimizer.Sgd(1f), 5);
        step.apply(2);
        for (int i = 0; i < 12; i++) {
            assertEquals(-1 / Math.sqrt(12), params[i], 1e-6, "clipped LSTM param " + i);
        }
        assertEquals(-0.1f, params[12], 1e-7);
        assertEquals(-0.1f, params[13], 1e-7);
        assertEquals(6, step.iteration(), "one more update");
    }

    @Test
    void noClippingWhenTheNormIsZero() {
        float[] params = new float[14];
        float[] grad = new float[14];
        Arrays.fill(grad, 40f);
        new UpdateStep(LAYOUT, params, grad, 0, List.of(), new GradientOptimizer.Sgd(0.5f), 0).apply(4);
        float[] expected = new float[14];
        Arrays.fill(expected, -5f);
        assertArrayEquals(expected, params);
    }

    @Test
    void l2GoesBeforeTheUpdateRuleAndWeightDecayAfterIt() {
        float[] params = new float[14];
        Arrays.fill(params, 1f);
        float[] grad = new float[14];
        List<Dl4jBridge.Regularized> regularized = List.of(
                new Dl4jBridge.Regularized(0, 12, 0.5f, 0f, 0.5),
                new Dl4jBridge.Regularized(12, 14, 0f, 0.25f, 0.0));
        UpdateStep step = new UpdateStep(LAYOUT, params, grad, 0, regularized, new GradientOptimizer.Sgd(0.1f), 0);
        assertEquals(0.5 * 0.5 * 12, step.regularizationScore(), 1e-12);
        step.apply(1);
        // L2: g = 0.5 * 1, scaled by lr 0.1; decay: g = 0.25 * 1 after the (zero) step, not scaled by lr
        assertEquals(0.95f, params[0], 1e-7);
        assertEquals(0.95f, params[11], 1e-7);
        assertEquals(0.75f, params[12], 1e-7);
        assertEquals(0.75f, params[13], 1e-7);
    }
}
