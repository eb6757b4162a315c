package io.closecast.pipeline.sweep.search;

import java.util.List;
import java.util.SplittableRandom;

/** The values one hyper-parameter of a sweep may take. */
public sealed interface ParamDomain {

    /** A uniformly random value from this domain. */
    Object sample(SplittableRandom random);

    /** An explicit list of values (numbers, text, booleans or lists such as layer sizes). */
    record Choice(List<Object> values) implements ParamDomain {
        public Choice {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a choice needs at least one value");
            }
            values = List.copyOf(values);
        }

        @Override
        public Object sample(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }
    }

    /** A real number uniformly in [low, high]. */
    record Uniform(double low, double high) implements ParamDomain {
        public Uniform {
            if (!(low < high)) {
                throw new IllegalArgumentException("a range needs low < high, found low " + low + ", high " + high);
            }
        }

        @Override
        public Object sample(SplittableRandom random) {
            return low + random.nextDouble() * (high - low);
        }
    }

    /** A positive real number whose logarithm is uniform in [log low, log high] (learning rates). */
    record LogUniform(double low, double high) implements ParamDomain {
        public LogUniform {
            if (!(low > 0 && low < high)) {
                throw new IllegalArgumentException("a log range needs 0 < low < high, found low " + low + ", high " + high);
            }
        }

        @Override
        public Object sample(SplittableRandom random) {
            double value = Math.exp(Math.log(low) + random.nextDouble() * (Math.log(high) - Math.log(low)));
            return Math.min(high, Math.max(low, value)); // exp(log(x)) may round just outside
        }
    }

    /** A whole number in [low, high] (both included) on a step. */
    record IntRange(int low, int high, int step) implements ParamDomain {
        public IntRange {
            if (low > high || step < 1) {
                throw new IllegalArgumentException("an integer range needs low <= high and step >= 1, found low "
                        + low + ", high " + high + ", step " + step);
            }
        }

        /** How many values the range holds. */
        public int size() {
            return (high - low) / step + 1;
        }

        public int value(int index) {
            return low + index * step;
        }

        @Override
        public Object sample(SplittableRandom random) {
            return value(random.nextInt(size()));
        }
    }
}
