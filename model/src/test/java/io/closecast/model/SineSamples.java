package io.closecast.model;

import io.closecast.model.dataset.Samples;

import java.util.Random;

/** A tiny deterministic fixture: windows of a noisy sine and the next {@code horizon} values. */
public final class SineSamples {
    private SineSamples() {
    }

    /** {@code count} windows starting at series index {@code offset}: x[i][t][0] = s(offset+i+t). */
    public static Samples create(int count, int window, int horizon, int offset, long seed) {
        int length = offset + count + window + horizon;
        float[] s = series(length, seed);
        float[][][] x = new float[count][window][1];
        float[][] y = new float[count][horizon];
        for (int i = 0; i < count; i++) {
            for (int t = 0; t < window; t++) {
                x[i][t][0] = s[offset + i + t];
            }
            for (int h = 0; h < horizon; h++) {
                y[i][h] = s[offset + i + window + h];
            }
        }
        return new Samples(x, y);
    }

    public static float[] series(int length, long seed) {
        Random r = new Random(seed);
        float[] s = new float[length];
        for (int t = 0; t < length; t++) {
            s[t] = (float) (0.8 * Math.sin(0.3 * t) + 0.05 * r.nextGaussian());
        }
        return s;
    }

    /** MSE of the naive forecast (every future value = the window's last value). */
    public static double naiveMse(Samples s) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < s.count(); i++) {
            float last = s.x()[i][s.window() - 1][0];
            for (float v : s.y()[i]) {
                sum += (v - last) * (v - last);
                n++;
            }
        }
        return sum / n;
    }

    public static float[][][] random(int count, int window, int features, long seed) {
        Random r = new Random(seed);
        float[][][] x = new float[count][window][features];
        for (float[][] w : x) {
            for (float[] step : w) {
                for (int f = 0; f < features; f++) {
                    step[f] = (float) (r.nextGaussian() * 1.5);
                }
            }
        }
        return x;
    }
}
