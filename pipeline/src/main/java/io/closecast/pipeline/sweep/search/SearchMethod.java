package io.closecast.pipeline.sweep.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Proposes the hyper-parameters of trial i of a sweep. Proposals are deterministic: they depend only on
 * the sweep seed, the trial index and (for model-based methods) the finished trials given.
 */
public sealed interface SearchMethod {

    /** A finished trial: its point and its objective, already oriented so that lower is better. */
    record Observation(Map<String, Object> point, double loss) {
    }

    /** The point for trial {@code index}. {@code finished} holds trials that ended with a value. */
    Map<String, Object> propose(int index, List<Observation> finished);

    /** How many trials the method can propose at most ({@code Integer.MAX_VALUE} when unbounded). */
    default int capacity() {
        return Integer.MAX_VALUE;
    }

    /** Trial i's own random stream: derived from the sweep seed and i only. */
    static SplittableRandom trialRandom(long sweepSeed, int index) {
        long z = sweepSeed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    /** Every point of the grid, in order; trial i takes point i. */
    record Grid(SearchSpace space, List<Map<String, Object>> points) implements SearchMethod {
        public static Grid create(SearchSpace space) {
            return new Grid(space, space.grid());
        }

        @Override
        public Map<String, Object> propose(int index, List<Observation> finished) {
            if (index >= points.size()) {
                throw new IllegalArgumentException("the grid has " + points.size() + " points, trial " + index + " asked");
            }
            return points.get(index);
        }

        @Override
        public int capacity() {
            return points.size();
        }
    }

    /** Independent uniform samples, trial i from its own seeded stream. */
    record Random(SearchSpace space, long seed) implements SearchMethod {
        @Override
        public Map<String, Object> propose(int index, List<Observation> finished) {
            return space.sample(trialRandom(seed, index));
        }
    }

    /**
     * Tree-structured Parzen estimator (Bergstra et al. 2011): after {@code startupTrials} random trials,
     * the finished trials are split into the best {@code gamma} share and the rest; each parameter is
     * sampled from a Parzen density around the good points, and of {@code candidates} samples the one
     * with the highest ratio of good to bad density is proposed.
     */
    record Tpe(SearchSpace space, long seed, int startupTrials, double gamma, int candidates) implements SearchMethod {
        public static Tpe create(SearchSpace space, long seed) {
            return new Tpe(space, seed, 5, 0.25, 24);
        }

        @Override
        public Map<String, Object> propose(int index, List<Observation> finished) {
            SplittableRandom random = trialRandom(seed, index);
            if (finished.size() < startupTrials) {
                return space.sample(random);
            }
            List<Observation> sorted = new ArrayList<>(finished);
            sorted.sort(Comparator.comparingDouble(Observation::loss));
            int goodCount = Math.max(1, (int) Math.ceil(gamma * sorted.size()));
            List<Observation> good = sorted.subList(0, goodCount);
            List<Observation> bad = sorted.subList(goodCount, sorted.size());
            Map<String, Object> point = new LinkedHashMap<>();
            space.params().forEach((key, domain) -> point.put(key, proposeOne(key, domain, good, bad, random)));
            return point;
        }

        private Object proposeOne(String key, ParamDomain domain, List<Observation> good, List<Observation> bad,
                                  SplittableRandom random) {
            if (domain instanceof ParamDomain.Choice choice) {
                double[] goodWeights = categorical(key, choice, good);
                double[] badWeights = categorical(key, choice, bad);
                Object best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < candidates; c++) {
                    int pick = pickWeighted(goodWeights, random);
                    double score = Math.log(goodWeights[pick]) - Math.log(badWeights[pick]);
                    if (score > bestScore) {
                        bestScore = score;
                        best = choice.values().get(pick);
                    }
                }
                return best;
            }
            double low = lowOf(domain);
            double high = highOf(domain);
            double[] goodX = good.stream().mapToDouble(o -> toUnit(domain, o.point().get(key))).toArray();
            double[] badX = bad.stream().mapToDouble(o -> toUnit(domain, o.point().get(key))).toArray();
            double goodBandwidth = bandwidth(goodX);
            double badBandwidth = bandwidth(badX);
            double bestX = Double.NaN;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < candidates; c++) {
                double x;
                if (random.nextInt(goodX.length + 1) == goodX.length) {
                    x = random.nextDouble(); // the uniform prior component
                } else {
                    double center = goodX[random.nextInt(goodX.length)];
                    x = Math.min(1, Math.max(0, center + goodBandwidth * random.nextGaussian()));
                }
                double score = Math.log(density(x, goodX, goodBandwidth)) - Math.log(density(x, badX, badBandwidth));
                if (score > bestScore) {
                    bestScore = score;
                    bestX = x;
                }
            }
            return fromUnit(domain, bestX, low, high);
        }

        private static double[] categorical(String key, ParamDomain.Choice choice, List<Observation> observations) {
            double[] weights = new double[choice.values().size()];
            java.util.Arrays.fill(weights, 1.0); // prior: one pseudo-count each
            for (Observation o : observations) {
                int at = choice.values().indexOf(o.point().get(key));
                if (at >= 0) {
                    weights[at] += 1;
                }
            }
            return weights;
        }

        private static int pickWeighted(double[] weights, SplittableRandom random) {
            double total = 0;
            for (double w : weights) {
                total += w;
            }
            double r = random.nextDouble() * total;
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r <= 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }

        /** Parzen density on [0, 1]: Gaussians at the points plus a uniform prior component. */
        private static double density(double x, double[] points, double bandwidth) {
            double sum = 1.0; // uniform prior, density 1 on [0, 1]
            for (double p : points) {
                double z = (x - p) / bandwidth;
                sum += Math.exp(-0.5 * z * z) / (bandwidth * Math.sqrt(2 * Math.PI));
            }
            return sum / (points.length + 1);
        }

        private static double bandwidth(double[] points) {
            // Scott-like rule on the unit interval, kept within sensible bounds.
            double n = Math.max(1, points.length);
            return Math.min(0.5, Math.max(0.02, Math.pow(n, -0.2) * 0.25));
        }

        private static double lowOf(ParamDomain domain) {
            return switch (domain) {
                case ParamDomain.Uniform u -> u.low();
                case ParamDomain.LogUniform u -> u.low();
                case ParamDomain.IntRange r -> r.low();
                case ParamDomain.Choice c -> 0;
            };
        }

        private static double highOf(ParamDomain domain) {
            return switch (domain) {
                case ParamDomain.Uniform u -> u.high();
                case ParamDomain.LogUniform u -> u.high();
                case ParamDomain.IntRange r -> r.high();
                case ParamDomain.Choice c -> 1;
            };
        }

        private static double toUnit(ParamDomain domain, Object value) {
            double v = ((Number) value).doubleValue();
            if (domain instanceof ParamDomain.LogUniform u) {
                return (Math.log(v) - Math.log(u.low())) / (Math.log(u.high()) - Math.log(u.low()));
            }
            return (v - lowOf(domain)) / (highOf(domain) - lowOf(domain));
        }

        private static Object fromUnit(ParamDomain domain, double x, double low, double high) {
            return switch (domain) {
                case ParamDomain.LogUniform u ->
                        Math.min(high, Math.max(low, Math.exp(Math.log(low) + x * (Math.log(high) - Math.log(low)))));
                case ParamDomain.IntRange r -> r.value((int) Math.min(r.size() - 1, Math.round(x * (r.size() - 1))));
                default -> Math.min(high, Math.max(low, low + x * (high - low)));
            };
        }
    }
}
