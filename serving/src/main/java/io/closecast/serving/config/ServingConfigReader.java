package io.closecast.serving.config;

import io.closecast.serving.ServingException;

import io.closecast.model.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Reads {@code serving.yaml} into a {@link ServingConfig}: every key it may set is one entry of {@link #KEYS}, which
 * says how its value is read and where it goes, so the list of known keys (refused otherwise) is the reading code.
 * Then {@link EnvOverrides} applies the environment.
 */
public final class ServingConfigReader {

    /** How one key's value, when present, is read from the tree and set on the builder. */
    @FunctionalInterface
    private interface Reading {
        void apply(Config root, ServingConfig.Builder b, String where);
    }

    /**
     * One key serving.yaml may set (docs/serving.md#configuration).
     *
     * @param name  the dotted key
     * @param list  a list key, whose items are its children
     * @param read  how its value is read
     */
    private record Key(String name, boolean list, Reading read) {
    }

    /** Every key, in the order they are read. */
    private static final List<Key> KEYS = List.of(
            text("server.host", ServingConfig.Builder::host),
            integer("server.port", ServingConfig.Builder::port),
            integer("server.write-queue-length", ServingConfig.Builder::writeQueueLength),
            text("mlflow.tracking-uri", ServingConfig.Builder::trackingUri),
            text("model.name", ServingConfig.Builder::modelName),
            new Key("models", true, ServingConfigReader::readModels),
            text("model.alias", ServingConfig.Builder::modelAlias),
            duration("model.poll-interval", ServingConfig.Builder::pollInterval),
            duration("model.retry.initial", ServingConfig.Builder::retryInitial),
            duration("model.retry.max", ServingConfig.Builder::retryMax),
            integer("model.warmup-rounds", ServingConfig.Builder::warmupRounds),
            bool("model.serve-cached-on-outage", ServingConfig.Builder::serveCachedOnOutage),
            longValue("model.download.max-file-bytes", ServingConfig.Builder::downloadMaxFileBytes),
            longValue("model.download.max-bundle-bytes", ServingConfig.Builder::downloadMaxBundleBytes),
            integer("model.download.max-files", ServingConfig.Builder::downloadMaxFiles),
            integer("model.download.max-depth", ServingConfig.Builder::downloadMaxDepth),
            duration("model.download.timeout", ServingConfig.Builder::downloadTimeout),
            duration("server.idle-timeout", ServingConfig.Builder::idleTimeout),
            duration("server.header-timeout", ServingConfig.Builder::headerTimeout),
            duration("server.body-timeout", ServingConfig.Builder::bodyTimeout),
            new Key("security.api-keys", true,
                    (root, b, where) -> root.get("security.api-keys").asList(String.class).ifPresent(b::apiKeys)),
            path("security.api-keys-file", ServingConfig.Builder::apiKeysFile),
            path("security.issued-keys-file", ServingConfig.Builder::issuedKeysFile),
            new Key("security.admin-keys", true,
                    (root, b, where) -> root.get("security.admin-keys").asList(String.class).ifPresent(b::adminKeys)),
            flag("security.open.health", ServingConfig.Builder::openHealth),
            flag("security.open.metrics", ServingConfig.Builder::openMetrics),
            flag("security.open.openapi", ServingConfig.Builder::openOpenapi),
            flag("security.open.dashboard", ServingConfig.Builder::openDashboard),
            integer("limits.max-body-bytes", ServingConfig.Builder::maxBodyBytes),
            text("webhook.secret", ServingConfig.Builder::webhookSecret),
            duration("webhook.max-skew", ServingConfig.Builder::webhookMaxSkew),
            new Key("model.cache-dir", false, (root, b, where) -> root.get("model.cache-dir").asString()
                    .filter(s -> !s.isBlank()).ifPresent(v -> b.modelCacheDir(Path.of(v)))),
            integer("feedback.window", ServingConfig.Builder::feedbackWindow),
            path("dashboard.data-dir", ServingConfig.Builder::dataDir),
            bool("track.enabled", ServingConfig.Builder::trackEnabled),
            path("track.dir", ServingConfig.Builder::trackDir),
            text("track.store.url", ServingConfig.Builder::trackUrl),
            text("track.store.user", ServingConfig.Builder::trackUser),
            text("track.store.password", ServingConfig.Builder::trackPassword),
            integer("track.queue-capacity", ServingConfig.Builder::trackQueueCapacity),
            integer("track.batch-size", ServingConfig.Builder::trackBatchSize),
            path("track.prices-dir", ServingConfig.Builder::trackPricesDir),
            duration("track.refresh-interval", ServingConfig.Builder::trackRefreshInterval),
            integer("track.window", ServingConfig.Builder::trackWindow),
            new Key("model.intervals.adaptive.gamma", false, (root, b, where) -> root.get("model.intervals.adaptive.gamma")
                    .asString().ifPresent(v -> b.adaptiveGamma(gamma(v, "model.intervals.adaptive.gamma", where)))),
            text("track.feed.source", ServingConfig.Builder::trackFeedSource),
            duration("track.feed.delay", ServingConfig.Builder::trackFeedDelay),
            text("track.feed.base-url", ServingConfig.Builder::trackFeedBaseUrl));

    /** The keys an item of {@code models} may have when it is an object rather than a plain name. */
    static final List<String> MODEL_ITEM_KEYS = List.of("name", "alias", "shadow-alias", "intervals");

    private ServingConfigReader() {
    }

    /** Reads the YAML file, then applies the environment variables. */
    public static ServingConfig load(Path yaml, Map<String, String> env) {
        Config config = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(yaml))
                .build();
        return read(config, env, yaml.toString(), Optional.ofNullable(yaml.toAbsolutePath().getParent()));
    }

    /** From a Helidon config tree (the YAML's root), then the environment variables; {@code where} names the source. */
    public static ServingConfig read(Config config, Map<String, String> env, String where) {
        return read(config, env, where, Optional.empty());
    }

    /**
     * As {@link #read(Config, Map, String)}, for a config read from a file in {@code beside}: issued keys are kept in
     * {@code beside/issued-keys.json} unless {@code security.issued-keys-file} says otherwise.
     */
    static ServingConfig read(Config config, Map<String, String> env, String where, Optional<Path> beside) {
        rejectUnknownKeys(config, where);
        ServingConfig.Builder b = ServingConfig.builder();
        beside.ifPresent(dir -> b.issuedKeysFile(dir.resolve(SecuritySettings.ISSUED_KEYS_FILE)));
        for (Key key : KEYS) {
            key.read().apply(config, b, where);
        }
        EnvOverrides.apply(env, b);
        if (!b.hasModels()) {
            throw new ServingException("model.name or models is required (the registered models to serve, e.g. closecast-petr4), "
                    + "found none in " + where + ", CLOSECAST_MODEL_NAME or CLOSECAST_MODEL_NAMES");
        }
        return b.build();
    }

    /** Every key serving.yaml may set, sorted. */
    static List<String> keys() {
        return KEYS.stream().map(Key::name).sorted().toList();
    }

    /**
     * A typo in serving.yaml must not be ignored silently (pipeline YAML refuses unknown keys too): every node of the
     * tree must be a known key, a section above one, or an item of a known list key.
     */
    static void rejectUnknownKeys(Config config, String where) {
        config.traverse().forEach(node -> {
            String name = node.key().toString();
            boolean known = name.isEmpty() || KEYS.stream().anyMatch(k -> name.equals(k.name())
                    || (k.list() && name.startsWith(k.name() + "."))
                    || (node.type() == Config.Type.OBJECT && k.name().startsWith(name + ".")));
            if (!known) {
                throw new ServingException("unknown key " + name + " in " + where + "; known keys: " + String.join(", ", keys()));
            }
        });
    }

    /**
     * The {@code models} list: each item a registered model's name, or an object with {@code name} (required) and
     * {@code alias} (defaulted to {@code model.alias}).
     */
    private static void readModels(Config root, ServingConfig.Builder b, String where) {
        Config list = root.get("models");
        if (!list.exists()) {
            return;
        }
        if (root.get("model.name").exists()) {
            throw new ServingException("set model.name (one model) or models (several), found both in " + where);
        }
        if (list.type() != Config.Type.LIST) {
            throw new ServingException("models must be a list of registered model names or {name, alias} objects, found "
                    + list.type().name().toLowerCase(Locale.ROOT) + " in " + where);
        }
        List<ServingConfig.Builder.Entry> out = new ArrayList<>();
        for (Config item : list.asNodeList().orElse(List.of())) {
            String at = "models[" + item.name() + "]";
            if (item.type() == Config.Type.VALUE) {
                out.add(new ServingConfig.Builder.Entry(item.asString().get(), Optional.empty()));
                continue;
            }
            if (item.type() != Config.Type.OBJECT) {
                throw new ServingException(at + " must be a model name or {name, alias}, found a list in " + where);
            }
            for (Config field : item.asNodeList().orElse(List.of())) {
                if (!MODEL_ITEM_KEYS.contains(field.name())) {
                    throw new ServingException("unknown key " + at + "." + field.name() + " in " + where + "; known keys of a"
                            + " models item: " + String.join(", ", MODEL_ITEM_KEYS));
                }
            }
            String name = item.get("name").asString().filter(s -> !s.isBlank()).orElseThrow(() -> new ServingException(
                    at + ".name is required (the registered model to serve), found none in " + where));
            out.add(new ServingConfig.Builder.Entry(name, item.get("alias").asString().filter(s -> !s.isBlank()),
                    item.get("shadow-alias").asString().filter(s -> !s.isBlank())));
            Config intervals = item.get("intervals");
            if (intervals.exists()) {
                intervals.traverse().forEach(node -> {
                    String key = node.key().toString().substring(intervals.key().toString().length() + 1);
                    if (!key.equals("adaptive") && !key.equals("adaptive.gamma")) {
                        throw new ServingException("unknown key " + at + ".intervals." + key + " in " + where
                                + "; known keys: " + at + ".intervals.adaptive.gamma");
                    }
                });
                String key = at + ".intervals.adaptive.gamma";
                intervals.get("adaptive.gamma").asString().ifPresent(v -> b.adaptiveGamma(name, gamma(v, key, where)));
            }
        }
        b.models(out);
    }

    private static Key text(String name, BiConsumer<ServingConfig.Builder, String> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asString().ifPresent(v -> set.accept(b, v)));
    }

    private static Key integer(String name, ObjIntConsumer<ServingConfig.Builder> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asString()
                .ifPresent(v -> set.accept(b, integer(v, name, where))));
    }

    private static Key longValue(String name, ObjLongConsumer<ServingConfig.Builder> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asString()
                .ifPresent(v -> set.accept(b, longValue(v, name, where))));
    }

    /** A strict {@code true} / {@code false}. */
    private static Key bool(String name, BiConsumer<ServingConfig.Builder, Boolean> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asString()
                .ifPresent(v -> set.accept(b, bool(v, name, where))));
    }

    /** A boolean as Helidon's config reads it. */
    private static Key flag(String name, BiConsumer<ServingConfig.Builder, Boolean> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asBoolean().ifPresent(v -> set.accept(b, v)));
    }

    private static Key duration(String name, BiConsumer<ServingConfig.Builder, Duration> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asString()
                .ifPresent(v -> set.accept(b, duration(v, name, where))));
    }

    private static Key path(String name, BiConsumer<ServingConfig.Builder, Path> set) {
        return new Key(name, false, (root, b, where) -> root.get(name).asString().ifPresent(v -> set.accept(b, Path.of(v))));
    }

    /** A duration as {@link Durations#parse} reads it, or a config error naming the key and where. */
    public static Duration duration(String text, String key, String where) {
        return Durations.parse(text).orElseThrow(() -> new ServingException(key + " must be " + Durations.EXPECTED
                + ", found '" + text + "' (" + where + ")"));
    }

    /** An adaptive intervals' step size: a number in (0, 0.5]. */
    static double gamma(String text, String key, String where) {
        double g;
        try {
            g = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new ServingException(key + " must be a number in (0, " + AdaptiveSettings.MAX_GAMMA + "] (e.g. 0.005), found '"
                    + text + "' (" + where + ")");
        }
        return AdaptiveSettings.requireGamma(g, key + " (" + where + ")");
    }

    static long longValue(String text, String key, String where) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new ServingException(key + " must be an integer, found '" + text + "' (" + where + ")");
        }
    }

    static boolean bool(String text, String key, String where) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ServingException(key + " must be true or false, found '" + text + "' (" + where + ")");
        };
    }

    static int integer(String text, String key, String where) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new ServingException(key + " must be an integer, found '" + text + "' (" + where + ")");
        }
    }
}
