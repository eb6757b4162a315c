package io.closecast.model.dataset;

import io.closecast.model.ModelException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ForecastCodecTest {

    private static final double[] PRICES = {100, 101, 99, 102, 104};

    /** A price codec over a 3-step window with an identity scaler, so encode's output is the transform's value. */
    private static ForecastCodec codec(TargetTransform transform) {
        Scaler identity = new Scaler(ScalerKind.STANDARD, List.of("TARGET"), new double[] {0}, new double[] {1});
        return new ForecastCodec(Target.CLOSE, transform, List.of(Feature.TARGET), 3, 1, identity);
    }

    @Test
    void encodeGivesEachTransformsValueOfTheLastWindow() {
        for (TargetTransform transform : TargetTransform.values()) {
            float[][] input = codec(transform).encode(PRICES);
            assertEquals(3, input.length, transform.name());
            for (int i = 0; i < 3; i++) {
                int t = PRICES.length - 3 + i;
                double expected = switch (transform) {
                    case LEVEL -> PRICES[t];
                    case WINDOW_RELATIVE -> PRICES[t] / PRICES[PRICES.length - 1] - 1;
                    case LOG_RETURN -> Math.log(PRICES[t] / PRICES[t - 1]);
                };
                assertEquals((float) expected, input[i][0], transform + " step " + i);
            }
        }
    }

    @Test
    void encodeRefusesABadPriceNamingItsIndexAndValue() {
        for (TargetTransform transform : TargetTransform.values()) {
            // index 3 is inside every transform's window; 4 is the last price (window-relative divides by it);
            // 1 is read only as the log return's previous price
            int[] indices = transform == TargetTransform.LOG_RETURN ? new int[] {1, 3, 4} : new int[] {3, 4};
            for (int at : indices) {
                for (double bad : new double[] {0, -2.5, Double.NaN, Double.POSITIVE_INFINITY}) {
                    double[] prices = PRICES.clone();
                    prices[at] = bad;
                    ModelException e = assertThrows(ModelException.class, () -> codec(transform).encode(prices),
                            transform + " prices[" + at + "] = " + bad);
                    assertTrue(e.getMessage().equals("price must be a finite number > 0, found " + bad + " (prices[" + at + "])"),
                            transform + ": " + e.getMessage());
                }
            }
        }
    }
}
