package io.closecast.training.fused;


import java.util.Arrays;

/**
 * An update rule: turns the gradient of one mini-batch (already divided by the batch size, clipped, with L2 added)
 * into the step to subtract from the parameters, in place, keeping its own state. The same interface for every
 * rule, as Tribuo's {@code StochasticGradientOptimizer}; the math is ND4J's native updaters' in {@code float}, so the
 * fused trainer's updates equal DL4J's. Hyper-parameters come from the caller ({@link Dl4jBridge#optimizer} passes
 * ND4J's defaults). Not thread-safe.
 */
public interface GradientOptimizer {

    /**
     * Replaces {@code gradient} by the step to subtract; {@code iteration} counts the updates done before this one
     * (DL4J's iteration count).
     */
    void step(float[] gradient, int iteration);

    /** Plain gradient descent: {@code step = lr * g}. */
    record Sgd(float learningRate) implements GradientOptimizer {
        @Override
        public void step(float[] g, int iteration) {
            for (int i = 0; i < g.length; i++) {
                g[i] = learningRate * g[i];
            }
        }
    }

    /** Adam, as ND4J's {@code adam_updater}: bias correction folded into the step size. */
    public final class Adam implements GradientOptimizer {
        private final float learningRate;
        private final float beta1;
        private final float beta2;
        private final float epsilon;
        private final float[] m;
        private final float[] v;

        public Adam(float learningRate, float beta1, float beta2, float epsilon, int size) {
            this.learningRate = learningRate;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            this.m = new float[size];
            this.v = new float[size];
        }

        @Override
        public void step(float[] g, int iteration) {
            float beta1T = (float) Math.pow(beta1, iteration + 1);
            float beta2T = (float) Math.pow(beta2, iteration + 1);
            float alpha = learningRate * (float) Math.sqrt(1.0f - beta2T) / (1.0f - beta1T);
            if (Float.isNaN(alpha) || alpha == 0f || Float.isInfinite(alpha)) {
                alpha = epsilon;
            }
            float[] mm = m;
            float[] vv = v;
            for (int i = 0; i < g.length; i++) {
                float gi = g[i];
                float mi = beta1 * mm[i] + gi * (1 - beta1);
                float vi = beta2 * vv[i] + gi * gi * (1 - beta2);
                mm[i] = mi;
                vv[i] = vi;
                g[i] = (mi * alpha) / ((float) Math.sqrt(vi) + epsilon);
            }
        }
    }

    /** RMSProp, as ND4J's {@code rms_prop_updater}; its state starts at epsilon, as ND4J's does. */
    public final class RmsProp implements GradientOptimizer {
        private final float learningRate;
        private final float decay;
        private final float epsilon;
        private final float[] s;

        public RmsProp(float learningRate, float decay, float epsilon, float initialState, int size) {
            this.learningRate = learningRate;
            this.decay = decay;
            this.epsilon = epsilon;
            this.s = new float[size];
            Arrays.fill(s, initialState);
        }

        @Override
        public void step(float[] g, int iteration) {
            float[] state = s;
            for (int i = 0; i < g.length; i++) {
                float gi = g[i];
                float si = state[i] * decay + gi * gi * (1 - decay);
                state[i] = si;
                g[i] = (learningRate * gi) / ((float) Math.sqrt(si) + epsilon);
            }
        }
    }
}
