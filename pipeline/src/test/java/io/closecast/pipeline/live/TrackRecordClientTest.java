package io.closecast.pipeline.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * What the client makes of the service's answers (the error bodies are serving's ApiError JSON, as its ApiKeyFilter
 * and routes write them) and of the URL it is given. No socket: LiveEvidenceIT runs it against a real service.
 */
class TrackRecordClientTest {
    private static final String URI = "http://svc:8080/v1/models/closecast-msft/track-record";

    private static String failure(int status, String body, boolean keySent) {
        return assertThrows(PipelineException.class,
                () -> TrackRecordClient.answer(URI, "closecast-msft", keySent, status, body)).getMessage();
    }

    @Test
    void okIsTheTrackRecord() throws IOException {
        assertEquals(32, TrackRecordClient.answer(URI, "closecast-msft", false, 200, LiveTrackRecordTest.captured())
                .challenger().orElseThrow().at(1).orElseThrow().days());
    }

    @Test
    void everyFailureSaysWhatToDo() {
        assertEquals("the closecast service at " + URI + " wants an API key (401): set CLOSECAST_API_KEY to one of its"
                + " keys (it is not set); the service says: X-API-Key: expected an API key in X-API-Key or"
                + " Authorization: Bearer, found none", failure(401, "{\"error\":{\"code\":\"unauthenticated\","
                + "\"message\":\"X-API-Key: expected an API key in X-API-Key or Authorization: Bearer, found none\"}}", false));
        assertEquals("the closecast service at " + URI + " refused the API key in CLOSECAST_API_KEY (403): X-API-Key:"
                + " expected one of the configured API keys, found a key that is not one", failure(403,
                "{\"error\":{\"code\":\"forbidden\",\"message\":\"X-API-Key: expected one of the configured API keys,"
                        + " found a key that is not one\"}}", true));
        assertEquals("the closecast service at " + URI + " does not serve model 'closecast-msft' (404): model: expected"
                + " one of the served models [closecast-aapl], found closecast-msft", failure(404, "{\"error\":{\"code\":"
                + "\"model_not_found\",\"message\":\"model: expected one of the served models [closecast-aapl], found"
                + " closecast-msft\"}}", false));
        assertEquals("the closecast service at " + URI + " keeps no track record (404 track_record_off): track.enabled:"
                + " expected true", failure(404, "{\"error\":{\"code\":\"track_record_off\",\"message\":\"track.enabled:"
                + " expected true\"}}", false));
        assertEquals("no track record at " + URI + " (404): is the URL a closecast service? <h1>Not Found</h1>",
                failure(404, "<h1>Not Found</h1>", false));
        assertEquals("the closecast service at " + URI + " answered 500: boom", failure(500, "boom", false));
    }

    @Test
    void theUrlMustBeAnAbsoluteHttpUrl() {
        assertEquals("http://svc:8080", TrackRecordClient.create("http://svc:8080/", Optional.empty()).url());
        PipelineException e = assertThrows(PipelineException.class,
                () -> TrackRecordClient.create("svc:8080", Optional.empty()));
        assertEquals("the service URL must be an absolute http(s) URL such as http://127.0.0.1:8080, found 'svc:8080'",
                e.getMessage());
    }
}
