package io.closecast.model.dataset;

import io.closecast.model.ModelException;
import io.closecast.model.TestData;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code garman-klass} feature: the Garman-Klass volatility of a bar, as training and serving encode it. */
class GarmanKlassFeatureTest {

    private static final LocalDate DAY = LocalDate.of(2024, 3, 1);

    @Test
    void aHandWorkedBar() {
        // O 100, H 110, L 95, C 105:
        //   ln(H/L) = ln(1.1578947) = 0.1466035, squared 0.0214926, half of it 0.0107463
        //   ln(C/O) = ln(1.05)      = 0.0487902, squared 0.0023805, times 2 ln 2 - 1 = 0.3862944: 0.0009196
        //   variance 0.0107463 - 0.0009196 = 0.0098267, volatility sqrt(0.0098267) = 0.0991298
        double gk = ForecastCodec.garmanKlass(new PriceBar(DAY, 100, 110, 95, 105, 105, 1000));
        assertEquals(0.0991298, gk, 1e-7);
        // Open = Close: the open-to-close term vanishes and the volatility is ln(H/L) / sqrt(2)
        assertEquals(Math.log(110.0 / 95) / Math.sqrt(2), ForecastCodec.garmanKlass(new PriceBar(DAY, 100, 110, 95, 100, 100, 0)), 1e-15);
        assertEquals(0.0, ForecastCodec.garmanKlass(new PriceBar(DAY, 50, 50, 50, 50, 50, 0)), "a flat bar has none");
        // Open and Close at opposite ends of the range: the smallest variance the estimator gives, 0.5 - 0.386 of ln(H/L)^2
        double u = Math.log(110.0 / 95);
        assertEquals(Math.sqrt((0.5 - (2 * Math.log(2) - 1)) * u * u),
                ForecastCodec.garmanKlass(new PriceBar(DAY, 95, 110, 95, 110, 110, 0)), 1e-15);
    }

    @Test
    void aBarWithoutAUsableOpenIsRefusedByName() {
        ModelException missing = assertThrows(ModelException.class,
                () -> ForecastCodec.garmanKlass(new PriceBar(DAY, Double.NaN, 110, 95, 105, 105, 0)));
        assertEquals("feature GARMAN_KLASS on 2024-03-01 needs Open, High, Low and Close as finite numbers > 0,"
                + " found Open=NaN High=110.0 Low=95.0 Close=105.0", missing.getMessage());
        ModelException zero = assertThrows(ModelException.class,
                () -> ForecastCodec.garmanKlass(new PriceBar(DAY, 0, 110, 95, 105, 105, 0)));
        assertTrue(zero.getMessage().contains("found Open=0.0 "), zero.getMessage());
        ModelException above = assertThrows(ModelException.class,
                () -> ForecastCodec.garmanKlass(new PriceBar(DAY, 120, 110, 95, 105, 105, 0)));
        assertEquals("feature GARMAN_KLASS on 2024-03-01 needs Low <= Open <= High and Low <= Close <= High,"
                + " found Open=120.0 High=110.0 Low=95.0 Close=105.0", above.getMessage());
        ModelException below = assertThrows(ModelException.class,
                () -> ForecastCodec.garmanKlass(new PriceBar(DAY, 90, 110, 95, 105, 105, 0)));
        assertTrue(below.getMessage().contains("Low <= Open <= High"), below.getMessage());
        // the download rounding PriceChecks tolerates is tolerated here too
        assertEquals(0.0, ForecastCodec.garmanKlass(new PriceBar(DAY, 50 * (1 + 1e-12), 50, 50, 50, 50, 0)), 1e-9);
    }

    @Test
    void theFeatureIsEncodedPerBarWithTheTrainingScaler() {
        PriceSeries msft = TestData.read("MSFT.csv");
        DatasetSpec spec = DatasetSpec.builder().features(List.of(Feature.TARGET, Feature.GARMAN_KLASS))
                .scaler(ScalerKind.STANDARD).window(20).build();
        PreparedData data = DatasetBuilder.prepare(msft, spec);
        WindowSet test = data.test();
        int last = test.size() - 1;
        List<PriceBar> history = msft.bars().subList(0, msft.size() - 1);
        float[][] input = data.codec().encode(history);
        assertArrayEquals(test.inputs()[last], input);
        PriceBar newest = history.getLast();
        assertEquals(ForecastCodec.garmanKlass(newest), data.codec().scaler().unscale(1, input[19][1]), 1e-6);
        assertTrue(ForecastCodec.garmanKlass(newest) > 0, "a real day has a range");
    }

    @Test
    void preparingDataWithAnOpenAboveItsHighFailsNamingTheDay() {
        // PriceChecks has no Open-in-range check (Close only): the feature itself refuses the bar, in training as in serving
        PriceSeries msft = TestData.read("MSFT.csv").between(LocalDate.of(2020, 1, 1), LocalDate.of(2021, 12, 31));
        List<PriceBar> bars = new java.util.ArrayList<>(msft.bars());
        PriceBar b = bars.get(100);
        bars.set(100, new PriceBar(b.date(), b.high() * 1.5, b.high(), b.low(), b.close(), b.adjClose(), b.volume()));
        DatasetSpec spec = DatasetSpec.builder().features(List.of(Feature.TARGET, Feature.GARMAN_KLASS)).window(20).build();
        ModelException e = assertThrows(ModelException.class, () -> DatasetBuilder.prepare(msft.withBars(bars), spec));
        assertTrue(e.getMessage().startsWith("feature GARMAN_KLASS on " + b.date()
                + " needs Low <= Open <= High and Low <= Close <= High, found Open=" + b.high() * 1.5), e.getMessage());
    }
}
