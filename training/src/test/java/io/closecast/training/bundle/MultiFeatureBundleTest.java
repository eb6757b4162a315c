package io.closecast.training.bundle;

import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;

import io.closecast.model.TestData;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.Feature;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.Samples;
import io.closecast.model.dataset.ScalerKind;
import io.closecast.model.dataset.TargetTransform;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.TrainingSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with more features than the price (here {@code [target, high-low-range]}) needs bars: its bundle's example
 * forecast is computed from the last bars, and the input example holds every bar column, not the target alone.
 */
class MultiFeatureBundleTest {

    @TempDir
    Path dir;

    @Test
    void aTwoFeatureModelIsWrittenWithItsExampleForecastFromBars() throws Exception {
        PriceSeries series = TestData.read("MSFT.csv").between(LocalDate.of(2022, 1, 1), LocalDate.of(2024, 12, 31));
        DatasetSpec spec = DatasetSpec.builder().window(10).horizon(2).transform(TargetTransform.LOG_RETURN)
                .features(List.of(Feature.TARGET, Feature.HIGH_LOW_RANGE)).scaler(ScalerKind.STANDARD).build();
        PreparedData data = DatasetBuilder.prepare(series, spec);
        PriceSeries clean = DatasetBuilder.clean(series, spec).cleaned();
        TrainingResult trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(4)).inputFeatures(2)
                                .horizon(2).build(),
                        TrainingSpec.builder().maxEpochs(1).patience(5).batchSize(32).seed(7).threads(1).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());

        ForecastModel model = BundleWriter.write(dir, trained, data.codec(), new BundleWriter.Provenance("run1", "MSFT",
                data.trainRange(), data.testRange(), data.dataset().sha256(), 7, "test", "model: tiny\n"), clean.bars());

        List<PriceBar> last = clean.bars().subList(clean.size() - model.requiredHistory(), clean.size());
        double[] expected = model.forecast(last);
        String stored = model.mlmodel().setting("example_forecast");
        assertEquals(java.util.Arrays.stream(expected).boxed().toList().toString(), stored);
        com.fasterxml.jackson.databind.JsonNode example = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Files.readString(dir.resolve("input_example.json")));
        assertEquals("[\"Open\",\"High\",\"Low\",\"Close\",\"Adj Close\",\"Volume\"]", example.get("columns").toString());
        assertEquals(model.requiredHistory(), example.get("data").size());
        com.fasterxml.jackson.databind.JsonNode lastRow = example.get("data").get(model.requiredHistory() - 1);
        PriceBar bar = last.getLast();
        assertArrayEquals(new double[]{bar.open(), bar.high(), bar.low(), bar.close(), bar.adjClose(), bar.volume()},
                new double[]{lastRow.get(0).asDouble(), lastRow.get(1).asDouble(), lastRow.get(2).asDouble(),
                        lastRow.get(3).asDouble(), lastRow.get(4).asDouble(), lastRow.get(5).asDouble()}, 0);
    }
}
