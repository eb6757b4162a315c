package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.security.WebhookVerifier;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/webhooks/mlflow}: MLflow 3 registry webhooks. A signed {@code model_version_alias.created} event
 * for a served model and the alias it follows triggers an immediate check of that model (the watcher would find the move on its next poll
 * anyway). Authenticated by the HMAC signature, not by API key; refused (403) when no webhook secret is configured.
 */
public final class WebhookService implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
    static final HeaderName SIGNATURE = HeaderNames.create("X-MLflow-Signature");
    static final HeaderName DELIVERY_ID = HeaderNames.create("X-MLflow-Delivery-Id");
    static final HeaderName TIMESTAMP = HeaderNames.create("X-MLflow-Timestamp");

    private final ModelFleet models;
    private final Optional<WebhookVerifier> verifier;
    private final long maxBodyBytes;

    public WebhookService(ModelFleet models, Optional<WebhookVerifier> verifier, long maxBodyBytes) {
        this.models = models;
        this.verifier = verifier;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/webhooks/mlflow", this::webhook)
                .any("/v1/webhooks/mlflow", (req, res) -> Responses.methodNotAllowed(req, res, "POST"));
    }

    private void webhook(ServerRequest req, ServerResponse res) {
        WebhookVerifier v = verifier.orElseThrow(() -> ApiException.create(403, "webhook_disabled",
                "webhook: expected webhook.secret (CLOSECAST_WEBHOOK_SECRET) to be configured, found none; deliveries are refused"));
        Bodies.requireType(req, "application/json");
        byte[] body = Bodies.read(req, maxBodyBytes);
        v.verify(header(req, DELIVERY_ID), header(req, TIMESTAMP), header(req, SIGNATURE), body);
        JsonNode root = JsonText.requireObject(JsonText.parse(body));
        String entity = root.path("entity").asText("");
        String action = root.path("action").asText("");
        JsonNode data = root.path("data");
        String alias = data.path("alias").asText("");
        Optional<ModelManager> target = entity.equals("model_version_alias")
                ? models.find(data.path("name").asText("")).filter(m -> m.alias().equals(alias))
                        .or(() -> models.shadow(data.path("name").asText("")).filter(m -> m.alias().equals(alias)))
                : Optional.empty();
        boolean relevant = target.isPresent();
        if (relevant) {
            LOG.info("Webhook {}: {} {} {}.{} -> v{}; checking now", header(req, DELIVERY_ID), entity, target.get().name(),
                    action, alias, data.path("version").asText("?"));
            target.get().checkNow();
        }
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"accepted\":true,\"check_triggered\":").append(relevant).append(",\"event\":");
        JsonText.quote(sb, entity + "." + action);
        sb.append('}');
        Responses.json(res, 202, sb);
    }

    private static String header(ServerRequest req, HeaderName name) {
        return req.headers().first(name).orElseThrow(() -> ApiException.badField(name.defaultCase(),
                "expected the header MLflow sends with each delivery, found none"));
    }
}
