package io.closecast.model;

import io.closecast.model.dataset.Samples;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.Optimizer;
import io.closecast.model.train.TrainingSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SpecValidationTest {

    private static String message(Runnable r) {
        return assertThrows(ModelException.class, r::run).getMessage();
    }

    @Test
    void modelSpecNamesFieldAndValue() {
        assertEquals("model.lstm.hidden-units must be > 0, found -3 in [32, -3]",
                message(() -> ModelSpec.builder().lstmHiddenUnits(List.of(32, -3)).build()));
        assertEquals("model.lstm.hidden-units must list at least one layer, found []",
                message(() -> ModelSpec.builder().lstmHiddenUnits(List.of()).build()));
        assertEquals("model.head.units must be > 0, found 0 in [0]",
                message(() -> ModelSpec.builder().denseUnits(List.of(0)).build()));
        assertEquals("model.lstm.dropout must be in [0, 1), found 1.0",
                message(() -> ModelSpec.builder().dropout(1.0).build()));
        assertEquals("model.input-features must be > 0, found 0",
                message(() -> ModelSpec.builder().inputFeatures(0).build()));
        assertEquals("model.horizon must be > 0, found -1",
                message(() -> ModelSpec.builder().horizon(-1).build()));
        assertEquals("model.head.activation must be one of [identity, relu, tanh, sigmoid], found 'swish'",
                message(() -> HeadActivation.parse("model.head.activation", "swish")));
    }

    @Test
    void trainingSpecNamesFieldAndValue() {
        assertEquals("training.learning-rate must be > 0 and finite, found 0.0",
                message(() -> TrainingSpec.builder().learningRate(0).build()));
        assertEquals("training.batch-size must be > 0, found 0",
                message(() -> TrainingSpec.builder().batchSize(0).build()));
        assertEquals("training.max-epochs must be > 0, found -2",
                message(() -> TrainingSpec.builder().maxEpochs(-2).build()));
        assertEquals("training.patience must be > 0, found 0",
                message(() -> TrainingSpec.builder().patience(0).build()));
        assertEquals("training.gradient-clip-norm must be >= 0 (0 = off), found -1.0",
                message(() -> TrainingSpec.builder().gradientClipNorm(-1).build()));
        assertEquals("training.l2 must be >= 0, found NaN",
                message(() -> TrainingSpec.builder().l2(Double.NaN).build()));
        assertEquals("training.threads must be > 0, found 0",
                message(() -> TrainingSpec.builder().threads(0).build()));
        assertEquals("training.optimizer must be one of [adam, adamw, sgd, rmsprop], found 'lbfgs'",
                message(() -> Optimizer.parse("training.optimizer", "lbfgs")));
        assertEquals(Optimizer.ADAMW, Optimizer.parse("training.optimizer", "AdamW"));
    }

    @Test
    void specCopiesItsLists() {
        List<Integer> units = new ArrayList<>(List.of(8, 4));
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(units).build();
        units.set(0, 99);
        assertEquals(List.of(8, 4), spec.lstmHiddenUnits());
    }

    @Test
    void samplesRejectRaggedShapes() {
        float[][][] x = {{{1f}, {2f}}, {{1f}}};
        float[][] y = {{1f}, {2f}};
        assertEquals("samples.x[1] must have 2 steps, found 1", message(() -> new Samples(x, y)));
        assertEquals("samples: x and y must have the same count, found x=2 y=1",
                message(() -> new Samples(new float[][][] {{{1f}}, {{1f}}}, new float[][] {{1f}})));
    }
}
