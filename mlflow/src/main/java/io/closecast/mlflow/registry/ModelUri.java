package io.closecast.mlflow.registry;

import io.closecast.mlflow.Checks;
import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.artifacts.ArtifactPaths;

import java.net.URI;
import java.util.Optional;

/**
 * A model named the way MLflow names models: a registered version by alias ({@code models:/NAME@ALIAS}) or by
 * number ({@code models:/NAME/N}), or a directory of a run's artifacts ({@code runs:/RUN_ID/PATH}). The one
 * parser of these names: {@link #parse} reads a URI as a user gives it, {@link #parseReference} the CLI's short
 * {@code NAME[@ALIAS|/N]}, {@link #parseSource} a model version's {@code source}.
 *
 * @param form    which of the three forms
 * @param name    the registered model (ALIAS, VERSION); "" for RUN
 * @param alias   the alias (ALIAS); "" otherwise
 * @param version the version number (VERSION); 0 otherwise
 * @param runId   the run (RUN); "" otherwise
 * @param path    the directory under the run's artifact root, clean (RUN; "" = the root); "" otherwise
 */
public record ModelUri(Form form, String name, String alias, int version, String runId, String path) {

    /** The forms a {@link ModelUri} takes. */
    public enum Form {
        /** {@code models:/NAME@ALIAS}. */
        ALIAS,
        /** {@code models:/NAME/N}. */
        VERSION,
        /** {@code runs:/RUN_ID/PATH}. */
        RUN
    }

    private static final String MODELS = "models:/";
    private static final String RUNS = "runs:/";

    /**
     * Checks the parts a form needs, with the messages the registry's own checks give.
     *
     * @param form    which of the three forms
     * @param name    the registered model (ALIAS, VERSION); "" for RUN
     * @param alias   the alias (ALIAS); "" otherwise
     * @param version the version number (VERSION); 0 otherwise
     * @param runId   the run (RUN); "" otherwise
     * @param path    the directory under the run's artifact root (RUN; "" = the root); "" otherwise
     * @throws MlflowException when a part the form needs is blank, the version is not positive or the path has a
     *                         {@code .} or {@code ..} segment
     */
    public ModelUri {
        Checks.notNull(form, "model URI form");
        switch (form) {
            case ALIAS -> {
                Checks.notBlank(name, "registered model name");
                Checks.notBlank(alias, "alias");
            }
            case VERSION -> {
                Checks.notBlank(name, "registered model name");
                Checks.positive(version, "model version");
            }
            case RUN -> {
                path = ArtifactPaths.clean(path);
                Checks.notBlank(runId, "run id");
            }
        }
        Checks.notNull(name, "registered model name");
        Checks.notNull(alias, "alias");
        Checks.notNull(runId, "run id");
        Checks.notNull(path, "artifact path");
    }

    /**
     * The version an alias points at.
     *
     * @param name  the registered model
     * @param alias the alias, e.g. {@code production}
     * @return {@code models:/NAME@ALIAS}
     */
    public static ModelUri ofAlias(String name, String alias) {
        return new ModelUri(Form.ALIAS, name, alias, 0, "", "");
    }

    /**
     * A version by number.
     *
     * @param name    the registered model
     * @param version the version number, {@code > 0}
     * @return {@code models:/NAME/N}
     */
    public static ModelUri ofVersion(String name, int version) {
        return new ModelUri(Form.VERSION, name, "", version, "", "");
    }

    /**
     * A directory of a run's artifacts.
     *
     * @param runId the run
     * @param path  the directory under its artifact root ("" = the root)
     * @return {@code runs:/RUN_ID/PATH}
     */
    public static ModelUri ofRun(String runId, String path) {
        return new ModelUri(Form.RUN, "", "", 0, runId, path);
    }

