package io.closecast.pipeline.sweep.search;

import io.closecast.pipeline.sweep.pruning.MedianPruner;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchMethodTest {

    private static SearchSpace mixedSpace() {
        Map<String, ParamDomain> params = new LinkedHashMap<>();
        params.put("training.learning-rate", new ParamDomain.LogUniform(1e-4, 1e-1));
        params.put("model.dropout", new ParamDomain.Uniform(0.0, 0.5));
        params.put("training.batch-size", new ParamDomain.IntRange(16, 128, 16));
        params.put("training.optimizer", new ParamDomain.Choice(List.of("adam", "sgd")));
        return new SearchSpace(params);
    }

    @Test
    void gridCoversEveryCombinationOnce() {
        Map<String, ParamDomain> params = new LinkedHashMap<>();
        params.put("a", new ParamDomain.Choice(List.of(1, 2, 3)));
        params.put("b", new ParamDomain.IntRange(10, 30, 10));
        params.put("c", new ParamDomain.Choice(List.of(List.of(32), List.of(32, 32))));
        SearchMethod.Grid grid = SearchMethod.Grid.create(new SearchSpace(params));
        assertEquals(18, grid.capacity());
        Set<Map<String, Object>> seen = new HashSet<>();
        for (int i = 0; i < grid.capacity(); i++) {
            seen.add(grid.propose(i, List.of()));
        }
        assertEquals(18, seen.size());
        assertTrue(seen.contains(Map.of("a", 3, "b", 20, "c", List.of(32, 32))));
        assertEquals(Map.of("a", 1, "b", 10, "c", List.of(32)), grid.propose(0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> grid.propose(18, List.of()));
    }

    @Test
    void gridRefusesRealRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchMethod.Grid.create(mixedSpace()));
        assertEquals("training.learning-rate: grid search needs a list of values or an integer range, found a log range",
                e.getMessage());
    }

    @Test
    void randomStaysInBoundsAndIsSeededPerTrial() {
        SearchMethod.Random random = new SearchMethod.Random(mixedSpace(), 7);
        Set<Object> batchSizes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Map<String, Object> p = random.propose(i, List.of());
            inBounds(p);
            batchSizes.add(p.get("training.batch-size"));
            assertEquals(p, random.propose(i, List.of()), "trial " + i + " is reproducible on its own");
        }
        assertEquals(8, batchSizes.size(), "all 8 batch sizes 16..128 step 16 appear in 200 draws");
        assertNotEquals(random.propose(0, List.of()), new SearchMethod.Random(mixedSpace(), 8).propose(0, List.of()));
    }

    @Test
    void tpeStaysInBoundsAndIsDeterministicGivenHistory() {
        SearchMethod.Tpe tpe = SearchMethod.Tpe.create(mixedSpace(), 3);
        List<SearchMethod.Observation> history = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, Object> p = tpe.propose(i, history);
            inBounds(p);
            assertEquals(p, tpe.propose(i, List.copyOf(history)));
            history.add(new SearchMethod.Observation(p, ((Number) p.get("model.dropout")).doubleValue()));
        }
    }

    /** On f(x) = (x - 0.8)^2 over [0, 1], TPE's later proposals sit nearer the optimum than random's. */
    @Test
    void tpeConcentratesWhereTheObjectiveIsBetter() {
        SearchSpace space = new SearchSpace(Map.of("x", new ParamDomain.Uniform(0, 1)));
        double tpeDistance = 0;
        double randomDistance = 0;
        for (long seed = 1; seed <= 5; seed++) {
            tpeDistance += meanLateDistance(SearchMethod.Tpe.create(space, seed));
            randomDistance += meanLateDistance(new SearchMethod.Random(space, seed));
        }
        assertTrue(tpeDistance < 0.5 * randomDistance,
                "TPE mean |x - 0.8| over trials 20-39: " + tpeDistance / 5 + ", random: " + randomDistance / 5);
    }

    private static double meanLateDistance(SearchMethod method) {
        List<SearchMethod.Observation> history = new ArrayList<>();
        double distance = 0;
        for (int i = 0; i < 40; i++) {
            Map<String, Object> p = method.propose(i, history);
            double x = (Double) p.get("x");
            history.add(new SearchMethod.Observation(p, (x - 0.8) * (x - 0.8)));
            if (i >= 20) {
                distance += Math.abs(x - 0.8) / 20;
            }
        }
        return distance;
    }

    private static void inBounds(Map<String, Object> p) {
        double lr = (Double) p.get("training.learning-rate");
        assertTrue(lr >= 1e-4 && lr <= 1e-1, "learning rate " + lr);
        double dropout = (Double) p.get("model.dropout");
        assertTrue(dropout >= 0 && dropout <= 0.5, "dropout " + dropout);
        int batch = (Integer) p.get("training.batch-size");
        assertTrue(batch >= 16 && batch <= 128 && batch % 16 == 0, "batch " + batch);
        assertTrue(List.of("adam", "sgd").contains(p.get("training.optimizer")));
    }

    @Test
    void medianPrunerStopsTrialsWorseThanTheMedianAfterWarmup() {
        MedianPruner pruner = new MedianPruner(2, 3);
        List<Double> others = List.of(0.10, 0.20, 0.30);
        assertTrue(pruner.shouldPrune(2, 0.9, others).isEmpty(), "still warming up");
        assertTrue(pruner.shouldPrune(3, 0.9, List.of(0.1, 0.2)).isEmpty(), "too few earlier trials");
        assertTrue(pruner.shouldPrune(3, 0.15, others).isEmpty(), "better than the median 0.2");
        assertEquals("epoch 3: value 0.250000 worse than the median 0.200000 of 3 earlier trials at that epoch",
                pruner.shouldPrune(3, 0.25, others).orElseThrow());
        assertTrue(pruner.shouldPrune(3, Double.NaN, others).isPresent(), "NaN is pruned");
        assertEquals(0.25, MedianPruner.median(List.of(0.4, 0.1, 0.2, 0.3)), 1e-12);
    }
}
