package io.closecast.pipeline.sweep.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The hyper-parameters a sweep varies, by dotted config key ({@code training.learning-rate}), in file
 * order. A point of the space is a {@code Map<String, Object>} from key to value.
 */
public record SearchSpace(Map<String, ParamDomain> params) {
    public SearchSpace {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("a search space needs at least one parameter");
        }
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** A uniformly random point. */
    public Map<String, Object> sample(SplittableRandom random) {
        Map<String, Object> point = new LinkedHashMap<>();
        params.forEach((key, domain) -> point.put(key, domain.sample(random)));
        return point;
    }

    /** Every point of a space of choices and integer ranges, in odometer order (last key fastest). */
    public List<Map<String, Object>> grid() {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, ParamDomain> entry : params.entrySet()) {
            List<Object> values = switch (entry.getValue()) {
                case ParamDomain.Choice choice -> choice.values();
                case ParamDomain.IntRange range -> {
                    List<Object> all = new ArrayList<>();
                    for (int i = 0; i < range.size(); i++) {
                        all.add(range.value(i));
                    }
                    yield all;
                }
                case ParamDomain.Uniform u -> throw new IllegalArgumentException(entry.getKey()
                        + ": grid search needs a list of values or an integer range, found a real range");
                case ParamDomain.LogUniform u -> throw new IllegalArgumentException(entry.getKey()
                        + ": grid search needs a list of values or an integer range, found a log range");
            };
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> point : points) {
                for (Object value : values) {
                    Map<String, Object> extended = new LinkedHashMap<>(point);
                    extended.put(entry.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        return List.copyOf(points);
    }
}
