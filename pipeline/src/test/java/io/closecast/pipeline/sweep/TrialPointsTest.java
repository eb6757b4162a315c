package io.closecast.pipeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.closecast.pipeline.PipelineException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A trial's point read back from its run's tag is the point it ran: keys in the space's order, value types kept. */
class TrialPointsTest {

    @Test
    void aPointReadBackKeepsItsKeyOrderAndValueTypes() {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("training.learning-rate", 0.003);
        point.put("training.batch-size", 64);
        point.put("model.lstm.hidden-units", List.of(8, 4));
        point.put("training.optimizer", "adam");
        String json = TrialPoints.write(point);
        assertEquals("{\"training.learning-rate\":0.003,\"training.batch-size\":64,\"model.lstm.hidden-units\":[8,4],"
                + "\"training.optimizer\":\"adam\"}", json);
        Map<String, Object> read = TrialPoints.read(json);
        assertEquals(point, read);
        assertEquals(List.copyOf(point.keySet()), List.copyOf(read.keySet()));
        assertEquals(Integer.class, read.get("training.batch-size").getClass());
        assertEquals(Double.class, read.get("training.learning-rate").getClass());
    }

    @Test
    void aBrokenTagIsAClearError() {
        PipelineException e = assertThrows(PipelineException.class, () -> TrialPoints.read("{\"a\":"));
        assertTrue(e.getMessage().startsWith("a trial's recorded point is not valid JSON: {\"a\":"), e.getMessage());
    }
}
