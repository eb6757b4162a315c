package io.closecast.training.dl4j;

import io.closecast.model.lstm.Distribution;
import io.closecast.model.lstm.DistributionLoss;

import java.util.Objects;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * DL4J's loss of a distribution head: the negative log-likelihood of the labels ({@code [n, horizon]}) under the
 * distribution the output layer predicts ({@code [n, horizon x parameters]}, laid out as {@link Distribution} says),
 * per example the mean over the horizon steps. The math is {@link DistributionLoss}'s, the fused trainer's own, so
 * both engines compute the same floats from the same outputs. Serialized with the network's configuration (DL4J
 * stores the class name and the {@code distribution} field).
 */
public final class DistributionNll implements ILossFunction {
    private static final long serialVersionUID = 1L;

    /** The distribution's key ({@link Distribution#key()}); a field so DL4J's JSON keeps it. */
    private String distribution;

    /** For DL4J's JSON deserialization only. */
    public DistributionNll() {
        this(Distribution.GAUSSIAN);
    }

    /**
     * @param distribution a distribution head: {@link Distribution#GAUSSIAN} or {@link Distribution#STUDENT_T}
     * @throws IllegalArgumentException for {@link Distribution#POINT}, which trains on MSE
     */
    public DistributionNll(Distribution distribution) {
        if (distribution == Distribution.POINT) {
            throw new IllegalArgumentException("a point network trains on MSE, found model.distribution=point");
        }
        this.distribution = distribution.key();
    }

    private Distribution distribution() {
        return Distribution.parse("loss distribution", distribution);
    }

    /** Per-example score {@code [n]} and d(score)/d(output) {@code [n, outputs]}, masked rows zero. */
    private Pair<float[], INDArray> compute(INDArray labels, INDArray preOutput, IActivation activationFn,
                                            INDArray mask) {
        Distribution d = distribution();
        INDArray output = activationFn.getActivation(preOutput.dup(), true);
        int n = (int) output.size(0);
        int width = (int) output.size(1);
        int horizon = (int) labels.size(1);
        if (width != horizon * d.parameters()) {
            throw new IllegalStateException("a " + d.key() + " head over " + horizon + " steps must have "
                    + horizon * d.parameters() + " outputs, found " + width);
        }
        float[] out = output.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] y = labels.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] grad = new float[out.length];
        float[] scores = new float[n];
        for (int b = 0; b < n; b++) {
            scores[b] = (float) (DistributionLoss.row(d, horizon, out, b * width, y, b * horizon, grad, b * width)
                    / horizon);
            if (mask != null) {
                float m = mask.getFloat(b);
                scores[b] *= m;
                for (int j = 0; j < width; j++) {
                    grad[b * width + j] *= m;
                }
            }
        }
        INDArray dOut = Nd4j.create(grad, new long[] {n, width}, 'c').castTo(preOutput.dataType());
        INDArray dPre = activationFn.backprop(preOutput.dup(), dOut).getFirst();
        return Pair.of(scores, dPre);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        float[] scores = compute(labels, preOutput, activationFn, mask).getFirst();
        return total(scores, average);
    }

    private static double total(float[] scores, boolean average) {
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        return average ? sum / scores.length : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        float[] scores = compute(labels, preOutput, activationFn, mask).getFirst();
        return Nd4j.create(scores, new long[] {scores.length, 1}, 'c').castTo(preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return compute(labels, preOutput, activationFn, mask).getSecond();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        Pair<float[], INDArray> both = compute(labels, preOutput, activationFn, mask);
        return Pair.of(total(both.getFirst(), average), both.getSecond());
    }

    @Override
    public String name() {
        return "nll-" + distribution;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistributionNll other && Objects.equals(distribution, other.distribution);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(distribution);
    }

    @Override
    public String toString() {
        return "DistributionNll(" + distribution + ")";
    }
}
