package io.closecast.serving;

import io.closecast.serving.models.Forecaster;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.models.VersionRef;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A model source whose versions the test controls: which version the alias points at, which fail, whether it is down. */
public class TestModelSource implements ModelSource {

    public static final String NAME = "closecast-test";

    private final String name;
    private final int window;
    private final int maxHorizon;
    private final Map<String, DriftForecaster> loaded = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger resolves = new AtomicInteger();
    private final Map<String, AtomicInteger> loadAttempts = new ConcurrentHashMap<>();
    private volatile String aliasVersion;
    private volatile boolean down;
    private volatile String symbol = "MSFT";

    public TestModelSource(int window, int maxHorizon, String aliasVersion) {
        this(NAME, window, maxHorizon, aliasVersion);
    }

    public TestModelSource(String name, int window, int maxHorizon, String aliasVersion) {
        this.name = name;
        this.window = window;
        this.maxHorizon = maxHorizon;
        this.aliasVersion = aliasVersion;
    }

    public TestModelSource pointAt(String version) {
        aliasVersion = version;
        return this;
    }

    /** The symbol the versions loaded from now on were trained on (MSFT unless set). */
    public TestModelSource symbol(String value) {
        symbol = value;
        return this;
    }

    public TestModelSource down(boolean value) {
        down = value;
        return this;
    }

    public TestModelSource failOnLoad(String version) {
        failing.add(version);
        return this;
    }

    public DriftForecaster loaded(String version) {
        return loaded.get(version);
    }

    public int resolves() {
        return resolves.get();
    }

    /** How often {@link #load} was asked for {@code version}, failed attempts included. */
    public int loadAttempts(String version) {
        AtomicInteger n = loadAttempts.get(version);
        return n == null ? 0 : n.get();
    }

    @Override
    public Optional<VersionRef> resolve() throws IOException {
        resolves.incrementAndGet();
        if (down) {
            throw new IOException("Connection refused: test registry is down");
        }
        String v = aliasVersion;
        return v == null ? Optional.empty() : Optional.of(VersionRef.create(name, v, "run-" + v));
    }

    @Override
    public Forecaster load(VersionRef ref) throws IOException {
        loadAttempts.computeIfAbsent(ref.version(), v -> new AtomicInteger()).incrementAndGet();
        if (failing.contains(ref.version())) {
            throw new IOException("checksum mismatch in model bundle v" + ref.version() + " (test)");
        }
        DriftForecaster f = new DriftForecaster(DriftForecaster.info(ref.name(), ref.version(), window, maxHorizon, symbol));
        loaded.put(ref.version(), f);
        return f;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "models:/" + name + "@production (test)";
    }
}
