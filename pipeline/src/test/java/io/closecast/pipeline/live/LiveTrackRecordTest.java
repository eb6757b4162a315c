package io.closecast.pipeline.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.closecast.pipeline.PipelineException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Reading the service's track record: {@code live/track-record-shadow-v1.json} is the answer of a real service
 * (captured by LiveEvidenceIT: a production version and a challenger in shadow on 32 common days, no intervals), the
 * coverage lines follow serving's TrackRecordService writer; the service's fields change what is read.
 */
class LiveTrackRecordTest {

    static String captured() throws IOException {
        try (InputStream in = LiveTrackRecordTest.class.getResourceAsStream("/live/track-record-shadow-v1.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsARealServicesAnswer() throws IOException {
        LiveTrackRecord r = LiveTrackRecord.parse(captured(), "http://svc");
        assertEquals(250, r.window());
        assertEquals(30, r.dmMinDays());
        assertEquals(List.of(1), r.steps());
        LiveTrackRecord.Line production = r.line("1", 1).orElseThrow();
        assertEquals(32, production.days());
        assertEquals(LocalDate.parse("2024-03-08"), production.first());
        assertEquals(LocalDate.parse("2024-04-23"), production.last());
        assertEquals(3.6914664223071956, production.mae());
        assertEquals(6.686534889949908, production.mase().getAsDouble());
        assertEquals(11.904565171382417, production.dm().orElseThrow().statistic());
        LiveTrackRecord.Challenger c = r.challenger().orElseThrow();
        assertEquals("challenger", c.alias());
        assertEquals(Optional.of("2"), c.version());
        assertEquals(Optional.of("1"), c.productionVersion());
        assertEquals("serving", c.condition());
        LiveTrackRecord.Comparison cmp = c.at(1).orElseThrow();
        assertEquals(32, cmp.days());
        assertEquals(13.96369172340679, cmp.challengerMae());
        assertEquals(3.7826950393007697, cmp.ratio().getAsDouble());
        assertEquals(39.90964235837396, cmp.dm().orElseThrow().statistic());
        assertEquals(0.0, cmp.dm().orElseThrow().pWorse());
        assertTrue(c.at(2).isEmpty());
    }

    @Test
    void readsCoverageNullsAndAModelWithoutAChallenger() throws IOException {
        String json = captured()
                .replace("\"coverage\":[],\"dm\":{\"loss\":\"abs\",\"days\":32,\"statistic\":30.27",
                        "\"coverage\":[{\"level\":0.8,\"inside\":25,\"days\":32,\"coverage\":0.78125},{\"level\":0.95,"
                                + "\"inside\":31,\"days\":32,\"coverage\":0.96875}],\"dm\":{\"loss\":\"abs\",\"days\":32,"
                                + "\"statistic\":30.27")
                .replace("\"mase\":6.686534889949908", "\"mase\":null");
        json = json.substring(0, json.indexOf(",\"challenger\":")) + "}";
        LiveTrackRecord r = LiveTrackRecord.parse(json, "http://svc");
        assertEquals(Optional.empty(), r.challenger());
        List<LiveTrackRecord.LevelCoverage> coverage = r.line("2", 1).orElseThrow().coverage();
        assertEquals(List.of(new LiveTrackRecord.LevelCoverage(0.8, 25, 32), new LiveTrackRecord.LevelCoverage(0.95, 31, 32)),
                coverage);
        assertEquals(0.78125, coverage.get(0).coverage());
        assertTrue(r.line("1", 1).orElseThrow().mase().isEmpty());
    }

    @Test
    void anAnswerOfAnotherShapeIsRefusedNamingTheField() throws IOException {
        PipelineException days = assertThrows(PipelineException.class, () -> LiveTrackRecord.parse(
                captured().replace("\"days\":32,\"first\"", "\"days\":\"32\",\"first\""), "http://svc/x"));
        assertEquals("the track record from http://svc/x: days must be an integer, found \"32\" (is the URL a closecast"
                + " service?)", days.getMessage());
        PipelineException missing = assertThrows(PipelineException.class,
                () -> LiveTrackRecord.parse("{\"status\":\"UP\"}", "http://svc/x"));
        assertEquals("the track record from http://svc/x: versions must be a value, found none (is the URL a closecast"
                + " service?)", missing.getMessage());
        PipelineException html = assertThrows(PipelineException.class,
                () -> LiveTrackRecord.parse("<html>", "http://svc/x"));
        assertTrue(html.getMessage().startsWith("the track record from http://svc/x is not JSON"), html.getMessage());
    }
}
