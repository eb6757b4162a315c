package io.closecast.serving.adaptive;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.serving.models.Forecaster;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.models.VersionRef;

import java.util.Objects;
import java.util.Optional;

/**
 * A model source whose versions serve their intervals through {@link AdaptiveIntervals}: every route, the warm-up,
 * the challenger in shadow and the forecast log see the same adjusted intervals, because the adjustment sits in the
 * loaded {@link Forecaster} itself. Loading a version also reads its saved state ({@link AdaptiveIntervals#prepare}).
 */
public final class AdaptiveModelSource implements ModelSource {

    private final ModelSource delegate;
    private final AdaptiveIntervals adaptive;

    private AdaptiveModelSource(ModelSource delegate, AdaptiveIntervals adaptive) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.adaptive = Objects.requireNonNull(adaptive, "adaptive");
    }

    /** {@code source} with adaptive intervals when {@code adaptive} has a step size for its model; else itself. */
    public static ModelSource wrap(ModelSource source, AdaptiveIntervals adaptive) {
        return adaptive.gamma(source.name()).isPresent() ? new AdaptiveModelSource(source, adaptive) : source;
    }

    @Override
    public Optional<VersionRef> resolve() throws Exception {
        return delegate.resolve();
    }

    @Override
    public Forecaster load(VersionRef ref) throws Exception {
        return adapt(delegate.load(ref));
    }

    @Override
    public void served(VersionRef ref) throws Exception {
        delegate.served(ref);
    }

    @Override
    public Optional<Forecaster> loadLastVerified() throws Exception {
        Optional<Forecaster> cached = delegate.loadLastVerified();
        return cached.isEmpty() ? cached : Optional.of(adapt(cached.get()));
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String alias() {
        return delegate.alias();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    private Forecaster adapt(Forecaster loaded) {
        if (loaded == null) {
            return null; // the manager refuses it with its own message
        }
        adaptive.prepare(loaded.info().name(), loaded.info().version());
        return new Adjusted(loaded, adaptive);
    }

    /** A loaded version whose intervals are re-read for its current miss rates. */
    private record Adjusted(Forecaster delegate, AdaptiveIntervals adaptive) implements Forecaster {
        @Override
        public ModelInfo info() {
            return delegate.info();
        }

        @Override
        public double[] forecast(double[] window, int horizon) {
            return delegate.forecast(window, horizon);
        }

        @Override
        public ForecastModel.Forecast forecastWithIntervals(double[] window, int horizon) {
            ModelInfo info = delegate.info();
            return adaptive.adjust(info.name(), info.version(), delegate.forecastWithIntervals(window, horizon));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
