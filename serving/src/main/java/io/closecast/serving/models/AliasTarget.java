package io.closecast.serving.models;

import java.util.Objects;
import java.util.Optional;

/**
 * What a registry alias pointed at when it was last resolved: {@link #UNRESOLVED} before the registry first answered,
 * {@link #NONE} when it points at no version, else the version.
 *
 * @param resolved whether the registry answered at least once
 * @param version  the version it points at; empty while unresolved or when it points at none
 */
public record AliasTarget(boolean resolved, Optional<VersionRef> version) {

    /** The registry has not answered yet. */
    public static final AliasTarget UNRESOLVED = new AliasTarget(false, Optional.empty());
    /** The registry answered that the alias points at no version. */
    public static final AliasTarget NONE = new AliasTarget(true, Optional.empty());

    public AliasTarget {
        Objects.requireNonNull(version, "version");
        if (!resolved && version.isPresent()) {
            throw new IllegalArgumentException("an unresolved alias points at no version, found " + version.get());
        }
    }

    /** The alias points at {@code ref}. */
    public static AliasTarget of(VersionRef ref) {
        return new AliasTarget(true, Optional.of(ref));
    }

    /** What {@link ModelSource#resolve()} answered. */
    public static AliasTarget resolvedTo(Optional<VersionRef> ref) {
        return ref.map(AliasTarget::of).orElse(NONE);
    }

    /** The registry answered that the alias points at no version. */
    public boolean pointsAtNone() {
        return resolved && version.isEmpty();
    }

    /** The alias points at exactly this version. */
    public boolean pointsAt(VersionRef ref) {
        return version.isPresent() && version.get().equals(ref);
    }
}
