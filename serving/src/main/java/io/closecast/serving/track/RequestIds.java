package io.closecast.serving.track;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids (the {@code X-Request-Id} of every answer, the forecast log's key): version 7 UUIDs (RFC 9562), the
 * 48-bit Unix time in milliseconds first and 74 random bits after it. Time-ordered, so the log's writer appends each
 * batch at the end of the request-id index instead of scattering it over the whole index as random (version 4) ids
 * did; their text sorts in time order to the millisecond. The random part comes from {@link ThreadLocalRandom}:
 * unique in practice across replicas (74 bits per millisecond), not secret, and drawn without the lock that
 * {@link UUID#randomUUID()}'s {@code SecureRandom} shares between request threads.
 */
public final class RequestIds {

    private RequestIds() {
    }

    /** A new id for a request answered now. */
    public static String next() {
        return next(System.currentTimeMillis(), ThreadLocalRandom.current());
    }

    /** The id of a request answered at {@code epochMillis} with random bits from {@code random}. */
    static String next(long epochMillis, java.util.random.RandomGenerator random) {
        long randA = random.nextLong() & 0xFFFL;
        long most = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        long least = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(most, least).toString();
    }
}
