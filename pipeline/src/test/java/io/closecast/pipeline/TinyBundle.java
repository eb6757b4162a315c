package io.closecast.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.bundle.ModelBundle;
import io.closecast.model.dataset.Feature;
import io.closecast.model.dataset.ForecastCodec;
import io.closecast.model.dataset.Scaler;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.Target;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.LstmWeights;
import io.closecast.model.lstm.ModelSpec;

/** A tiny real model bundle (one LSTM layer of 2 units, window 5, every weight the same), sealed as training seals one. */
final class TinyBundle {
    private TinyBundle() {
    }

    static Path write(Path dir, String runId, float weight) throws Exception {
        Files.createDirectories(dir);
        ModelSpec spec = ModelSpec.builder().lstmHiddenUnits(List.of(2)).headActivation(HeadActivation.IDENTITY)
                .inputFeatures(1).horizon(1).build();
        new LstmWeights(spec, List.of(new LstmWeights.Lstm(1, 2, filled(8, weight), filled(16, weight), filled(8, weight))),
                List.of(), new LstmWeights.Dense(2, 1, filled(2, weight), filled(1, weight)))
                .write(dir.resolve(LstmWeights.FILE_NAME));
        ForecastCodec codec = new ForecastCodec(Target.CLOSE, TargetTransform.LEVEL, List.of(Feature.TARGET), 5, 1,
                new Scaler(ScalerKind.MIN_MAX, List.of("Close"), new double[] {90}, new double[] {20}));
        Files.writeString(dir.resolve(ForecastModel.CODEC_FILE), codec.toJson());
        Map<String, Object> flavor = new LinkedHashMap<>();
        flavor.put("weights", LstmWeights.FILE_NAME);
        flavor.put("codec", ForecastModel.CODEC_FILE);
        flavor.put("target", "close");
        flavor.put("symbol", "TEST");
        flavor.put("train_range", "2020-01-02..2020-06-30");
        flavor.put("test_range", "2020-09-01..2020-12-31");
        ModelBundle.seal(dir, new ModelBundle.MlModel(runId, "model", "2026-12-07T00:00:00Z", "uuid-" + runId, flavor,
                "[]", "[]", "input_example.json"));
        return dir;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
