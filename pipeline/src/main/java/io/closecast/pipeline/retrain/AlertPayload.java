package io.closecast.pipeline.retrain;

import io.closecast.pipeline.PipelineException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Alertmanager's webhook payload, version 4 (the fields a retrain needs): {@code version}, and per alert its
 * {@code status} ({@code firing} or {@code resolved}), {@code labels.alertname}, {@code fingerprint} and
 * {@code startsAt}. {@link #parse} refuses anything else naming the field, the value and what was expected.
 *
 * @param alerts the alerts, in the payload's order
 */
public record AlertPayload(List<Alert> alerts) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public AlertPayload {
        alerts = List.copyOf(alerts);
    }

    /** One alert: its name, whether it fires, and what identifies one firing of it. */
    public record Alert(String name, boolean firing, String fingerprint, String startsAt) {
        public Alert {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(startsAt, "startsAt");
        }

        /** One firing: the same alert firing again after it resolved is a new one. */
        public String firingId() {
            return fingerprint + "@" + startsAt;
        }
    }

    /** A payload that is not Alertmanager's version 4: the message names the field. */
    public static final class Malformed extends PipelineException {
        Malformed(String message) {
            super(message);
        }
    }

    public static AlertPayload parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Malformed("body must be Alertmanager's webhook JSON, found invalid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("body must be a JSON object (Alertmanager's webhook payload), found "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        if (!"4".equals(root.path("version").asText(""))) {
            throw new Malformed("version must be \"4\" (Alertmanager's webhook payload), found " + root.path("version"));
        }
        JsonNode alerts = root.path("alerts");
        if (!alerts.isArray()) {
            throw new Malformed("alerts must be an array, found " + (alerts.isMissingNode() ? "nothing" : alerts.toString()));
        }
        List<Alert> parsed = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode a = alerts.get(i);
            String where = "alerts[" + i + "]";
            String status = text(a, "status", where);
            if (!status.equals("firing") && !status.equals("resolved")) {
                throw new Malformed(where + ".status must be firing or resolved, found \"" + status + "\"");
            }
            String name = text(a.path("labels"), "alertname", where + ".labels");
            parsed.add(new Alert(name, status.equals("firing"), text(a, "fingerprint", where), text(a, "startsAt", where)));
        }
        return new AlertPayload(parsed);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new Malformed(where + "." + field + " must be a non-empty string, found "
                    + (value.isMissingNode() ? "nothing" : value.toString()));
        }
        return value.asText();
    }
}
