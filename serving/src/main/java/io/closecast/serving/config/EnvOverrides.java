package io.closecast.serving.config;

import io.closecast.serving.ServingException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment variables that override serving.yaml (a blank one is ignored): {@code CLOSECAST_TRACKING_URI}
 * (else {@code MLFLOW_TRACKING_URI}), {@code CLOSECAST_MODEL_NAME} (one model), {@code CLOSECAST_MODEL_NAMES} (several,
 * comma separated, each {@code NAME} or {@code NAME@ALIAS}), {@code CLOSECAST_MODEL_ALIAS}, {@code CLOSECAST_PORT},
 * {@code CLOSECAST_API_KEYS} (comma separated), {@code CLOSECAST_API_KEYS_FILE}, {@code CLOSECAST_POLL_INTERVAL},
 * {@code CLOSECAST_WEBHOOK_SECRET}, {@code CLOSECAST_MAX_BODY_BYTES}, {@code CLOSECAST_MODEL_CACHE_DIR},
 * {@code CLOSECAST_DATA_DIR}, {@code CLOSECAST_TRACK_STORE_URL}, {@code CLOSECAST_TRACK_STORE_USER},
 * {@code CLOSECAST_TRACK_STORE_PASSWORD}.
 */
final class EnvOverrides {

    private static final String WHERE = "environment";

    private EnvOverrides() {
    }

    /** Sets on {@code b} what {@code env} overrides. */
    static void apply(Map<String, String> env, ServingConfig.Builder b) {
        value(env, "MLFLOW_TRACKING_URI").ifPresent(b::trackingUri);
        value(env, "CLOSECAST_TRACKING_URI").ifPresent(b::trackingUri);
        Optional<String> name = value(env, "CLOSECAST_MODEL_NAME");
        Optional<String> names = value(env, "CLOSECAST_MODEL_NAMES");
        if (name.isPresent() && names.isPresent()) {
            throw new ServingException("set CLOSECAST_MODEL_NAME (one model) or CLOSECAST_MODEL_NAMES (several), found both"
                    + " in the environment");
        }
        name.ifPresent(b::modelName);
        names.ifPresent(v -> b.models(servedModels(v)));
        value(env, "CLOSECAST_MODEL_ALIAS").ifPresent(b::modelAlias);
        value(env, "CLOSECAST_PORT").ifPresent(v -> b.port(ServingConfigReader.integer(v, "CLOSECAST_PORT", WHERE)));
        value(env, "CLOSECAST_API_KEYS").ifPresent(v -> b.apiKeys(splitKeys(v)));
        value(env, "CLOSECAST_ADMIN_KEYS").ifPresent(v -> b.adminKeys(splitKeys(v)));
        value(env, "CLOSECAST_API_KEYS_FILE").ifPresent(v -> b.apiKeysFile(Path.of(v)));
        value(env, "CLOSECAST_ISSUED_KEYS_FILE").ifPresent(v -> b.issuedKeysFile(Path.of(v)));
        value(env, "CLOSECAST_POLL_INTERVAL")
                .ifPresent(v -> b.pollInterval(ServingConfigReader.duration(v, "CLOSECAST_POLL_INTERVAL", WHERE)));
        value(env, "CLOSECAST_WEBHOOK_SECRET").ifPresent(b::webhookSecret);
        value(env, "CLOSECAST_MAX_BODY_BYTES")
                .ifPresent(v -> b.maxBodyBytes(ServingConfigReader.integer(v, "CLOSECAST_MAX_BODY_BYTES", WHERE)));
        value(env, "CLOSECAST_MODEL_CACHE_DIR").ifPresent(v -> b.modelCacheDir(Path.of(v)));
        value(env, "CLOSECAST_DATA_DIR").ifPresent(v -> b.dataDir(Path.of(v)));
        value(env, "CLOSECAST_TRACK_STORE_URL").ifPresent(b::trackUrl);
        value(env, "CLOSECAST_TRACK_STORE_USER").ifPresent(b::trackUser);
        value(env, "CLOSECAST_TRACK_STORE_PASSWORD").ifPresent(b::trackPassword);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank());
    }

    /** {@code CLOSECAST_MODEL_NAMES}: {@code NAME} or {@code NAME@ALIAS}, comma separated. */
    static List<ServingConfig.Builder.Entry> servedModels(String csv) {
        List<ServingConfig.Builder.Entry> out = new ArrayList<>();
        for (String item : splitKeys(csv)) {
            int at = item.indexOf('@');
            if (at == 0 || at == item.length() - 1) {
                throw new ServingException("CLOSECAST_MODEL_NAMES items must be NAME or NAME@ALIAS, found '" + item + "'");
            }
            out.add(at < 0 ? new ServingConfig.Builder.Entry(item, Optional.empty())
                    : new ServingConfig.Builder.Entry(item.substring(0, at).strip(), Optional.of(item.substring(at + 1).strip())));
        }
        return out;
    }

    static List<String> splitKeys(String csv) {
        List<String> out = new ArrayList<>();
        for (String k : csv.split(",")) {
            if (!k.isBlank()) {
                out.add(k.strip());
            }
        }
        return out;
    }
}
