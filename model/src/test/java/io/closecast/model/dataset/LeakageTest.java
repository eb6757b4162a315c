package io.closecast.model.dataset;

import io.closecast.model.TestData;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changing any value after the training (and validation) period must not change what training sees. */
class LeakageTest {

    private static final PriceSeries MSFT = TestData.read("MSFT.csv");

    @Test
    void testPeriodValuesDoNotReachScalerOrTrainingWindowsWithDateSplit() {
        LocalDate validationEnd = LocalDate.of(2022, 12, 30);
        DatasetSpec spec = DatasetSpec.builder().horizon(3).window(40)
                .features(List.of(Feature.TARGET, Feature.LOG_VOLUME, Feature.HIGH_LOW_RANGE, Feature.GARMAN_KLASS))
                .split(Split.dates(LocalDate.of(2020, 12, 31), validationEnd)).build();
        assertNoLeak(spec, d -> d.isAfter(validationEnd), true);
    }

    @Test
    void testPeriodValuesDoNotReachScalerOrTrainingWindowsWithFractionSplit() {
        for (ScalerKind kind : ScalerKind.values()) {
            for (TargetTransform transform : TargetTransform.values()) {
                DatasetSpec spec = DatasetSpec.builder().scaler(kind).transform(transform).horizon(2).build();
                LocalDate validationEnd = DatasetBuilder.prepare(MSFT, spec).validationRange().orElseThrow().to();
                assertNoLeak(spec, d -> d.isAfter(validationEnd), true);
            }
        }
    }

    @Test
    void aChangeInsideTheTrainingPeriodDoesChangeTheScaler() {
        // The control: the same comparison notices a change where one must show.
        DatasetSpec spec = DatasetSpec.builder().split(Split.dates(LocalDate.of(2020, 12, 31), LocalDate.of(2022, 12, 30))).build();
        assertNoLeak(spec, d -> d.getYear() == 2020, false);
    }

    private static void assertNoLeak(DatasetSpec spec, Predicate<LocalDate> changed, boolean expectSame) {
        PreparedData original = DatasetBuilder.prepare(MSFT, spec);
        List<PriceBar> bars = new ArrayList<>();
        int changedRows = 0;
        for (PriceBar b : MSFT.bars()) {
            if (changed.test(b.date())) {
                bars.add(new PriceBar(b.date(), b.open() * 3, b.high() * 3.2, b.low() * 2.9, b.close() * 3.1,
                        b.adjClose() * 3.1, b.volume() * 5 + 7));
                changedRows++;
            } else {
                bars.add(b);
            }
        }
        assertTrue(changedRows > 100, "the test changes many rows, found " + changedRows);
        PreparedData tampered = DatasetBuilder.prepare(MSFT.withBars(bars), spec);

        if (expectSame) {
            assertEquals(original.codec().scaler(), tampered.codec().scaler());
            assertEquals(original.codec(), tampered.codec());
            assertTrue(Arrays.deepEquals(original.train().inputs(), tampered.train().inputs()));
            assertTrue(Arrays.deepEquals(original.train().targets(), tampered.train().targets()));
            assertTrue(Arrays.deepEquals(original.validation().inputs(), tampered.validation().inputs()));
            assertTrue(Arrays.deepEquals(original.validation().targets(), tampered.validation().targets()));
            assertEquals(original.train().targetDates(), tampered.train().targetDates());
            assertEquals(original.scalerFitRange(), tampered.scalerFitRange());
            // The change did reach the data: the test part and the digest differ.
            assertFalse(Arrays.deepEquals(original.test().targets(), tampered.test().targets()));
            assertNotEquals(original.dataset().sha256(), tampered.dataset().sha256());
        } else {
            assertNotEquals(original.codec().scaler(), tampered.codec().scaler());
            assertFalse(Arrays.deepEquals(original.train().inputs(), tampered.train().inputs()));
        }
    }
}
