package io.closecast.pipeline.sweep.pruning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-epoch values median pruning compares: this JVM's trials ({@link #inMemory}, a local sweep), or every
 * trial of the parent as MLflow has them ({@link MlflowCurves}: trials on other machines).
 */
public interface Curves {
    /** Records trial {@code index}'s (oriented) value at {@code epoch}. */
    void record(int index, long epoch, double value);

    /** The values the other trials reported at {@code epoch}. */
    List<Double> others(int index, long epoch);

    /** Curves shared by the trials of this JVM, starting from {@code ended} (the ended trials of a resumed sweep). */
    static Curves inMemory(Map<Integer, Map<Long, Double>> ended) {
        Map<Integer, Map<Long, Double>> curves = new ConcurrentHashMap<>(ended);
        return new Curves() {
            @Override
            public void record(int index, long epoch, double value) {
                curves.computeIfAbsent(index, i -> new ConcurrentHashMap<>()).put(epoch, value);
            }

            @Override
            public List<Double> others(int index, long epoch) {
                List<Double> others = new ArrayList<>();
                curves.forEach((trial, values) -> {
                    if (trial != index && values.containsKey(epoch)) {
                        others.add(values.get(epoch));
                    }
                });
                return others;
            }
        };
    }
}
