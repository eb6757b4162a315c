package io.closecast.serving.http.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void theFastDoubleParserReadsExactlyWhatDoubleParseDoubleReads() {
        SplittableRandom rng = new SplittableRandom(3);
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double price = Math.exp(rng.nextDouble(-8, 12));
            numbers.add(switch (i % 5) {
                case 0 -> Double.toString(price);                       // shortest round trip
                case 1 -> String.format(java.util.Locale.ROOT, "%.2f", price);                  // cents, as users send prices
                case 2 -> String.format(java.util.Locale.ROOT, "%.17g", price).trim();          // more digits than a double holds
                case 3 -> Double.toString(Float.intBitsToFloat(rng.nextInt(0x3f000000, 0x4f000000)));
                default -> rng.nextLong(1, Long.MAX_VALUE) + "e-" + rng.nextInt(1, 30);
            });
        }
        String body = "{\"closes\":[" + String.join(",", numbers) + "]}";
        JsonNode closes = JsonText.parse(body.getBytes(StandardCharsets.UTF_8)).get("closes");
        assertEquals(numbers.size(), closes.size());
        for (int i = 0; i < numbers.size(); i++) {
            assertEquals(Double.doubleToLongBits(Double.parseDouble(numbers.get(i))),
                    Double.doubleToLongBits(closes.get(i).doubleValue()), numbers.get(i));
        }
    }
}
