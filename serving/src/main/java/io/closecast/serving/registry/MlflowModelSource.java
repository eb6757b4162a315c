package io.closecast.serving.registry;

import io.closecast.serving.ServingException;
import io.closecast.serving.config.RegistrySettings;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.models.Forecaster;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelSource;
import io.closecast.serving.models.VersionRef;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.closecast.mlflow.artifacts.DownloadLimits;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Stage;
import io.closecast.model.dataset.Feature;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.bundle.ModelBundle;
import io.closecast.model.ModelException;
import io.closecast.model.dataset.Target;
import io.closecast.model.risk.CalibrationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link ModelSource}: the version {@code models:/NAME@ALIAS} points at in an MLflow registry,
 * falling back to the newest version in the legacy stage {@code Production} when the alias does not exist.
 * <p>
 * {@link #load} downloads the version's bundle through the server's artifact proxy into
 * {@code cacheDir/NAME/VERSION} (first into a temporary sibling, then moved in place, so a directory there is a
 * complete download), verifies its checksum manifest and loads the pure-Java forward pass ({@link ForecastModel}).
 * A cached copy that fails verification is downloaded again once; a bundle that still fails is refused.
 */
public final class MlflowModelSource implements ModelSource {

    private static final Logger LOG = LoggerFactory.getLogger(MlflowModelSource.class);
    /** The legacy stage read when the alias does not exist. */
    static final String LEGACY_STAGE = Stage.PRODUCTION.mlflowName();
    private static final String PARTIAL = ".partial-";

    /** Registered model names MLflow and closecast accept: no path separators, no {@code ..}. */
    private static final java.util.regex.Pattern SAFE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    /** What {@link #served} remembers, beside the cached bundles, for a start while the registry is down. */
    static final String SERVED_FILE = "served.json";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final MlflowClient client;
    private final String modelName;
    private final String alias;
    private final Path cacheDir;
    private final DownloadLimits limits;
    private final Map<VersionRef, String> resolvedThrough = new ConcurrentHashMap<>();
    private final Map<VersionRef, Map<String, String>> tagsOf = new ConcurrentHashMap<>();

    private MlflowModelSource(MlflowClient client, String modelName, String alias, Path cacheDir, DownloadLimits limits) {
        this.client = Objects.requireNonNull(client, "client");
        VersionRef.requireText(modelName, "model.name");
        VersionRef.requireText(alias, "model.alias");
        requireSafeName(modelName, "model.name");
        this.modelName = modelName;
        this.alias = alias;
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir").toAbsolutePath().normalize();
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * A source reading {@code models:/modelName@alias} through {@code client}, caching bundles under {@code cacheDir},
     * downloading within {@link RegistrySettings#DEFAULT_DOWNLOAD}. The client stays owned by the caller.
     */
    public static MlflowModelSource create(MlflowClient client, String modelName, String alias, Path cacheDir) {
        return create(client, modelName, alias, cacheDir, RegistrySettings.DEFAULT_DOWNLOAD);
    }

    /** Like {@link #create(MlflowClient, String, String, Path)} with the download bounds given. */
    public static MlflowModelSource create(MlflowClient client, String modelName, String alias, Path cacheDir,
                                           DownloadLimits limits) {
        return new MlflowModelSource(client, modelName, alias, cacheDir, limits);
    }

    private static void requireSafeName(String name, String field) {
        if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
            throw new ServingException(field + " must be 1-255 letters, digits, '.', '_' or '-' starting with a letter or"
                    + " digit and without '..', found " + JsonText.abbreviate(name));
        }
    }

    @Override
    public Optional<VersionRef> resolve() {
        Optional<ModelVersion> byAlias = client.registry().findModelVersionByAlias(modelName, alias);
        if (byAlias.isPresent()) {
            VersionRef ref = ref(byAlias.get());
            resolvedThrough.put(ref, alias);
            return Optional.of(ref);
        }
        Optional<ModelVersion> byStage = client.registry().searchModelVersions(
                        "name = '" + modelName.replace("'", "\\'") + "'", List.of("version_number DESC")).stream()
                .filter(v -> v.stage() == Stage.PRODUCTION)
                .max(Comparator.comparingInt(ModelVersion::version));
        if (byStage.isEmpty()) {
            return Optional.empty();
        }
        VersionRef ref = ref(byStage.get());
        resolvedThrough.put(ref, "stage:" + LEGACY_STAGE);
        LOG.info("{} has no alias '{}'; serving the newest version in the legacy stage {}: v{}", modelName, alias,
                LEGACY_STAGE, ref.version());
        return Optional.of(ref);
    }

    private VersionRef ref(ModelVersion v) {
        if (!modelName.equals(v.name())) {
            throw new ServingException("the registry answered for model " + JsonText.abbreviate(v.name()) + " v" + v.version()
                    + ", expected " + modelName + " (the model asked for)");
        }
        String runId = v.runId().filter(s -> !s.isBlank()).orElseThrow(() -> new ServingException(
                "model version " + v.name() + " v" + v.version() + " must name the run that produced it, found no run id"
                        + " (source " + v.source() + ")"));
        return VersionRef.create(v.name(), Integer.toString(v.version()), runId);
    }

    @Override
    public Forecaster load(VersionRef ref) {
        int number = versionNumber(ref);
        if (!modelName.equals(ref.name())) {
            throw new ServingException("expected to load model " + modelName + ", found a request for " + JsonText.abbreviate(ref.name()));
        }
        ModelVersion version = client.registry().getModelVersion(ref.name(), number);
        if (!modelName.equals(version.name()) || version.version() != number) {
            throw new ServingException("the registry answered with model " + JsonText.abbreviate(version.name()) + " v"
                    + version.version() + ", expected " + modelName + " v" + number);
        }
        Path target = bundleDir(ref);
        ForecastModel model;
        if (Files.isDirectory(target)) {
            try {
                model = ForecastModel.load(target);
                LOG.info("Loaded {} from the cache {}", ref, target);
            } catch (ModelException e) {
                LOG.warn("Cached bundle of {} in {} is not usable ({}); downloading it again", ref, target, e.getMessage());
                deleteTree(target);
                model = download(version, ref, target);
            }
        } else {
            model = download(version, ref, target);
        }
        ModelInfo info = info(ref, model, version.tags(), resolvedThrough.getOrDefault(ref, alias), Instant.now());
        tagsOf.put(ref, version.tags());
        return new BundleForecaster(model, info);
    }

    /** Remembers {@code ref} in {@code cacheDir/NAME/served.json} (written to a sibling, then moved). */
    @Override
    public void served(VersionRef ref) throws IOException {
        Path dir = bundleDir(ref).getParent();
        Map<String, Object> served = new LinkedHashMap<>();
        served.put("name", ref.name());
        served.put("version", ref.version());
        served.put("run_id", ref.runId());
        served.put("through", resolvedThrough.getOrDefault(ref, alias));
        served.put("tags", tagsOf.getOrDefault(ref, Map.of()));
        Path temp = dir.resolve(SERVED_FILE + PARTIAL + UUID.randomUUID().toString().substring(0, 8));
        Files.write(temp, JSON.writeValueAsBytes(served));
        try {
            Files.move(temp, dir.resolve(SERVED_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The version {@code served.json} names, from its cached bundle, checksums verified; nothing asks the registry. */
    @Override
    public Optional<Forecaster> loadLastVerified() throws IOException {
        Path file = cacheDir.resolve(modelName).resolve(SERVED_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        com.fasterxml.jackson.databind.JsonNode served = JSON.readTree(file.toFile());
        VersionRef ref = VersionRef.create(served.path("name").asText(""), served.path("version").asText(""),
                served.path("run_id").asText(""));
        if (!modelName.equals(ref.name())) {
            throw new ServingException(file + " names model " + JsonText.abbreviate(ref.name()) + ", expected " + modelName);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        served.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        Path dir = bundleDir(ref);
        ForecastModel model;
        try {
            model = ForecastModel.load(dir);
        } catch (ModelException e) {
            throw new ServingException("the cached bundle of " + ref + " is not usable: " + e.getMessage(), e);
        }
        String through = served.path("through").asText(alias) + " (cached; registry unreachable)";
        LOG.info("Loaded {} from the cache {} without the registry", ref, dir);
        return Optional.of(new BundleForecaster(model, info(ref, model, tags, through, Instant.now())));
    }

    private ForecastModel download(ModelVersion version, VersionRef ref, Path target) {
        Path parent = target.getParent();
        Path partial = parent.resolve(target.getFileName() + PARTIAL + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(parent);
            removeStalePartials(parent, target.getFileName().toString());
            long start = System.nanoTime();
            List<Path> files = client.registry().downloadModelVersion(version, partial, limits);
            LOG.info("Downloaded {} ({} files from {}) in {} ms", ref, files.size(), version.source(),
                    (System.nanoTime() - start) / 1_000_000);
            ForecastModel model;
            try {
                model = ForecastModel.load(partial);
            } catch (ModelException e) {
                throw new ServingException("model bundle of " + ref + " refused: " + e.getMessage()
                        + " (downloaded from " + version.source() + ")", e);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                // another process cached the same version meanwhile; ours is verified and loaded, drop it
            }
            return model;
        } catch (IOException e) {
            throw new ServingException("cannot cache the bundle of " + ref + " in " + parent + ": " + e.getMessage(), e);
        } finally {
            deleteTree(partial);
        }
    }

    private static void removeStalePartials(Path parent, String name) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(name + PARTIAL)).toList()) {
                LOG.info("Removing an incomplete download {}", p);
                deleteTree(p);
            }
        }
    }

    /**
     * Where the bundle of {@code ref} is cached: {@code cacheDir/NAME/VERSION}, refused unless the name is safe and
     * the path, normalised, lies exactly two levels inside the cache directory.
     */
    Path bundleDir(VersionRef ref) {
        requireSafeName(ref.name(), "model name from the registry");
        Path dir = cacheDir.resolve(ref.name()).resolve(Integer.toString(versionNumber(ref))).normalize();
        if (!dir.startsWith(cacheDir) || dir.getNameCount() != cacheDir.getNameCount() + 2) {
            throw new ServingException("the bundle of " + ref + " must be cached inside " + cacheDir + ", found the path " + dir);
        }
        return dir;
    }

    private static int versionNumber(VersionRef ref) {
        try {
            int n = Integer.parseInt(ref.version());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ServingException("model version must be a positive integer, found '" + ref.version() + "' (" + ref.name() + ")");
    }

    /**
     * What a loaded bundle is: coordinates from the registry, window and horizon from the model, training range and
     * price column from the MLmodel flavor, test metrics ({@code test_*}, {@code naive_test_*}, {@code baseline_test_*},
     * {@code garch_test_*}, {@code wf_mean_*}) and the interval test results ({@link CalibrationRecord}) from the
     * version's tags.
     */
    static ModelInfo info(VersionRef ref, ForecastModel model, Map<String, String> tags, String through, Instant loadedAt) {
        ModelBundle.MlModel mlmodel = model.mlmodel();
        String where = ref.name() + " v" + ref.version();
        LocalDate[] train = range(mlmodel.setting("train_range"), "train_range", where);
        Target target;
        try {
            target = Target.valueOf(mlmodel.setting("target").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ServingException("the MLmodel flavor's target must be one of CLOSE, ADJ_CLOSE, found '"
                    + mlmodel.setting("target") + "' (" + where + ")");
        }
        List<String> features = new ArrayList<>();
        features.add(target.column().header());
        for (Feature f : model.codec().features()) {
            if (f != Feature.TARGET) {
                features.add(f.name().toLowerCase(Locale.ROOT));
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        tags.forEach((key, value) -> {
            if (key.startsWith("test_") || key.startsWith("naive_test_") || key.startsWith("baseline_test_")
                    || key.startsWith("garch_test_") || key.startsWith("wf_mean_")) {
                try {
                    metrics.put(key, Double.parseDouble(value.strip()));
                } catch (NumberFormatException e) {
                    LOG.warn("Version tag {}={} of {} is not a number; left out of the test metrics", key, value, where);
                }
            }
        });
        Object symbol = mlmodel.flavor().get("symbol");
        return new ModelInfo(ref.name(), ref.version(), ref.runId(), through, train[0], train[1], model.requiredHistory(),
                model.maxHorizon(), features, metrics, loadedAt, symbol == null ? "" : symbol.toString(),
                CalibrationRecord.read(tags));
    }

    private static LocalDate[] range(String text, String key, String where) {
        int dots = text.indexOf("..");
        try {
            if (dots > 0) {
                return new LocalDate[] {LocalDate.parse(text.substring(0, dots).strip()),
                        LocalDate.parse(text.substring(dots + 2).strip())};
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new ServingException("the MLmodel flavor's " + key + " must be FROM..TO (ISO dates), found '" + text
                + "' (" + where + ")");
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    @Override
    public String name() {
        return modelName;
    }

    @Override
    public String alias() {
        return alias;
    }

    @Override
    public String describe() {
        return "models:/" + modelName + "@" + alias + " at " + client.config().trackingUri();
    }

    /** A loaded bundle as a {@link Forecaster}: the pure-Java forward pass, immutable and thread-safe. */
    private record BundleForecaster(ForecastModel model, ModelInfo info) implements Forecaster {
        @Override
        public double[] forecast(double[] window, int horizon) {
            return model.forecast(window, horizon);
        }

        @Override
        public ForecastModel.Forecast forecastWithIntervals(double[] window, int horizon) {
            return model.forecastWithIntervals(window, horizon);
        }
    }
}
