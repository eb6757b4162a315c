package io.closecast.serving;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small honest forecaster for tests: the next prices continue the window's mean daily change
 * (last + k * mean change). It fails loudly when used after {@link #close()}, so a test sees a request that
 * ran on a closed model.
 */
class DriftForecaster implements Forecaster {

    private final ModelInfo info;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();

    DriftForecaster(ModelInfo info) {
        this.info = info;
    }

    static ModelInfo info(String name, String version, int window, int maxHorizon) {
        return new ModelInfo(name, version, "run-" + version, "production", LocalDate.of(2010, 1, 4),
                LocalDate.of(2022, 12, 30), window, maxHorizon, List.of("Close"),
                Map.of("test_mae", 0.42, "naive_test_mae", 0.45), Instant.now());
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public double[] forecast(double[] window, int horizon) {
        if (closed.get()) {
            throw new IllegalStateException("model " + info.version() + " used after close");
        }
        calls.incrementAndGet();
        double drift = (window[window.length - 1] - window[0]) / (window.length - 1);
        double[] out = new double[horizon];
        for (int i = 0; i < horizon; i++) {
            out[i] = window[window.length - 1] + drift * (i + 1);
        }
        return out;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    boolean closed() {
        return closed.get();
    }

    int calls() {
        return calls.get();
    }
}
