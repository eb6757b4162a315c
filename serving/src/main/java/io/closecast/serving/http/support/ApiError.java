package io.closecast.serving.http.support;

import java.util.Objects;
import java.util.Optional;

/**
 * The one error body every endpoint answers with:
 * {@code {"error": {"code": "...", "message": "...", "field": "..."}}} ({@code field} only when one is at fault).
 */
public record ApiError(String code, String message, Optional<String> field) {

    public ApiError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(field, "field");
    }

    public static ApiError create(String code, String message) {
        return new ApiError(code, message, Optional.empty());
    }

    /** The Open Inference Protocol's error body, {@code {"error": "message"}} (the message names the field at fault). */
    public byte[] toOipJson() {
        StringBuilder sb = new StringBuilder(16 + message.length());
        sb.append("{\"error\":");
        JsonText.quote(sb, message);
        sb.append('}');
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The JSON body. */
    public byte[] toJson() {
        StringBuilder sb = new StringBuilder(96 + message.length());
        sb.append("{\"error\":{\"code\":");
        JsonText.quote(sb, code);
        sb.append(",\"message\":");
        JsonText.quote(sb, message);
        field.ifPresent(f -> {
            sb.append(",\"field\":");
            JsonText.quote(sb, f);
        });
        sb.append("}}");
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
