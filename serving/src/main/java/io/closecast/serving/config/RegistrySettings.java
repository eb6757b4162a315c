package io.closecast.serving.config;

import io.closecast.serving.ServingException;
import io.closecast.serving.models.LoaderSettings;
import io.closecast.serving.models.VersionRef;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.closecast.mlflow.artifacts.DownloadLimits;

/**
 * Which models serve and where they come from: {@code mlflow.tracking-uri}, {@code model.*} and {@code models}.
 *
 * @param trackingUri   {@code mlflow.tracking-uri}
 * @param models        {@code model.name} or {@code models}, each with its alias ({@code model.alias} unless it names one)
 * @param loader        {@code model.poll-interval}, {@code model.retry.*}, {@code model.warmup-rounds},
 *                      {@code model.serve-cached-on-outage}
 * @param modelCacheDir {@code model.cache-dir}
 * @param download      {@code model.download.*}
 */
public record RegistrySettings(Optional<String> trackingUri, List<ServedModel> models, LoaderSettings loader,
                               Path modelCacheDir, DownloadLimits download) {

    /**
     * Download bounds for model bundles: real bundles are tens of kilobytes (a 2-layer 64-unit LSTM is ~150 KB with
     * its DL4J copy), so 64 MiB a file and 256 MiB a bundle leave a wide margin.
     */
    public static final DownloadLimits DEFAULT_DOWNLOAD =
            new DownloadLimits(64L << 20, 256L << 20, 1000, 16, Duration.ofMinutes(2));

    /**
     * One registered model the service serves and the registry alias it follows ({@code models:/NAME@ALIAS}).
     *
     * @param name  the registered model, e.g. {@code closecast-MSFT}; also its name in {@code /v1/models/{name}}
     * @param alias the alias whose version serves, e.g. {@code production}
     * @param shadowAlias {@code models[].shadow-alias}: the alias of a challenger loaded too, run on the same dated
     *                    requests after the answer and logged (never answered with); empty without one
     */
    public record ServedModel(String name, String alias, Optional<String> shadowAlias) {
        public ServedModel {
            VersionRef.requireText(name, "models[].name");
            VersionRef.requireText(alias, "models[].alias");
            Objects.requireNonNull(shadowAlias, "shadowAlias");
            shadowAlias.ifPresent(s -> VersionRef.requireText(s, "models[].shadow-alias"));
            if (shadowAlias.filter(alias::equals).isPresent()) {
                throw new ServingException("models[].shadow-alias must differ from the alias it shadows (" + alias
                        + ") for " + name + ", found the same");
            }
        }

        public ServedModel(String name, String alias) {
            this(name, alias, Optional.empty());
        }
    }

    public RegistrySettings {
        Objects.requireNonNull(trackingUri, "trackingUri");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new ServingException("model.name or models is required (the registered models to serve), found none");
        }
        Set<String> names = new HashSet<>();
        for (ServedModel m : models) {
            if (!names.add(m.name())) {
                throw new ServingException("models must name each registered model once, found " + m.name() + " twice");
            }
        }
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(modelCacheDir, "model.cache-dir");
        Objects.requireNonNull(download, "download");
    }
}
