package io.closecast.serving.http.support;

import io.closecast.serving.http.filter.ConnectionGuard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.time.Duration;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

/** Reads request bodies with a size limit and checks their content type. */
public final class Bodies {

    /** When the body of the request being answered must have arrived ({@link System#nanoTime}); set per request by {@link ConnectionGuard}. */
    public record Deadline(long nanos, Duration timeout) {
    }

    private Bodies() {
    }

    /** The body as bytes; 413 when it is larger than {@code maxBytes} (by Content-Length or as read). */
    public static byte[] read(ServerRequest req, long maxBytes) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw tooLarge(declared.getAsLong() + " bytes", maxBytes);
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        Optional<Deadline> deadline = req.context().get(Deadline.class);
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
        byte[] buf = new byte[(int) Math.min(limit + 1L, declared.isPresent() ? declared.getAsLong() + 1 : 8192)];
        int n = 0;
        try (InputStream in = req.content().inputStream()) {
            for (;;) {
                if (n == buf.length) {
                    if (buf.length > limit) {
                        throw tooLarge("more than " + limit + " bytes", maxBytes);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, limit + 1L));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                if (n > limit) {
                    throw tooLarge("more than " + limit + " bytes", maxBytes);
                }
                if (deadline.isPresent() && System.nanoTime() - deadline.get().nanos() > 0) {
                    throw ApiException.create(408, "body_timeout", "body: expected the whole body within "
                            + deadline.get().timeout().toMillis() + " ms, found " + n + " bytes by then");
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            throw ApiException.create(408, "body_timeout", "body: expected the rest of the body, found none for the read timeout");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof java.net.SocketTimeoutException) {
                throw ApiException.create(408, "body_timeout", "body: expected the rest of the body, found none for the read timeout");
            }
            throw e;
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // the web server's decoding of the body (a chunk size that is not a number, too large, ...)
            throw ApiException.malformed("body: expected a well-formed HTTP/1.1 body (Content-Length or chunked), found "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : JsonText.abbreviate(e.getMessage())));
        }
        if (deadline.isPresent() && System.nanoTime() - deadline.get().nanos() > 0) {
            throw ApiException.create(408, "body_timeout", "body: expected the whole body within "
                    + deadline.get().timeout().toMillis() + " ms, found it later");
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private static ApiException tooLarge(String found, long maxBytes) {
        return ApiException.create(413, "body_too_large",
                "body: expected at most " + maxBytes + " bytes, found " + found);
    }

    /**
     * Checks the Content-Type against the accepted ones (type/subtype, parameters ignored) and returns the
     * one that matched; 415 otherwise.
     */
    public static String requireType(ServerRequest req, String... accepted) {
        String expected = "Content-Type: expected " + String.join(" or ", accepted);
        Optional<String> raw = req.headers().first(HeaderNames.CONTENT_TYPE).filter(v -> !v.isBlank());
        if (raw.isEmpty()) {
            throw ApiException.create(415, "unsupported_media_type", expected + ", found none");
        }
        String found;
        try {
            HttpMediaType type = HttpMediaType.create(raw.get());
            found = (type.mediaType().type() + "/" + type.mediaType().subtype()).toLowerCase(Locale.ROOT);
        } catch (RuntimeException e) {
            throw ApiException.create(415, "unsupported_media_type", expected + ", found the unparseable "
                    + JsonText.abbreviate(raw.get()));
        }
        for (String a : accepted) {
            if (a.equals(found)) {
                return a;
            }
        }
        throw ApiException.create(415, "unsupported_media_type", expected + ", found " + JsonText.abbreviate(found));
    }

}
