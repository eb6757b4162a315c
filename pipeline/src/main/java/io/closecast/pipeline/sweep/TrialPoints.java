package io.closecast.pipeline.sweep;

import io.closecast.pipeline.PipelineException;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A trial's point (its hyper-parameters) as the JSON of its run's {@code closecast.trial_point} tag. */
final class TrialPoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrialPoints() {
    }

    static String write(Map<String, Object> point) {
        try {
            return JSON.writeValueAsString(point);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            Map<String, Object> point = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
            return point;
        } catch (JsonProcessingException e) {
            throw new PipelineException("a trial's recorded point is not valid JSON: " + json, e);
        }
    }
}
