package io.closecast.model.risk;

/**
 * The outcome of fitting a GARCH(1,1): the estimate, or why there is none. A fit that fails is a result, not an
 * exception: an evaluation reports it and goes on without GARCH.
 */
public sealed interface GarchFit {

    /**
     * A maximum-likelihood estimate.
     *
     * @param parameters the estimate, in the units of the returns
     * @param logLikelihood the log-likelihood at the estimate, in the units of the returns
     * @param backcast the variance the recursion starts from (an EWMA, weights {@code 0.94^k}, of the first 75
     *                 squared demeaned returns, as {@code arch} computes it); keep it to filter later returns
     * @param observations returns fitted
     * @param evaluations likelihood evaluations the optimiser spent
     */
    record Fitted(GarchParameters parameters, double logLikelihood, double backcast, int observations,
                  int evaluations) implements GarchFit {
    }

    /**
     * No estimate.
     *
     * @param reason what went wrong, e.g. {@code did not converge after 20000 likelihood evaluations}
     */
    record Failed(String reason) implements GarchFit {
    }
}
