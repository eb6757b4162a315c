package io.closecast.training.dl4j;

import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.SineSamples;
import io.closecast.model.train.TrainingSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

class LstmNetworkFactoryTest {

    @Test
    void layerSizesAreDerivedFromThePreviousLayer() {
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(7, 5, 3)).denseUnits(List.of(6, 4))
                .inputFeatures(2).horizon(3).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, TrainingSpec.builder().build());
        long[][] expected = {{2, 7}, {7, 5}, {5, 3}, {3, 6}, {6, 4}, {4, 3}};
        assertEquals(expected.length, net.getnLayers());
        for (int i = 0; i < expected.length; i++) {
            var conf = net.getLayer(i).conf().getLayer();
            FeedForwardLayer ff = (FeedForwardLayer) (conf instanceof LastTimeStep last ? last.getUnderlying() : conf);
            assertArrayEquals(expected[i], new long[] {ff.getNIn(), ff.getNOut()}, "layer " + i);
        }
        // LSTM params: 4u(in + u + 1); dense/output: out(in + 1)
        long params = 4 * 7 * (2 + 7 + 1) + 4 * 5 * (7 + 5 + 1) + 4 * 3 * (5 + 3 + 1) + 6 * (3 + 1) + 4 * (6 + 1)
                + 3 * (4 + 1);
        assertEquals(params, net.numParams());
    }

    @Test
    void outputHasHorizonValuesPerWindow() {
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(4)).inputFeatures(3).horizon(5).build();
        MultiLayerNetwork net = LstmNetworkFactory.create(spec, TrainingSpec.builder().build());
        float[][] out = LstmNetworks.predict(net, SineSamples.random(6, 11, 3, 1));
        assertEquals(6, out.length);
        assertEquals(5, out[0].length);
    }
}