    /**
     * Reads a model URI as a user gives it: {@code models:/NAME@ALIAS}, {@code models:/NAME/N} (the number after the
     * last slash) or {@code runs:/RUN_ID/PATH} (both parts non-empty).
     *
     * @param uri the URI
     * @return the parsed URI
     * @throws MlflowException when {@code uri} is none of these forms
     */
    public static ModelUri parse(String uri) {
        Checks.notNull(uri, "model URI");
        if (uri.startsWith(MODELS)) {
            String ref = uri.substring(MODELS.length());
            int at = ref.indexOf('@');
            if (at > 0 && at < ref.length() - 1) {
                return ofAlias(ref.substring(0, at), ref.substring(at + 1));
            }
            int slash = ref.lastIndexOf('/');
            if (slash > 0 && slash < ref.length() - 1) {
                String number = ref.substring(slash + 1);
                try {
                    return ofVersion(ref.substring(0, slash), Integer.parseInt(number));
                } catch (NumberFormatException e) {
                    throw new MlflowException("the version in models:/NAME/VERSION must be a number, found '" + number + "'");
                }
            }
            throw new MlflowException("MODEL must be models:/NAME@ALIAS or models:/NAME/VERSION, found '" + uri + "'");
        }
        if (uri.startsWith(RUNS)) {
            String rest = uri.substring(RUNS.length()).replaceAll("^/+", "");
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new MlflowException("MODEL runs:/RUN_ID/PATH needs a run id and an artifact path, found '" + uri + "'");
            }
            return ofRun(rest.substring(0, slash), rest.substring(slash + 1));
        }
        throw new MlflowException("MODEL must be models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH, found '"
                + uri + "'");
    }

    /**
     * Reads the CLI's short name of a registered version: {@code NAME@ALIAS} (split at the first {@code @}),
     * {@code NAME/N} (split at the first slash) or {@code NAME} (the version {@code defaultAlias} points at).
     *
     * @param reference    the short name
     * @param defaultAlias the alias a bare {@code NAME} means
     * @return an ALIAS or VERSION URI
     * @throws MlflowException when the version is not a number or a part is blank
     */
    public static ModelUri parseReference(String reference, String defaultAlias) {
        Checks.notNull(reference, "model reference");
        if (reference.contains("@")) {
            String[] parts = reference.split("@", 2);
            return ofAlias(parts[0], parts[1]);
        }
        if (reference.contains("/")) {
            String[] parts = reference.split("/", 2);
            try {
                return ofVersion(parts[0], Integer.parseInt(parts[1]));
            } catch (NumberFormatException e) {
                throw new MlflowException("version must be a number in NAME/VERSION, found '" + parts[1] + "'");
            }
        }
        return ofAlias(reference, defaultAlias);
    }

    /**
     * Reads a model version's {@code source}: {@code runs:/RUN_ID[/PATH]}, or
     * {@code mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path>} when the version names its run.
     *
     * @param source       the version's source
     * @param versionRunId the version's run id, if it has one
     * @return a RUN URI
     * @throws MlflowException when the source is neither form
     */
    public static ModelUri parseSource(String source, Optional<String> versionRunId) {
        Checks.notNull(source, "model version source");
        if (source.startsWith(RUNS)) {
            String rest = source.substring(RUNS.length()).replaceAll("^/+", "");
            int slash = rest.indexOf('/');
            String runId = slash < 0 ? rest : rest.substring(0, slash);
            if (!runId.isEmpty()) {
                return ofRun(runId, slash < 0 ? "" : rest.substring(slash + 1));
            }
        } else if (source.startsWith("mlflow-artifacts:") && versionRunId.isPresent()) {
            String runId = versionRunId.get();
            String path = ArtifactPaths.clean(URI.create(source).getPath());
            String marker = runId + "/artifacts";
            int at = path.indexOf(marker);
            if (at >= 0) {
                return ofRun(runId, path.substring(at + marker.length()));
            }
        }
        throw new MlflowException("model version source must be runs:/<run_id>/<path> or"
                + " mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path> (with the version's run id),"
                + " found '" + source + "'" + versionRunId.map(id -> " with run id " + id).orElse(" without run id"));
    }

    /**
     * Whether it names a registered version (ALIAS or VERSION) rather than a run's artifacts.
     *
     * @return {@code form() != RUN}
     */
    public boolean registered() {
        return form != Form.RUN;
    }

    /**
     * The URI in MLflow's spelling.
     *
     * @return {@code models:/NAME@ALIAS}, {@code models:/NAME/N} or {@code runs:/RUN_ID/PATH}
     */
    @Override
    public String toString() {
        return switch (form) {
            case ALIAS -> MODELS + name + "@" + alias;
            case VERSION -> MODELS + name + "/" + version;
            case RUN -> RUNS + runId + (path.isEmpty() ? "" : "/" + path);
        };
    }
}
