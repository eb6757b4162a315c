package io.closecast.model.evaluation;

import io.closecast.model.ModelException;
import io.closecast.model.TestData;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.prices.PriceSeries;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalkForwardTest {

    private static final PriceSeries MSFT = TestData.read("MSFT.csv");

    @Test
    void foldsAreChronologicalContiguousAndEndOnTheLastDay() {
        DatasetSpec spec = DatasetSpec.builder().window(20).build();
        List<WalkForward.Fold> folds = WalkForward.folds(MSFT, spec, WalkForward.Spec.expanding(3, 250, 100));
        assertEquals(3, folds.size());
        assertEquals(LocalDate.of(2024, 12, 30), folds.get(2).test().to());
        assertEquals("fold 3: train 2010-01-04.." + folds.get(2).train().to() + ", validation "
                + folds.get(2).validation().orElseThrow() + ", test " + folds.get(2).test(), folds.get(2).toString());
        for (int k = 0; k < folds.size(); k++) {
            WalkForward.Fold f = folds.get(k);
            assertEquals(LocalDate.of(2010, 1, 4), f.train().from());
            assertTrue(f.train().to().isBefore(f.validation().orElseThrow().from()));
            assertTrue(f.validation().orElseThrow().to().isBefore(f.test().from()));
            if (k > 0) {
                LocalDate previousEnd = folds.get(k - 1).test().to();
                int previous = indexOf(previousEnd);
                assertEquals(MSFT.bar(previous + 1).date(), f.test().from());
            }
            PreparedData data = WalkForward.prepare(MSFT, spec, f);
            assertEquals(250, data.test().size());
            assertEquals(100, data.validation().size());
            assertEquals(f.test(), data.testRange());
            assertEquals(f.validation().orElseThrow(), data.validationRange().orElseThrow());
            assertEquals(f.train().to(), data.scalerFitRange().to());
        }
    }

    @Test
    void rollingTrainingWindowHasAFixedLength() {
        DatasetSpec spec = DatasetSpec.builder().window(20).build();
        List<WalkForward.Fold> folds = WalkForward.folds(MSFT, spec, new WalkForward.Spec(2, 100, 0, 500));
        for (WalkForward.Fold f : folds) {
            assertEquals(499, indexOf(f.train().to()) - indexOf(f.train().from()));
            assertTrue(f.validation().isEmpty());
            assertEquals(500 - 20, WalkForward.prepare(MSFT, spec, f).train().size());
        }
    }

    @Test
    void tooManyFoldsIsAClearError() {
        ModelException e = assertThrows(ModelException.class,
                () -> WalkForward.folds(MSFT, DatasetSpec.defaults(), WalkForward.Spec.expanding(40, 100, 0)));
        assertTrue(e.getMessage().startsWith("walk-forward fold 1 of 40 needs at least 61 training rows"), e.getMessage());
    }

    private static int indexOf(LocalDate date) {
        for (int i = 0; i < MSFT.size(); i++) {
            if (MSFT.bar(i).date().equals(date)) {
                return i;
            }
        }
        throw new AssertionError("no row on " + date);
    }
}
