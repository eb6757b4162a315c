package io.closecast.serving.track;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request ids are RFC 9562 version 7 UUIDs: the time in ms first, so their text sorts in time order. */
class RequestIdsTest {

    @Test
    void aVersion7UuidCarryingItsMillisecond() {
        long ms = 1_733_580_000_123L; // 2024-12-07T14:00:00.123Z
        UUID id = UUID.fromString(RequestIds.next(ms, new SplittableRandom(7)));
        assertEquals(7, id.version());
        assertEquals(2, id.variant()); // RFC 9562 (IETF) variant
        assertEquals(ms, id.getMostSignificantBits() >>> 16);
        assertTrue(RequestIds.next(ms, new SplittableRandom(7)).startsWith("0193a16b-8b7b-7"), RequestIds.next(ms, new SplittableRandom(7)));
    }

    @Test
    void laterIdsSortAfterEarlierOnesAndNoneRepeat() {
        SplittableRandom random = new SplittableRandom(11);
        Set<String> seen = new HashSet<>();
        String previous = "";
        for (long ms = 1_733_580_000_000L; ms < 1_733_580_000_000L + 5_000; ms++) {
            for (int i = 0; i < 20; i++) {
                String id = RequestIds.next(ms, random);
                assertTrue(seen.add(id), id);
                if (i == 0) {
                    assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
                }
                previous = id;
            }
        }
        assertEquals(36, RequestIds.next().length());
    }
}
