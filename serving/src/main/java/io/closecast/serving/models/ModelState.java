package io.closecast.serving.models;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ModelManager} knows at one instant, replaced as a whole on every change (so what serves, the condition
 * and the reasons always agree).
 *
 * @param lease            the version that serves (the manager's own hold on it); use {@link ModelManager#acquire()}
 *                         to forecast with it
 * @param fromCache        the serving version came from the local cache while the registry was unreachable
 * @param notServingReason why nothing serves (or would serve, were the serving version gone); shown by
 *                         {@link #reason()} only while nothing serves
 * @param lastFailure      the last refused version and why (kept after a later success, for operators)
 * @param aliasTarget      what the alias pointed at when last resolved
 * @param refusal          the last version that was refused and why, until a version is loaded
 * @param outage           since when and why the registry does not answer, while it does not
 */
public record ModelState(Optional<VersionLease> lease, boolean fromCache, String notServingReason,
                         Optional<String> lastFailure, AliasTarget aliasTarget, Optional<Refusal> refusal,
                         Optional<Outage> outage) {

    /** A version that failed to load or warm up, and why. */
    public record Refusal(VersionRef version, String why) {
        public Refusal {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(why, "why");
        }
    }

    /** The registry stopped answering at {@code since}; {@code error} is why it does not answer now. */
    public record Outage(Instant since, String error) {
        public Outage {
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(error, "error");
        }
    }

    public ModelState {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(notServingReason, "notServingReason");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(aliasTarget, "aliasTarget");
        Objects.requireNonNull(refusal, "refusal");
        Objects.requireNonNull(outage, "outage");
        fromCache = fromCache && lease.isPresent();
    }

    /** Before the first check: nothing serves, nothing is known. */
    static ModelState starting() {
        return new ModelState(Optional.empty(), false, "starting: no model version loaded yet", Optional.empty(),
                AliasTarget.UNRESOLVED, Optional.empty(), Optional.empty());
    }

    /** The version that serves. */
    public Optional<ModelInfo> serving() {
        return lease.map(VersionLease::info);
    }

    public boolean ready() {
        return lease.isPresent();
    }

    /** Why nothing serves; present exactly when nothing does. */
    public Optional<String> reason() {
        return lease.isPresent() ? Optional.empty() : Optional.of(notServingReason);
    }

    /** Why the version the alias points at was refused, while it still points at it. */
    public Optional<String> refused() {
        return refusal.filter(r -> aliasTarget.pointsAt(r.version())).map(Refusal::why);
    }

    /** When the registry stopped answering, while it does not. */
    public Optional<Instant> registryDownSince() {
        return outage.map(Outage::since);
    }

    /** Why the registry does not answer, while it does not. */
    public Optional<String> registryError() {
        return outage.map(Outage::error);
    }

    /** The one word for this state (see {@link Condition}). */
    public Condition condition() {
        if (lease.isPresent()) {
            return Condition.SERVING;
        }
        if (outage.isPresent()) {
            return Condition.REGISTRY_UNREACHABLE;
        }
        if (aliasTarget.pointsAtNone()) {
            return Condition.NO_VERSION;
        }
        return refused().isPresent() ? Condition.REFUSED : Condition.LOADING;
    }

    /** The alias was resolved and points at something other than what serves (or at nothing while one serves). */
    public boolean aliasMismatch() {
        if (!aliasTarget.resolved()) {
            return false;
        }
        Optional<VersionRef> served = serving().map(ModelInfo::ref);
        return aliasTarget.version().isPresent() ? !aliasTarget.version().equals(served) : served.isPresent();
    }

    ModelState withReason(String why) {
        return new ModelState(lease, fromCache, why, lastFailure, aliasTarget, refusal, outage);
    }

    /** The registry did not answer: the outage keeps its start, the error and the reason are the latest. */
    ModelState registryDown(Instant now, String error, String why) {
        Instant since = outage.map(Outage::since).orElse(now);
        return new ModelState(lease, fromCache, why, lastFailure, aliasTarget, refusal, Optional.of(new Outage(since, error)));
    }

    /** The registry answered that the alias points at {@code target}. */
    ModelState registryAnswered(AliasTarget target) {
        return new ModelState(lease, fromCache, notServingReason, lastFailure, target, refusal, Optional.empty());
    }

    /** The registry confirmed the version that serves from the cache. */
    ModelState confirmed() {
        return new ModelState(lease, false, notServingReason, lastFailure, aliasTarget, refusal, outage);
    }

    /** {@code next} serves, as the registry named it; a refusal is forgotten, the last failure stays for operators. */
    ModelState serving(VersionLease next) {
        return new ModelState(Optional.of(next), false, notServingReason, lastFailure, aliasTarget, Optional.empty(), outage);
    }

    /** {@code next} serves from the local cache while the registry does not answer. */
    ModelState servingFromCache(VersionLease next) {
        return new ModelState(Optional.of(next), true, notServingReason, lastFailure, aliasTarget, refusal, outage);
    }

    /** {@code ref} was refused; what serves keeps serving, and the refusal is the reason when nothing does. */
    ModelState refusing(VersionRef ref, String why, String failure) {
        return new ModelState(lease, fromCache, lease.isPresent() ? notServingReason : failure, Optional.of(failure),
                aliasTarget, Optional.of(new Refusal(ref, why)), outage);
    }

    /** The manager closed: nothing serves any more. */
    ModelState closed() {
        return new ModelState(Optional.empty(), false, notServingReason, lastFailure, aliasTarget, refusal, outage);
    }
}
