package io.closecast.pipeline.retrain;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Alertmanager webhook receiver on a real socket: the token, the version-4 payload, firing versus resolved, unknown
 * names, de-duplication by fingerprint, one retrain at a time, an answer before the retrain ends, and its metrics.
 * The retrain is a stand-in that records its trigger and waits for the test (RetrainIT covers a real retrain).
 */
class AlertReceiverIT {
    private final List<String> triggers = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private AlertReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new AlertReceiver(0, "s3cret", Set.of("CloseCastWorseThanNaive", "CloseCastIntervalUndercoverage"),
                trigger -> {
                    triggers.add(trigger);
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Retrainer.Status.REFUSED;
                }, Clock.systemUTC()).start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        receiver.close();
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/alerts"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String payload(String status, String name, String fingerprint) {
        return "{\"version\":\"4\",\"status\":\"" + status + "\",\"receiver\":\"closecast-retrain\",\"groupKey\":\"{}:{}\","
                + "\"alerts\":[{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"" + name + "\",\"model\":\"closecast-msft\"},"
                + "\"annotations\":{},\"startsAt\":\"2026-12-07T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                + "\"generatorURL\":\"http://prometheus\",\"fingerprint\":\"" + fingerprint + "\"}]}";
    }

    @Test
    void aFiringAlertStartsOneRetrainAnsweredAtOnceAndRepeatsDoNot() throws Exception {
        HttpResponse<String> first = post("s3cret", payload("firing", "CloseCastWorseThanNaive", "abc123"));
        assertEquals(202, first.statusCode(), first.body());
        assertEquals("{\"accepted\":1}", first.body(), "answered while the retrain still runs");
        HttpResponse<String> repeat = post("s3cret", payload("firing", "CloseCastWorseThanNaive", "abc123"));
        assertEquals("{\"duplicate\":1}", repeat.body(), "Alertmanager repeats a firing alert: one retrain");
        HttpResponse<String> other = post("s3cret", payload("firing", "CloseCastIntervalUndercoverage", "def456"));
        assertEquals("{\"busy\":1}", other.body(), "one retrain per model at a time");
        assertEquals("{\"resolved\":1}", post("s3cret", payload("resolved", "CloseCastWorseThanNaive", "abc123")).body());
        assertEquals("{\"unknown\":1}", post("s3cret", payload("firing", "CloseCastServingDown", "zzz")).body());
        release.countDown();
        receiver.awaitIdle(Duration.ofSeconds(10));
        assertEquals(List.of("alert:CloseCastWorseThanNaive"), triggers);
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("closecast_retrain_alerts_total{outcome=\"unknown\"} 1"), metrics);
        assertTrue(metrics.contains("closecast_retrain_alerts_total{outcome=\"duplicate\"} 1"), metrics);
        assertTrue(metrics.contains("closecast_retrain_total{result=\"started\"} 1"), metrics);
        assertTrue(metrics.contains("closecast_retrain_total{result=\"refused\"} 1"), metrics);
        assertTrue(!metrics.contains("closecast_retrain_last_success_timestamp_seconds 0.0"), metrics);
    }

    @Test
    void noTokenIs401AndAMalformedPayloadIs400NamingTheField() throws Exception {
        HttpResponse<String> none = post(null, payload("firing", "CloseCastWorseThanNaive", "abc"));
        assertEquals(401, none.statusCode());
        assertEquals(401, post("wrong", payload("firing", "CloseCastWorseThanNaive", "abc")).statusCode());
        HttpResponse<String> noName = post("s3cret", payload("firing", "CloseCastWorseThanNaive", "abc")
                .replace("\"alertname\":\"CloseCastWorseThanNaive\",", ""));
        assertEquals(400, noName.statusCode());
        assertEquals("{\"error\":\"alerts[0].labels.alertname must be a non-empty string, found nothing\"}", noName.body());
        HttpResponse<String> v3 = post("s3cret", payload("firing", "X", "abc").replace("\"version\":\"4\"", "\"version\":\"3\""));
        assertEquals("{\"error\":\"version must be \\\"4\\\" (Alertmanager's webhook payload), found \\\"3\\\"\"}", v3.body());
        assertEquals(400, post("s3cret", "not json").statusCode());
        assertTrue(triggers.isEmpty(), "nothing bad started a retrain");
    }
}
