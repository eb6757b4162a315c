package io.closecast.serving.models;

import io.closecast.serving.ServingException;
import io.closecast.serving.monitoring.ServingMetrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered models one service serves, each kept by its own {@link ModelManager} (its own alias poll, hot swap,
 * refusals and cached start), in the order they were configured.
 * <p>
 * Readiness: the service is ready when at least one model serves and every other one either serves or has no version
 * to serve (the registry answered that its alias points at none). A model still loading, whose only version was
 * refused, or whose registry does not answer (and which has no cached version) holds readiness back, so a new replica
 * takes no traffic before it can answer for the models the old replicas answer for. A model without a version cannot
 * be served by any replica: it answers 503 on its routes and does not take the others out of service.
 */
public final class ModelFleet implements AutoCloseable {

    private final Map<String, ModelManager> managers;
    private final Map<String, ModelManager> shadows;

    private ModelFleet(Map<String, ModelManager> managers, Map<String, ModelManager> shadows) {
        if (managers.isEmpty()) {
            throw new ServingException("a fleet needs at least one model, found none");
        }
        this.managers = managers;
        this.shadows = shadows;
    }

    /** One manager per source (not started yet), named by {@link ModelSource#name()}; names must be distinct. */
    public static ModelFleet create(List<ModelSource> sources, LoaderSettings settings, ServingMetrics metrics) {
        Map<String, ModelManager> managers = new LinkedHashMap<>();
        for (ModelSource source : sources) {
            if (managers.containsKey(source.name())) {
                throw new ServingException("a fleet serves each registered model once, found " + source.name() + " twice");
            }
            managers.put(source.name(), ModelManager.create(source, settings, metrics));
        }
        return new ModelFleet(managers, Map.of());
    }

    /**
     * As {@link #create(List, LoaderSettings, ServingMetrics)}, with challengers in shadow: one source per served model
     * that names a shadow alias (keyed by the model's name). A challenger loads and serves on its own manager; it
     * never answers a request and never holds readiness back (a broken or missing one shows in {@link #shadows()}).
     */
    public static ModelFleet create(List<ModelSource> sources, Map<String, ModelSource> shadowSources,
                                    LoaderSettings settings, ServingMetrics metrics) {
        ModelFleet fleet = create(sources, settings, metrics);
        Map<String, ModelManager> shadows = new LinkedHashMap<>();
        shadowSources.forEach((name, source) -> {
            if (!fleet.managers.containsKey(name)) {
                throw new ServingException("a challenger in shadow needs its model served, found " + name
                        + " not among " + fleet.names());
            }
            shadows.put(name, ModelManager.createShadow(source, settings, metrics));
        });
        return new ModelFleet(fleet.managers, shadows);
    }

    /** The challenger in shadow of one model, if it names one. */
    public Optional<ModelManager> shadow(String name) {
        return Optional.ofNullable(shadows.get(name));
    }

    /** Every challenger in shadow, keyed by the model it shadows. */
    public Map<String, ModelManager> shadows() {
        return java.util.Collections.unmodifiableMap(shadows);
    }

    /** Starts every manager's background loader; returns immediately. */
    public ModelFleet start() {
        managers.values().forEach(ModelManager::start);
        shadows.values().forEach(ModelManager::start);
        return this;
    }

    /** The managers in configured order. */
    public Collection<ModelManager> all() {
        return managers.values();
    }

    /** The configured model names in order. */
    public List<String> names() {
        return List.copyOf(managers.keySet());
    }

    public int size() {
        return managers.size();
    }

    /** The manager of one model, or empty when the service is not configured to serve it. */
    public Optional<ModelManager> find(String name) {
        return Optional.ofNullable(managers.get(name));
    }

    /** The manager of one model; an {@link UnknownModelException} naming it and the models served if there is none. */
    public ModelManager get(String name) {
        ModelManager manager = managers.get(name);
        if (manager == null) {
            throw new UnknownModelException(name, names());
        }
        return manager;
    }

    /**
     * The one model, for what answers for the only model (the single-model routes {@code /v1/predict},
     * {@code /invocations}, {@code /v1/model}, {@code /v1/feedback}, {@code /v1/feedback/summary}); with several
     * models a {@link ModelRequiredException} naming {@code route} and them.
     */
    public ModelManager single(String route) {
        if (managers.size() == 1) {
            return managers.values().iterator().next();
        }
        throw new ModelRequiredException(route, names());
    }

    /** The first configured model (the only one in a single-model service). */
    public ModelManager first() {
        return managers.values().iterator().next();
    }

    /** Ready as the class comment says: one model serves, and every other one serves or has no version. */
    public boolean ready() {
        boolean any = false;
        for (ModelManager m : managers.values()) {
            Condition condition = m.status().condition();
            if (condition.holdsReadinessBack()) {
                return false;
            }
            any |= condition == Condition.SERVING;
        }
        return any;
    }

    /** Why the fleet is not ready, one reason per model that holds it back (empty when ready). */
    public List<String> notReadyReasons() {
        List<String> out = new ArrayList<>();
        boolean any = false;
        for (ModelManager m : managers.values()) {
            ModelState status = m.status();
            Condition condition = status.condition();
            any |= condition == Condition.SERVING;
            if (condition.holdsReadinessBack()) {
                out.add(m.name() + ": " + status.reason().orElse(condition.text()));
            }
        }
        if (out.isEmpty() && !any) {
            for (ModelManager m : managers.values()) {
                out.add(m.name() + ": " + m.status().reason().orElse("no version"));
            }
        }
        return out;
    }

    /** Stops every loader and closes the serving versions once their requests are done. */
    @Override
    public void close() {
        managers.values().forEach(ModelManager::close);
        shadows.values().forEach(ModelManager::close);
    }
}
