package io.closecast.serving.http.support;

import io.closecast.serving.ServingException;

import java.util.Optional;

/**
 * A request the service refuses: its HTTP status, a stable error code, the message (what was expected, what
 * was found, where) and the request field at fault, if one is. Mapped to {@link ApiError} in one place.
 */
public final class ApiException extends ServingException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    private ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** 400: the body or a parameter is wrong; {@code field} names it (a JSON path such as {@code closes[3]}). */
    public static ApiException badField(String field, String message) {
        return new ApiException(400, "invalid_field", field + ": " + message, field);
    }

    /** 400: the body cannot be parsed at all. */
    public static ApiException malformed(String message) {
        return new ApiException(400, "malformed_body", message, null);
    }

    public static ApiException create(int status, String code, String message) {
        return new ApiException(status, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The JSON error record this becomes. */
    public ApiError toError() {
        return new ApiError(code, getMessage(), field());
    }
}
