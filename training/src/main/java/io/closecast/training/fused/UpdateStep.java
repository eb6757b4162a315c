package io.closecast.training.fused;


import java.util.List;

/**
 * DL4J's update step on the engine's summed gradient, in DL4J's order: divide by the mini-batch size,
 * {@code ClipL2PerLayer}, L2 before the updater, the {@link GradientOptimizer}, weight decay after it, then
 * {@code params -= update}; and the L2 / weight-decay term DL4J adds to a batch's score. The regularization of each
 * parameter is the network's own, as {@link Dl4jBridge#regularization} reads it. Counts the updates (DL4J's
 * iteration count, which Adam's bias correction reads).
 */
final class UpdateStep {
    private final ParameterLayout layout;
    private final float[] params;
    private final float[] grad;
    private final double clipNorm;
    // the regularized parameters as the network's config lists them
    private final List<Dl4jBridge.Regularized> regularized;
    private final GradientOptimizer optimizer;
    private int iteration;

    /**
     * @param layout where each DL4J layer's parameters start and end (the clip is per layer)
     * @param params the engine's parameters, updated in place
     * @param grad the engine's summed gradient, turned into the update in place
     * @param clipNorm the largest L2 norm of a layer's gradient ({@code training.gradient-clip-norm}); 0 or less
     *                 for no clipping
     * @param regularized each regularized parameter range with its L2 and weight-decay coefficients
     * @param optimizer the update rule, with its own state
     * @param iteration updates the network has had already
     */
    UpdateStep(ParameterLayout layout, float[] params, float[] grad, double clipNorm,
               List<Dl4jBridge.Regularized> regularized, GradientOptimizer optimizer, int iteration) {
        this.layout = layout;
        this.params = params;
        this.grad = grad;
        this.clipNorm = clipNorm;
        this.regularized = List.copyOf(regularized);
        this.optimizer = optimizer;
        this.iteration = iteration;
    }

    /** Updates done so far, the network's own before this engine included (DL4J's iteration count). */
    int iteration() {
        return iteration;
    }

    /** Sum of each regularization's {@code coeff * 0.5 * ||w||^2}, as DL4J adds it to the score. */
    double regularizationScore() {
        double score = 0;
        for (Dl4jBridge.Regularized r : regularized) {
            double sum = 0;
            for (int i = r.start(); i < r.end(); i++) {
                sum += (double) params[i] * params[i];
            }
            score += r.scoreCoefficient() * 0.5 * sum;
        }
        return score;
    }

    /** DL4J's update: divide by the batch, clip per layer, L2, the update rule, weight decay, params -= update. */
    void apply(int batch) {
        float[] g = grad;
        float divisor = batch;
        for (int i = 0; i < g.length; i++) {
            g[i] /= divisor;
        }
        if (clipNorm > 0) {
            clipPerLayer(g, clipNorm);
        }
        for (Dl4jBridge.Regularized r : regularized) {
            float l2 = r.l2();
            if (l2 != 0f) {
                for (int i = r.start(); i < r.end(); i++) {
                    g[i] = l2 * params[i] + g[i];
                }
            }
        }
        optimizer.step(g, iteration);
        for (Dl4jBridge.Regularized r : regularized) {
            float scale = r.decay();
            if (scale != 0f) {
                for (int i = r.start(); i < r.end(); i++) {
                    g[i] = scale * params[i] + g[i];
                }
            }
        }
        float[] p = params;
        for (int i = 0; i < p.length; i++) {
            p[i] -= g[i];
        }
        iteration++;
    }

    /** DL4J's {@code ClipL2PerLayer}: scales each layer's gradient down to L2 norm {@code clip} where above it. */
    private void clipPerLayer(float[] g, double clip) {
        for (int layer = 0; layer < layout.layerCount(); layer++) {
            int start = layout.layerStart(layer);
            int end = layout.layerEnd(layer);
            double sum = 0;
            for (int i = start; i < end; i++) {
                sum += (double) g[i] * g[i];
            }
            double norm = Math.sqrt(sum);
            if (norm > clip) {
                float scale = (float) (clip / norm);
                for (int i = start; i < end; i++) {
                    g[i] *= scale;
                }
            }
        }
    }
}
