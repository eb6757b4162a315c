package io.closecast.serving.http.support;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.ModelRequiredException;
import io.closecast.serving.models.UnknownModelException;
import io.closecast.serving.security.WebhookRejectedException;
import io.closecast.serving.security.WebhookVerifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Each domain exception of model management becomes its status, code and message. */
class DomainErrorsTest {

    private static String body(ApiException e) {
        return new String(e.toError().toJson(), StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownModelIs404NamingItAndTheServedModels() {
        ApiException e = DomainErrors.toApi(new UnknownModelException("fleet-z\n", List.of("fleet-a", "fleet-b"))).orElseThrow();
        assertEquals(404, e.status());
        assertEquals("{\"error\":{\"code\":\"model_not_found\",\"message\":\"model: expected one of the served models "
                + "fleet-a, fleet-b, found \\\"fleet-z?\\\"\"}}", body(e));
    }

    @Test
    void aSingleModelRouteInAFleetIs409NamingTheRoutesToUse() {
        ApiException predict = DomainErrors.toApi(new ModelRequiredException("/v1/predict", List.of("a", "b"))).orElseThrow();
        assertEquals(409, predict.status());
        assertEquals("model_required", predict.code());
        assertEquals("/v1/predict serves only when exactly one model is configured; this service serves 2 (a, b): use "
                + "/v1/models/{name}/predict, /v1/models/{name}/predict/csv or /v1/models/{name} (GET /v1/models lists them)",
                predict.getMessage());
        ApiException feedback = DomainErrors.toApi(new ModelRequiredException("/v1/feedback", List.of("a", "b"))).orElseThrow();
        assertTrue(feedback.getMessage().contains(
                "use POST /v1/models/{name}/feedback or GET /v1/models/{name}/feedback/summary"), feedback.getMessage());
    }

    @Test
    void aRefusedWebhookIs400ForItsHeadersAnd401ForItsSignature() {
        WebhookVerifier verifier = WebhookVerifier.create("secret", Duration.ofMinutes(5),
                Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC));
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        ApiException malformed = DomainErrors.toApi(assertThrows(WebhookRejectedException.class,
                () -> verifier.verify("d1", "soon\n", "v1,x", body))).orElseThrow();
        assertEquals("{\"error\":{\"code\":\"invalid_field\",\"message\":\"X-MLflow-Timestamp: expected Unix seconds, "
                + "found \\\"soon?\\\"\",\"field\":\"X-MLflow-Timestamp\"}}", body(malformed));
        assertEquals(400, malformed.status());
        ApiException missing = DomainErrors.toApi(assertThrows(WebhookRejectedException.class,
                () -> verifier.verify(" ", "1700000000", "v1,x", body))).orElseThrow();
        assertEquals("X-MLflow-Delivery-Id: expected the delivery id header, found none", missing.getMessage());
        ApiException forged = DomainErrors.toApi(assertThrows(WebhookRejectedException.class,
                () -> verifier.verify("d1", "1700000000", "v1,AAAA", body))).orElseThrow();
        assertEquals(401, forged.status());
        assertEquals("invalid_signature", forged.code());
        assertEquals("X-MLflow-Signature: expected v1,<base64 HMAC-SHA256 of delivery_id.timestamp.payload> with the "
                + "configured secret, found a signature that does not match", forged.getMessage());
        assertTrue(forged.field().isEmpty());
    }

    @Test
    void otherFailuresHaveNoAnswerOfTheirOwn() {
        assertTrue(DomainErrors.toApi(new ServingException("boom")).isEmpty());
        assertTrue(DomainErrors.toApi(new IllegalStateException()).isEmpty());
    }
}
