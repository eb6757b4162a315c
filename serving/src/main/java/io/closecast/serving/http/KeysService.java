package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.security.IssuedKey;
import io.closecast.serving.security.IssuedKeys;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Keys issued by the service, behind an admin key ({@code ApiKeyFilter}): {@code POST /v1/keys} issues one (the key
 * in the answer, once), {@code GET /v1/keys} lists them (never the key), {@code DELETE /v1/keys/{id}} revokes one.
 * 404 {@code issued_keys_off} when no store keeps them (the forecast log is off and no issued-keys file is set).
 */
public final class KeysService implements io.helidon.webserver.http.HttpService {

    private static final Set<String> FIELDS = Set.of("name", "expires_at");

    private final Optional<IssuedKeys> keys;
    private final long maxBodyBytes;
    private final Clock clock;

    public KeysService(Optional<IssuedKeys> keys, long maxBodyBytes, Clock clock) {
        this.keys = keys;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/keys", this::issue)
                .get("/v1/keys", this::list)
                .any("/v1/keys", (req, res) -> Responses.methodNotAllowed(req, res, "GET, POST"))
                .delete("/v1/keys/{id}", this::revoke)
                .any("/v1/keys/{id}", (req, res) -> Responses.methodNotAllowed(req, res, "DELETE"));
    }

    private IssuedKeys keys() {
        return keys.orElseThrow(() -> ApiException.create(404, "issued_keys_off",
                "track.enabled: expected true for issued keys (kept in the forecast log's database), or"
                        + " security.issued-keys-file (a file), found neither"));
    }

    private void issue(ServerRequest req, ServerResponse res) {
        IssuedKeys k = keys();
        Bodies.requireType(req, "application/json");
        JsonNode root = JsonText.requireObject(JsonText.parse(Bodies.read(req, maxBodyBytes)));
        Inputs.onlyFields(root, FIELDS, "the body");
        JsonNode nameNode = root.get("name");
        if (nameNode == null || nameNode.isNull()) {
            throw ApiException.badField("name", "expected a name for the key, found none");
        }
        if (!nameNode.isTextual() || nameNode.asText().isBlank() || nameNode.asText().length() > IssuedKeys.MAX_NAME) {
            throw ApiException.badField("name", "expected a non-blank string of at most " + IssuedKeys.MAX_NAME
                    + " characters, found " + JsonText.abbreviate(nameNode.toString()));
        }
        Optional<Instant> expires = Optional.empty();
        JsonNode exp = root.get("expires_at");
        if (exp != null && !exp.isNull()) {
            Instant at;
            try {
                at = exp.isTextual() ? Instant.parse(exp.asText()) : null;
            } catch (DateTimeParseException e) {
                at = null;
            }
            if (at == null) {
                throw ApiException.badField("expires_at", "expected an ISO-8601 UTC instant such as 2027-01-31T00:00:00Z, found "
                        + JsonText.abbreviate(exp.toString()));
            }
            if (!at.isAfter(clock.instant())) {
                throw ApiException.badField("expires_at", "expected an instant in the future, found " + at);
            }
            expires = Optional.of(at);
        }
        IssuedKeys.Issued issued = k.issue(nameNode.asText().strip(), expires);
        StringBuilder sb = new StringBuilder(256).append("{\"key\":");
        JsonText.quote(sb, issued.key());
        describe(sb.append(','), issued.info());
        res.header(io.helidon.http.HeaderNames.CACHE_CONTROL, "no-store");
        Responses.json(res, 201, sb.append('}'));
    }

    private void list(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(256).append("{\"keys\":[");
        boolean first = true;
        for (IssuedKey k : keys().list()) {
            describe(sb.append(first ? "{" : ",{"), k);
            sb.append('}');
            first = false;
        }
        Responses.json(res, 200, sb.append("]}"));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!keys().revoke(id)) {
            throw ApiException.create(404, "key_not_found", "id: expected the id of an issued key not yet revoked, found "
                    + JsonText.abbreviate(id));
        }
        StringBuilder sb = new StringBuilder("{\"id\":");
        JsonText.quote(sb, id);
        Responses.json(res, 200, sb.append(",\"revoked\":true}"));
    }

    private void describe(StringBuilder sb, IssuedKey k) {
        sb.append("\"id\":");
        JsonText.quote(sb, k.id());
        sb.append(",\"name\":");
        JsonText.quote(sb, k.name());
        sb.append(",\"created\":\"").append(k.created()).append('"');
        sb.append(",\"expires_at\":").append(k.expires().map(i -> "\"" + i + "\"").orElse("null"));
        sb.append(",\"expired\":").append(k.expiredAt(clock.instant()));
        sb.append(",\"last_used\":").append(k.lastUsed().map(i -> "\"" + i + "\"").orElse("null"));
    }
}
