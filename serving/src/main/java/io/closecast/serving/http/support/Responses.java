package io.closecast.serving.http.support;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writing JSON answers and the shared error handlers (404, 405, the mapped exceptions). */
public final class Responses {

    public static final HeaderName MODEL_VERSION = HeaderNames.create("X-Model-Version");
    /** How many of the given closes the forecast used (the window's length: a longer history's end is used). */
    /** The id a dated forecast is logged under (docs/serving.md, The forecast log); on every forecast answer. */
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    public static final HeaderName CLOSES_USED = HeaderNames.create("X-Closes-Used");
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    /** Kinds of unexpected failure (exception class and throwing frame) whose stack trace was logged once already. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private Responses() {
    }

    public static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body);
    }

    public static void json(ServerResponse res, int status, CharSequence body) {
        json(res, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static void error(ServerResponse res, int status, ApiError error) {
        json(res, status, error.toJson());
    }

    /**
     * The error in the shape of the protocol the request's path speaks: the Open Inference Protocol's
     * {@code {"error": "message"}} under {@code /v2}, else {@link ApiError}'s.
     */
    public static void error(ServerRequest req, ServerResponse res, int status, ApiError error) {
        json(res, status, oip(req.path().path()) ? error.toOipJson() : error.toJson());
    }

    /** Whether a path is the Open Inference Protocol's ({@code /v2} and below). */
    public static boolean oip(String path) {
        return path.equals("/v2") || path.startsWith("/v2/");
    }

    /** The catch-all route: no endpoint has this path. */
    public static void notFound(ServerRequest req, ServerResponse res) {
        error(req, res, 404, ApiError.create("not_found", "path: expected one of the documented endpoints (GET /openapi), found "
                + req.prologue().method().text() + " " + JsonText.abbreviate(req.path().path())));
    }

    /** Registered after an endpoint's own methods: the path exists but not for this method. */
    public static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
        res.header(HeaderNames.ALLOW, allowed);
        error(req, res, 405, ApiError.create("method_not_allowed", "method: expected " + allowed + " for "
                + req.path().path() + ", found " + req.prologue().method().text()));
    }

    /**
     * The one place a failure becomes a JSON error: {@link ApiException} as it says; a domain exception as
     * {@link DomainErrors} maps it; the web server's own
     * request errors (an unparseable header, a malformed chunk) as their 4xx; anything else as a 500 whose stack
     * trace is logged once per kind (exception class and throwing frame), later ones as one line.
     */
    public static void failure(ServerRequest req, ServerResponse res, Throwable e) {
        Optional<ApiException> refused = e instanceof ApiException api ? Optional.of(api) : DomainErrors.toApi(e);
        if (refused.isPresent()) {
            error(req, res, refused.get().status(), refused.get().toError());
            return;
        }
        int status = clientStatus(e);
        if (status > 0) {
            error(req, res, status, ApiError.create(status == 413 ? "body_too_large" : "bad_request",
                    "request: expected well-formed HTTP/1.1, found " + clientProblem(e)));
            return;
        }
        String kind = kind(e);
        if (LOGGED.add(kind)) {
            LOG.warn("Unexpected failure on {} {} (stack trace logged once for {})", req.prologue().method().text(),
                    req.path().path(), kind, e);
        } else {
            LOG.warn("Unexpected failure on {} {}: {} (stack trace logged before)", req.prologue().method().text(),
                    req.path().path(), kind);
        }
        error(req, res, 500, ApiError.create("internal_error", "the server failed to answer this request; the failure is logged"));
    }

    /** The 4xx a web-server error stands for, else 0. */
    private static int clientStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestException re && re.status().code() >= 400 && re.status().code() < 500) {
                return re.status().code();
            }
            if (t instanceof HttpException he && he.status().code() >= 400 && he.status().code() < 500) {
                return he.status().code();
            }
            if (t instanceof RequestException || t instanceof HttpException) {
                return 400; // the web server's own parse errors of client input come typed 500 at times
            }
        }
        return 0;
    }

    private static String clientProblem(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "a request the server could not parse" : JsonText.abbreviate(m.length() > 120 ? m.substring(0, 120) : m);
    }

    private static String kind(Throwable e) {
        StackTraceElement[] at = e.getStackTrace();
        return e.getClass().getName() + (at.length > 0 ? " at " + at[0] : "");
    }

    /**
     * Errors the web server answers before routing (a bad request line, bad headers, a malformed chunk size): a
     * JSON error as every route answers, and the connection closed.
     */
    public static DirectHandler directHandler() {
        return (request, type, status, headers, message) -> {
            // the web server's own failures outside routing are failures to parse the client's bytes: a request line
            // with a non-ASCII method arrives as INTERNAL_ERROR with no parsed method
            boolean unparsed = request.method() == null || request.method().isEmpty();
            int code = status.code() >= 500 && (type == DirectHandler.EventType.BAD_REQUEST
                    || (type == DirectHandler.EventType.INTERNAL_ERROR && unparsed)) ? 400 : status.code();
            String errorCode = code == 413 ? "body_too_large" : code == 431 ? "headers_too_large" : code < 500 ? "bad_request" : "internal_error";
            String text = code < 500
                    ? "request: expected well-formed HTTP/1.1, found " + (message == null || message.isBlank()
                    ? "a request the server could not parse" : JsonText.abbreviate(message))
                    : "the server failed to answer this request; the failure is logged";
            return DirectHandler.TransportResponse.builder()
                    .status(Status.create(code))
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, JSON)
                    .keepAlive(false)
                    .entity(ApiError.create(errorCode, text).toJson())
                    .build();
        };
    }
}
