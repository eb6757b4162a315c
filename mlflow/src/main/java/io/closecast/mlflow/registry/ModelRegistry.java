package io.closecast.mlflow.registry;

import io.closecast.mlflow.Checks;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.MlflowNotFoundException;
import io.closecast.mlflow.artifacts.ArtifactPaths;
import io.closecast.mlflow.artifacts.ArtifactStore;
import io.closecast.mlflow.artifacts.DownloadLimits;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.RegisteredModel;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.Stage;
import io.closecast.mlflow.entities.Tag;
import io.closecast.mlflow.http.Errors;
import io.closecast.mlflow.http.Http;
import io.closecast.mlflow.http.Wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's model registry: registered models, versions and their tags, aliases, legacy stages, version searches,
 * and a version's files through the {@link ArtifactStore}. Thread-safe; get it from {@code MlflowClient.registry()}.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private static final int VERSION_PAGE = 1_000;

    private final Http http;
    private final Function<String, Run> runs;
    private final ArtifactStore artifacts;

    /**
     * A registry over the client's HTTP stack.
     *
     * @param http      the client's HTTP stack
     * @param runs      reads a run by id (a new version's source is the run's artifact URI)
     * @param artifacts where a version's files are downloaded from
     */
    public ModelRegistry(Http http, Function<String, Run> runs, ArtifactStore artifacts) {
        this.http = Checks.notNull(http, "http");
        this.runs = Checks.notNull(runs, "run lookup");
        this.artifacts = Checks.notNull(artifacts, "artifact store");
    }

    /**
     * Creates the registered model, or returns the existing one with that name.
     *
     * @param name the registered model
     * @return the model as the server holds it
     */
    public RegisteredModel createRegisteredModel(String name) {
        return createRegisteredModel(name, "");
    }

    /**
     * Creates the registered model with a description, or returns the existing one (description unchanged).
     *
     * @param name        the registered model
     * @param description its description ("" = none)
     * @return the model as the server holds it
     */
    public RegisteredModel createRegisteredModel(String name, String description) {
        Checks.notBlank(name, "registered model name");
        Checks.notNull(description, "description");
        ObjectNode body = http.object().put("name", name);
        if (!description.isEmpty()) {
            body.put("description", description);
        }
        try {
            RegisteredModel model = Wire.registeredModel(http.post("registered-models/create", body)
                    .path("registered_model"));
            LOG.info("created registered model '{}'", name);
            return model;
        } catch (MlflowException e) {
            if (Errors.isAlreadyExists(e)) {
                return getRegisteredModel(name);
            }
            throw e;
        }
    }

    /**
     * The registered model with this name.
     *
     * @param name the registered model
     * @return the model
     * @throws MlflowNotFoundException when there is none
     */
    public RegisteredModel getRegisteredModel(String name) {
        Checks.notBlank(name, "registered model name");
        return Wire.registeredModel(http.get("registered-models/get", Map.of("name", List.of(name)))
                .path("registered_model"));
    }

    /**
     * Replaces a registered model's description.
     *
     * @param name        the registered model
     * @param description the new description
     * @return the model as updated
     * @throws MlflowNotFoundException when there is no such model
     */
    public RegisteredModel updateRegisteredModelDescription(String name, String description) {
        Checks.notBlank(name, "registered model name");
        Checks.notNull(description, "description");
        return Wire.registeredModel(http.patch("registered-models/update",
                http.object().put("name", name).put("description", description)).path("registered_model"));
    }

    /**
     * Sets a tag on a registered model.
     *
     * @param name  the registered model
     * @param key   the tag key
     * @param value the tag value
     * @throws MlflowNotFoundException when there is no such model
     */
    public void setRegisteredModelTag(String name, String key, String value) {
        Checks.notBlank(name, "registered model name");
        Tag tag = Tag.create(key, value);
        http.post("registered-models/set-tag", http.object().put("name", name).put("key", tag.key())
                .put("value", tag.value()));
    }

    /**
     * Registers the run's artifact path as a new version and waits until it is READY. Its source is the resolved
     * {@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>}, as MLflow's own client stores it: the registry UI
     * then shows the signature and {@code get_model_version_download_uri} resolves (not so with {@code runs:/}).
     *
     * @param spec the model, run, artifact path, description, tags and how long to wait for READY
     * @return the READY version
     * @throws MlflowNotFoundException when the run does not exist
     * @throws MlflowException         on FAILED_REGISTRATION or when not READY within the spec's timeout
     */
    public ModelVersion createModelVersion(ModelVersionSpec spec) {
        Checks.notNull(spec, "model version spec");
        ObjectNode body = http.object().put("name", spec.modelName()).put("source", resolvedSource(spec))
                .put("run_id", spec.runId());
        if (!spec.description().isEmpty()) {
            body.put("description", spec.description());
        }
        body.set("tags", Wire.keyValues(spec.tags()));
        ModelVersion created = Wire.modelVersion(http.post("model-versions/create", body).path("model_version"));
        ModelVersion ready = ReadyWait.await(created, spec.readyTimeout(), this::getModelVersion);
        LOG.info("registered {} version {} from {}", spec.modelName(), ready.version(), spec.source());
        return ready;
    }

    /** {@code <the run's artifact URI>/<artifact path>}: what {@code runs:/<run>/<path>} resolves to. */
    private String resolvedSource(ModelVersionSpec spec) {
        String root;
        try {
            root = runs.apply(spec.runId()).info().artifactUri().replaceAll("/+$", "");
        } catch (MlflowNotFoundException e) {
            throw new MlflowNotFoundException("cannot register a version of " + spec.modelName() + " from run "
                    + spec.runId() + ": " + e.getMessage(), e.status(), e.errorCode().orElse(""));
        }
        String path = ArtifactPaths.clean(spec.artifactPath());
        return path.isEmpty() ? root : root + "/" + path;
    }

    /**
     * A version by number.
     *
     * @param name    the registered model
     * @param version the version number, {@code > 0}
     * @return the version
     * @throws MlflowNotFoundException when the model or the version does not exist
     */
    public ModelVersion getModelVersion(String name, int version) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        return Wire.modelVersion(http.get("model-versions/get", Map.of("name", List.of(name),
                "version", List.of(Integer.toString(version)))).path("model_version"));
    }

    /**
     * The version a model URI names: by alias or by number.
     *
     * @param uri a {@code models:/NAME@ALIAS} or {@code models:/NAME/N} URI
     * @return the version
     * @throws MlflowNotFoundException when the model, the version or the alias does not exist
     * @throws MlflowException         when {@code uri} names a run's artifacts, not a registered version
     */
    public ModelVersion getModelVersion(ModelUri uri) {
        Checks.notNull(uri, "model URI");
        return switch (uri.form()) {
            case ALIAS -> getModelVersionByAlias(uri.name(), uri.alias());
            case VERSION -> getModelVersion(uri.name(), uri.version());
            case RUN -> throw new MlflowException("expected models:/NAME@ALIAS or models:/NAME/VERSION, found '" + uri + "'");
        };
    }

    /**
     * All model versions matching an MLflow filter, in the given order, following page tokens.
     *
     * @param filter  an MLflow filter such as {@code name = 'closecast-petr4'} ("" = all)
     * @param orderBy order clauses such as {@code version_number DESC} (empty = the server's order)
     * @return every matching version
     */
    public List<ModelVersion> searchModelVersions(String filter, List<String> orderBy) {
        Checks.notNull(filter, "filter");
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (!filter.isBlank()) {
            query.put("filter", List.of(filter));
        }
        query.put("max_results", List.of(Integer.toString(VERSION_PAGE)));
        if (!orderBy.isEmpty()) {
            query.put("order_by", List.copyOf(orderBy));
        }
        return http.getAllPages("model-versions/search", query, "model_versions", Wire::modelVersion);
    }

    /**
     * Replaces a version's description.
     *
     * @param name        the registered model
     * @param version     the version number
     * @param description the new description
     * @return the version as updated
     * @throws MlflowNotFoundException when the model or the version does not exist
     */
    public ModelVersion updateModelVersionDescription(String name, int version, String description) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Checks.notNull(description, "description");
        return Wire.modelVersion(http.patch("model-versions/update", http.object().put("name", name)
                .put("version", Integer.toString(version)).put("description", description)).path("model_version"));
    }

    /**
     * Sets a tag on a version.
     *
     * @param name    the registered model
     * @param version the version number
     * @param key     the tag key
     * @param value   the tag value
     * @throws MlflowNotFoundException when the model or the version does not exist
     */
    public void setModelVersionTag(String name, int version, String key, String value) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Tag tag = Tag.create(key, value);
        http.post("model-versions/set-tag", http.object().put("name", name).put("version", Integer.toString(version))
                .put("key", tag.key()).put("value", tag.value()));
    }

    /**
     * Deletes a tag from a version.
     *
     * @param name    the registered model
     * @param version the version number
     * @param key     the tag key
     * @throws MlflowNotFoundException when the model, the version or the tag does not exist
     */
    public void deleteModelVersionTag(String name, int version, String key) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Checks.notBlank(key, "tag key");
        http.delete("model-versions/delete-tag", http.object().put("name", name)
                .put("version", Integer.toString(version)).put("key", key));
    }

    /**
     * Points {@code alias} at a version, moving it from any other version.
     *
     * @param name    the registered model
     * @param alias   the alias, e.g. {@code production}
     * @param version the version number
     * @throws MlflowNotFoundException when the model or the version does not exist
     */
    public void setAlias(String name, String alias, int version) {
        Checks.notBlank(name, "registered model name");
        Checks.notBlank(alias, "alias");
        Checks.positive(version, "model version");
        http.post("registered-models/alias", http.object().put("name", name).put("alias", alias)
                .put("version", Integer.toString(version)));
        LOG.info("alias {}@{} -> version {}", name, alias, version);
    }

    /**
     * The version an alias points at.
     *
     * @param name  the registered model
     * @param alias the alias
     * @return the version
     * @throws MlflowNotFoundException when the model or the alias does not exist
     */
    public ModelVersion getModelVersionByAlias(String name, String alias) {
        Checks.notBlank(name, "registered model name");
        Checks.notBlank(alias, "alias");
        try {
            return Wire.modelVersion(http.get("registered-models/alias", Map.of("name", List.of(name),
                    "alias", List.of(alias))).path("model_version"));
        } catch (MlflowNotFoundException e) {
            throw e;
        } catch (MlflowException e) {
            // MLflow answers a missing alias with INVALID_PARAMETER_VALUE "Registered model alias x not found."
            if (e.getMessage().contains("alias " + alias + " not found")) {
                throw new MlflowNotFoundException(e.getMessage(), e.status(), e.errorCode().orElse(""));
            }
            throw e;
        }
    }

    /**
     * The version an alias points at, if any.
     *
     * @param name  the registered model
     * @param alias the alias
     * @return the version, empty when the alias (or the model) does not exist
     */
    public Optional<ModelVersion> findModelVersionByAlias(String name, String alias) {
        try {
            return Optional.of(getModelVersionByAlias(name, alias));
        } catch (MlflowNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Deletes an alias.
     *
     * @param name  the registered model
     * @param alias the alias
     * @throws MlflowNotFoundException when the model does not exist
     */
    public void deleteAlias(String name, String alias) {
        Checks.notBlank(name, "registered model name");
        Checks.notBlank(alias, "alias");
        http.delete("registered-models/alias", http.object().put("name", name).put("alias", alias));
        LOG.info("alias {}@{} deleted", name, alias);
    }

    /**
     * The legacy stage transition.
     *
     * @param name            the registered model
     * @param version         the version number
     * @param stage           the new stage
     * @param archiveExisting whether other versions in that stage move to Archived
     * @return the version as updated
     * @throws MlflowNotFoundException when the model or the version does not exist
     */
    public ModelVersion transitionStage(String name, int version, Stage stage, boolean archiveExisting) {
        Checks.notBlank(name, "registered model name");
        Checks.positive(version, "model version");
        Checks.notNull(stage, "stage");
        return Wire.modelVersion(http.post("model-versions/transition-stage", http.object().put("name", name)
                .put("version", Integer.toString(version)).put("stage", stage.mlflowName())
                .put("archive_existing_versions", archiveExisting)).path("model_version"));
    }

    /**
     * Downloads a version's files into {@code targetDir} within {@link DownloadLimits#GENEROUS}; its source must be
     * one that {@link ModelUri#parseSource} reads.
     *
     * @param version   the version
     * @param targetDir the local directory to write into
     * @return the files written
     * @throws MlflowException when the source is neither form or the download fails
     */
    public List<Path> downloadModelVersion(ModelVersion version, Path targetDir) {
        return downloadModelVersion(version, targetDir, DownloadLimits.GENEROUS);
    }

    /**
     * Like {@link #downloadModelVersion(ModelVersion, Path)} within {@code limits}.
     *
     * @param version   the version
     * @param targetDir the local directory to write into
     * @param limits    the bounds on the whole download
     * @return the files written
     * @throws MlflowException when the source is neither form or the download passes a limit or fails
     */
    public List<Path> downloadModelVersion(ModelVersion version, Path targetDir, DownloadLimits limits) {
        Checks.notNull(version, "model version");
        ModelUri artifact = ModelUri.parseSource(version.source(), version.runId());
        return artifacts.downloadDirectory(artifact.runId(), artifact.path(), targetDir, limits);
    }
}
