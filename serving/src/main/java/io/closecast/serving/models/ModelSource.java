package io.closecast.serving.models;

import java.util.Optional;

/**
 * Finds and loads the version a registry alias points at. The production implementation talks to MLflow;
 * tests use one whose versions they control. Implementations must be thread-safe.
 */
public interface ModelSource {

    /**
     * Which version the alias points at now.
     *
     * @return the version, or empty when the alias points at none
     * @throws Exception when the registry cannot be asked (unreachable, refused, malformed answer)
     */
    Optional<VersionRef> resolve() throws Exception;

    /**
     * Downloads, verifies (checksums) and loads one version.
     *
     * @throws Exception when any of that fails; the caller keeps serving the previous version
     */
    public Forecaster load(VersionRef ref) throws Exception;

    /**
     * Called after {@code ref} was loaded, warmed up and swapped in; a source with a local cache remembers it for
     * {@link #loadLastVerified()}.
     */
    default void served(VersionRef ref) throws Exception {
    }

    /**
     * The last version {@link #served} named, loaded and verified from the local cache without asking the registry
     * (a restart while the registry is down); empty when there is none.
     */
    default Optional<Forecaster> loadLastVerified() throws Exception {
        return Optional.empty();
    }

    /** The registered model whose versions this source finds, e.g. {@code closecast-MSFT}. */
    String name();

    /** The registry alias followed, e.g. {@code production}. */
    default String alias() {
        return "production";
    }

    /** Where the versions come from, for logs and health reasons, e.g. {@code models:/closecast-petr4@production}. */
    String describe();
}
