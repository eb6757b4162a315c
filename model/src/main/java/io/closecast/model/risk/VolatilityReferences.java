package io.closecast.model.risk;

import io.closecast.model.ModelException;

import java.util.Optional;

/**
 * The volatility models every interval is held against, fitted on the training part's daily log returns: a
 * Student-t GARCH(1,1) ({@link StudentTGarch}; possibly {@link GarchFit.Failed}) and RiskMetrics' EWMA (lambda 0.94,
 * normal, zero mean). Both are filtered through the later days with their parameters fixed: each evaluated day's
 * variance is forecast from the returns before it only.
 *
 * @param trainingReturns the daily log returns the models were fitted on, in date order
 * @param garch the GARCH(1,1) fit, or why there is none
 * @param ewmaStart the EWMA's variance before the first training return
 */
public record VolatilityReferences(double[] trainingReturns, GarchFit garch, double ewmaStart) {

    /**
     * Fits both on the training returns. Never throws for a GARCH fit that fails: see {@link #garch()}.
     *
     * @param trainingReturns daily log returns in date order, at least one
     * @return the fitted references
     */
    public static VolatilityReferences fit(double[] trainingReturns) {
        return new VolatilityReferences(trainingReturns.clone(), StudentTGarch.fit(trainingReturns),
                RiskMetricsEwma.startVariance(trainingReturns));
    }

    /**
     * GARCH(1,1)'s next-day intervals of the evaluated days.
     *
     * @param level nominal coverage in (0, 1)
     * @param later every daily log return after the training part, in date order; the evaluated days are its last
     *              {@code last.length}
     * @param last the price the day before each evaluated day
     * @return the intervals, or empty when GARCH did not fit
     */
    public Optional<DailyBounds> garch(double level, double[] later, double[] last) {
        if (!(garch instanceof GarchFit.Fitted fitted)) {
            return Optional.empty();
        }
        GarchParameters p = fitted.parameters();
        double[] variances = p.variances(concat(later), fitted.backcast());
        return Optional.of(DailyBounds.around("garch", level, last, p.mu(), scales(variances, later, last),
                p.quantiles(level)));
    }

    /**
     * RiskMetrics EWMA's next-day intervals of the evaluated days: {@code last exp(+/- z sigma)}, {@code z} the
     * normal quantile.
     *
     * @param level nominal coverage in (0, 1)
     * @param later every daily log return after the training part; the evaluated days are its last {@code last.length}
     * @param last the price the day before each evaluated day
     * @return the intervals
     */
    public DailyBounds ewma(double level, double[] later, double[] last) {
        double[] variances = RiskMetricsEwma.variances(RiskMetricsEwma.LAMBDA, concat(later), ewmaStart);
        double z = SpecialFunctions.normalQuantile((1 + level) / 2);
        return DailyBounds.around("ewma", level, last, 0, scales(variances, later, last), new double[] {-z, z});
    }

    private double[] concat(double[] later) {
        double[] all = new double[trainingReturns.length + later.length];
        System.arraycopy(trainingReturns, 0, all, 0, trainingReturns.length);
        System.arraycopy(later, 0, all, trainingReturns.length, later.length);
        return all;
    }

    /** The standard deviations of the last {@code last.length} returns, from the variances of every return. */
    private double[] scales(double[] variances, double[] later, double[] last) {
        if (last.length > later.length) {
            throw new ModelException("the evaluated days (" + last.length + ") must be the last of the "
                    + later.length + " returns after training");
        }
        double[] scale = new double[last.length];
        int offset = trainingReturns.length + later.length - last.length;
        for (int i = 0; i < last.length; i++) {
            scale[i] = Math.sqrt(variances[offset + i]);
        }
        return scale;
    }
}
