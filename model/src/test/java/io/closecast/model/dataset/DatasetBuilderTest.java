package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.TestData;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceSeries;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetBuilderTest {

    private static final PriceSeries MSFT = TestData.read("MSFT.csv");

    @Test
    void windowsHoldRealMsftCloses() {
        PreparedData data = DatasetBuilder.prepare(MSFT, DatasetSpec.defaults());
        WindowSet test = data.test();
        assertEquals(MSFT.size() - 60, data.train().size() + data.validation().size() + test.size());

        int jan2 = test.targetDates().indexOf(LocalDate.of(2024, 1, 2));
        assertEquals(370.87, test.targetPrices()[jan2][0], 0.005);
        assertEquals(LocalDate.of(2023, 12, 29), test.lastInputDates().get(jan2));
        assertEquals(376.04, test.lastPrices()[jan2], 0.005);
        Scaler scaler = data.codec().scaler();
        assertEquals(376.04, scaler.unscale(0, test.inputs()[jan2][59][0]), 0.01);
        assertEquals(370.87, data.codec().decode(test.targets()[jan2], test.lastPrices()[jan2])[0], 0.01);

        int last = test.size() - 1;
        assertEquals(LocalDate.of(2024, 12, 30), test.targetDates().get(last));
        assertEquals(424.83, test.targetPrices()[last][0], 0.005);
        assertEquals(LocalDate.of(2024, 12, 27), test.lastInputDates().get(last));
        assertEquals(test.lastPrices()[last], test.naivePrices()[last][0]);
        assertEquals(424.83, data.codec().decode(test.targets()[last], test.lastPrices()[last])[0], 0.01);

        // Serving's path (encode raw closes) gives exactly the training input of the same window.
        double[] closes = MSFT.column(PriceColumn.CLOSE);
        double[] recent = Arrays.copyOfRange(closes, closes.length - 61, closes.length - 1);
        assertArrayEquals(test.inputs()[last], data.codec().encode(recent));
    }

    @Test
    void windowRelativeDividesEachWindowByItsLastClose() {
        DatasetSpec spec = DatasetSpec.builder().transform(TargetTransform.WINDOW_RELATIVE).scaler(ScalerKind.STANDARD)
                .window(20).horizon(2).build();
        PreparedData data = DatasetBuilder.prepare(MSFT, spec);
        WindowSet test = data.test();
        Scaler scaler = data.codec().scaler();
        int jan2 = test.targetDates().indexOf(LocalDate.of(2024, 1, 2));
        double last = 376.04; // the close of 2023-12-29, the window's last day
        assertEquals(0.0, scaler.unscale(0, test.inputs()[jan2][19][0]), 1e-6, "the newest input is p[t]/p[t] - 1");
        double[] closes = MSFT.column(PriceColumn.CLOSE);
        int t = MSFT.bars().stream().map(PriceBar::date).toList().indexOf(LocalDate.of(2023, 12, 29));
        assertEquals(closes[t - 19] / closes[t] - 1, scaler.unscale(0, test.inputs()[jan2][0][0]), 1e-6, "the oldest input");
        assertEquals(370.87 / last - 1, scaler.unscale(0, test.targets()[jan2][0]), 1e-6, "target: next close / p[t] - 1");
        assertEquals(370.87, data.codec().decode(test.targets()[jan2], test.lastPrices()[jan2])[0], 0.005);
        assertEquals(closes[t + 2], data.codec().decode(test.targets()[jan2], test.lastPrices()[jan2])[1], 0.005);
        // Serving's path gives exactly the training input, and no range warning: no level is ever seen.
        double[] recent = Arrays.copyOfRange(closes, t - 19, t + 1);
        assertArrayEquals(test.inputs()[jan2], data.codec().encode(recent));
        assertEquals(List.of(), data.rangeWarnings());
        // Offset 0 (a scaled 0 is naive); scale: the root mean square of the training windows' relative inputs.
        assertEquals(0.0, scaler.offset()[0]);
        double sum = 0;
        int n = 0;
        for (float[][] window : data.train().inputs()) {
            for (float[] step : window) {
                double x = scaler.unscale(0, step[0]);
                sum += x * x;
                n++;
            }
        }
        assertEquals(Math.sqrt(sum / n), scaler.scale()[0], 1e-6 * scaler.scale()[0]);
    }

    @Test
    void aLevelModelWarnsWhenLaterPricesLeaveTheScalersTrainingRange() {
        PreparedData data = DatasetBuilder.prepare(MSFT.between(LocalDate.of(2014, 1, 1), LocalDate.of(2024, 12, 31)),
                DatasetSpec.defaults());
        double trainMax = Double.NEGATIVE_INFINITY;
        for (double[] p : data.train().targetPrices()) {
            trainMax = Math.max(trainMax, p[0]);
        }
        assertEquals(1, data.rangeWarnings().size(), data.rangeWarnings().toString());
        String warning = data.rangeWarnings().getFirst();
        // MSFT's 2024 high close (467.56) against the training part's maximum.
        assertTrue(warning.startsWith("prices after " + data.trainRange().to() + " (validation and test, to 2024-12-30) reach 467.6, "
                + String.format(java.util.Locale.ROOT, "%.1f%%", 100 * (467.56 / trainMax - 1)) + " above the training part's maximum"), warning);
        assertTrue(warning.contains("min-max scaler"), warning);
    }

    @Test
    void minMaxScalerIsFittedOnTrainingRowsOnly() {
        PreparedData data = DatasetBuilder.prepare(MSFT, DatasetSpec.defaults());
        assertTrue(!data.scalerFitRange().to().isAfter(data.trainRange().to()));
        assertEquals(data.trainRange().to(), data.scalerFitRange().to());
        float maxTrain = Float.NEGATIVE_INFINITY;
        for (float[] t : data.train().targets()) {
            maxTrain = Math.max(maxTrain, t[0]);
        }
        float maxTest = Float.NEGATIVE_INFINITY;
        for (float[] t : data.test().targets()) {
            maxTest = Math.max(maxTest, t[0]);
        }
        assertTrue(maxTrain <= 1.0f, "train targets scale into [0, 1], found max " + maxTrain);
        // MSFT rose after the training period: test targets lie above the training maximum.
        assertTrue(maxTest > 1.5f, "test targets beyond the training range, found max " + maxTest);
    }

    @Test
    void partsNeverShareTargetsWithLongHorizons() {
        DatasetSpec spec = DatasetSpec.builder().horizon(5).transform(TargetTransform.LOG_RETURN).window(30)
                .split(Split.dates(LocalDate.of(2020, 12, 31), LocalDate.of(2022, 12, 30))).build();
        PreparedData data = DatasetBuilder.prepare(MSFT, spec);
        LocalDate trainEnd = LocalDate.of(2020, 12, 31);
        LocalDate validationEnd = LocalDate.of(2022, 12, 30);
        assertTrue(data.train().lastTargetDates().stream().noneMatch(d -> d.isAfter(trainEnd)));
        assertTrue(data.validation().targetDates().stream().allMatch(d -> d.isAfter(trainEnd)));
        assertTrue(data.validation().lastTargetDates().stream().noneMatch(d -> d.isAfter(validationEnd)));
        assertTrue(data.test().targetDates().stream().allMatch(d -> d.isAfter(validationEnd)));
        // (rows - lookback - window - horizon + 1) windows exist; the 2 * (horizon - 1) straddling a boundary are left out.
        int all = MSFT.size() - 1 - 30 - 5 + 1;
        assertEquals(all - 8, data.train().size() + data.validation().size() + data.test().size());
        assertEquals(LocalDate.of(2020, 12, 31), data.trainRange().to());
        assertEquals(LocalDate.of(2021, 1, 4), data.validationRange().orElseThrow().from());
        assertEquals(LocalDate.of(2024, 12, 30), data.testRange().to());

        // Log returns compound back into the real prices, for every horizon step.
        WindowSet test = data.test();
        for (int i = 0; i < test.size(); i += 97) {
            double[] prices = data.codec().decode(test.targets()[i], test.lastPrices()[i]);
            for (int h = 0; h < 5; h++) {
                assertEquals(test.targetPrices()[i][h], prices[h], test.targetPrices()[i][h] * 1e-4);
            }
        }
    }

    @Test
    void moreFeaturesEncodeTheSameFromBars() {
        DatasetSpec spec = DatasetSpec.builder()
                .features(List.of(Feature.TARGET, Feature.LOG_VOLUME, Feature.HIGH_LOW_RANGE, Feature.LOG_RETURN))
                .scaler(ScalerKind.STANDARD).target(Target.ADJ_CLOSE).window(20).build();
        PreparedData data = DatasetBuilder.prepare(MSFT, spec);
        WindowSet test = data.test();
        int last = test.size() - 1;
        assertEquals(4, test.inputs()[last][0].length);
        List<PriceBar> history = MSFT.bars().subList(0, MSFT.size() - 1);
        assertArrayEquals(test.inputs()[last], data.codec().encode(history));
        assertEquals(MSFT.bars().getLast().adjClose(), test.targetPrices()[last][0]);
        ModelException e = assertThrows(ModelException.class, () -> data.codec().encode(new double[]{1, 2, 3}));
        assertTrue(e.getMessage().startsWith("this model needs bars for its features"), e.getMessage());
        float[][] standardized = data.train().targets();
        double mean = Arrays.stream(standardized).mapToDouble(t -> t[0]).average().orElseThrow();
        assertEquals(0.0, mean, 0.05);
    }

    @Test
    void codecAndScalerRoundTripThroughJson() {
        PreparedData data = DatasetBuilder.prepare(MSFT, DatasetSpec.builder().transform(TargetTransform.LOG_RETURN)
                .scaler(ScalerKind.STANDARD).horizon(3).build());
        ForecastCodec codec = data.codec();
        ForecastCodec back = ForecastCodec.fromJson(codec.toJson());
        assertEquals(codec, back);
        assertEquals(codec.scaler(), Scaler.fromJson(codec.scaler().toJson()));
        double[] closes = MSFT.column(PriceColumn.CLOSE);
        assertArrayEquals(codec.encode(closes), back.encode(closes));
        ModelException e = assertThrows(ModelException.class, () -> ForecastCodec.fromJson("{\"target\":\"CLOSE\"}"));
        assertTrue(e.getMessage().startsWith("expected ForecastCodec JSON"), e.getMessage());
    }

    @Test
    void badSpecsAndShortInputsSayWhatWasExpected() {
        assertEquals("dataset.window must be >= 2, found 1",
                assertThrows(ModelException.class, () -> DatasetSpec.builder().window(1).build()).getMessage());
        assertEquals("dataset.features must start with TARGET, found [LOG_VOLUME]",
                assertThrows(ModelException.class, () -> DatasetSpec.builder().features(List.of(Feature.LOG_VOLUME)).build())
                        .getMessage());
        assertEquals("split.train must be a fraction in (0, 1), found 1.2",
                assertThrows(ModelException.class, () -> Split.fractions(1.2, 0)).getMessage());
        ForecastCodec codec = DatasetBuilder.prepare(MSFT, DatasetSpec.defaults()).codec();
        assertEquals("prices must hold at least 60 values (window 60 + lookback 0), found 3",
                assertThrows(ModelException.class, () -> codec.encode(new double[]{1, 2, 3})).getMessage());
        assertEquals("model output must hold 1 values (the horizon), found 2",
                assertThrows(ModelException.class, () -> codec.decode(new float[2], 1)).getMessage());
    }

    @Test
    void preparedPetr4ReportsDroppedRowsAndDigest() {
        PriceSeries petr = TestData.read("PETR4.SA.csv");
        PreparedData data = DatasetBuilder.prepare(petr, DatasetSpec.defaults());
        assertEquals(55, data.dropped().size());
        assertEquals(petr.size() - 55, data.dataset().rows());
        assertEquals("PETR4.SA", data.dataset().name());
        assertEquals(64, data.dataset().sha256().length());
        assertEquals(data.dataset().sha256().substring(0, 32), data.dataset().digest());
        assertTrue(data.dataset().profile().contains("\"num_rows\":" + (petr.size() - 55)), data.dataset().profile());
        assertTrue(data.dataset().profile().contains("\"first_date\":\"2010-01-04\""), data.dataset().profile());
        assertTrue(data.dataset().schema().startsWith("{\"mlflow_colspec\":["), data.dataset().schema());
        assertTrue(data.describe().startsWith("train "), data.describe());
    }
}
