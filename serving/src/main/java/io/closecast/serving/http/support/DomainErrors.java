package io.closecast.serving.http.support;

import io.closecast.serving.models.ModelRequiredException;
import io.closecast.serving.models.UnknownModelException;
import io.closecast.serving.security.WebhookRejectedException;
import io.closecast.serving.track.TrackStoreException;

import java.util.Optional;

/**
 * The HTTP answer each domain exception stands for: the one table from what went wrong in model management
 * ({@code serving.models}) or in a webhook's signature ({@code serving.security}) to a status, an error code and a
 * message for the client. {@link Responses#failure} consults it.
 */
public final class DomainErrors {

    private DomainErrors() {
    }

    /** The {@link ApiException} {@code e} becomes, or empty when it is no domain exception with an answer of its own. */
    public static Optional<ApiException> toApi(Throwable e) {
        if (e instanceof UnknownModelException unknown) {
            return Optional.of(ApiException.create(404, "model_not_found", "model: expected one of the served models "
                    + String.join(", ", unknown.served()) + ", found " + JsonText.abbreviate(unknown.name())));
        }
        if (e instanceof ModelRequiredException required) {
            String route = required.route();
            String instead = route.startsWith("/v1/feedback")
                    ? "POST /v1/models/{name}/feedback or GET /v1/models/{name}/feedback/summary"
                    : "/v1/models/{name}/predict, /v1/models/{name}/predict/csv or /v1/models/{name}";
            return Optional.of(ApiException.create(409, "model_required", route
                    + " serves only when exactly one model is configured; this service serves " + required.served().size()
                    + " (" + String.join(", ", required.served()) + "): use " + instead + " (GET /v1/models lists them)"));
        }
        if (e instanceof WebhookRejectedException rejected) {
            String expected = rejected.expected() + rejected.found().map(f -> ", found " + JsonText.abbreviate(f)).orElse("");
            return Optional.of(rejected.fault() == WebhookRejectedException.Fault.SIGNATURE
                    ? ApiException.create(401, "invalid_signature", rejected.header() + ": " + expected)
                    : ApiException.badField(rejected.header(), expected));
        }
        if (e instanceof io.closecast.serving.security.IssuedKeyStoreException keyStore) {
            return Optional.of(ApiException.create(503, "key_store_unavailable", "the issued keys' store: expected it "
                    + "to answer, found: " + JsonText.abbreviate(keyStore.getMessage())));
        }
        if (e instanceof TrackStoreException store) {
            return Optional.of(ApiException.create(503, "track_store_unavailable", "the forecast log's store: expected it "
                    + "to answer, found: " + JsonText.abbreviate(store.getMessage())));
        }
        return Optional.empty();
    }
}
