package io.closecast.model.dataset;

import io.closecast.model.ModelException;

/**
 * Scaled training samples as plain arrays: {@code x[n][window][features]} and {@code y[n][horizon]}.
 * The arrays are not copied (they can be large); do not change them while a trainer uses them.
 *
 * @param x the scaled inputs {@code [n][window][features]}, at least one window, all of one shape
 * @param y the scaled targets {@code [n][horizon]}, one row per window
 */
public record Samples(float[][][] x, float[][] y) {

    public Samples {
        if (x == null || y == null) {
            throw new ModelException("samples: x and y must be given, found " + (x == null ? "x=null" : "y=null"));
        }
        if (x.length == 0) {
            throw new ModelException("samples.x must hold at least one window, found 0");
        }
        if (x.length != y.length) {
            throw new ModelException("samples: x and y must have the same count, found x=" + x.length + " y=" + y.length);
        }
        int window = x[0].length;
        int features = window == 0 ? 0 : x[0][0].length;
        int horizon = y[0].length;
        if (window == 0 || features == 0 || horizon == 0) {
            throw new ModelException("samples: window, features and horizon must be > 0, found window=" + window
                    + " features=" + features + " horizon=" + horizon);
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != window) {
                throw new ModelException("samples.x[" + i + "] must have " + window + " steps, found " + x[i].length);
            }
            for (int t = 0; t < window; t++) {
                if (x[i][t].length != features) {
                    throw new ModelException("samples.x[" + i + "][" + t + "] must have " + features
                            + " features, found " + x[i][t].length);
                }
            }
            if (y[i].length != horizon) {
                throw new ModelException("samples.y[" + i + "] must have " + horizon + " values, found " + y[i].length);
            }
        }
    }

    /**
     * Windows held.
     *
     * @return {@code n}, at least 1
     */
    public int count() {
        return x.length;
    }

    /**
     * Time steps per window.
     *
     * @return at least 1
     */
    public int window() {
        return x[0].length;
    }

    /**
     * Features per time step.
     *
     * @return at least 1
     */
    public int features() {
        return x[0][0].length;
    }

    /**
     * Targets per window.
     *
     * @return at least 1
     */
    public int horizon() {
        return y[0].length;
    }
}
