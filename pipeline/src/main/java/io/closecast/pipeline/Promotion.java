package io.closecast.pipeline;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.ModelVersion;
import io.closecast.mlflow.Stage;
import io.closecast.model.ForecastMetrics;

/**
 * Moves an alias (default {@code production}) between versions of a registered model, through a gate,
 * keeping the legacy stage {@code Production} in step and the alias's history in a registered-model tag
 * ({@code closecast.alias.<alias>.history}: the versions that held it, oldest first), so that rollback
 * needs no guessing. Every verdict is written to the candidate's version tags.
 */
public final class Promotion {
    public static final String DEFAULT_ALIAS = "production";
    static final String TAG_PREFIX = "closecast.promotion.";

    private final MlflowClient client;
    private final Clock clock;
    private final String user;

    public Promotion(MlflowClient client, Clock clock, String user) {
        this.client = client;
        this.clock = clock;
        this.user = user;
    }

    /** When a candidate may be promoted: it beats naive, and it is not worse than production by the margin. */
    public record GatePolicy(double maxMase, double margin) {
        public static final GatePolicy DEFAULT = new GatePolicy(1.0, 0.05);

        public GatePolicy {
            if (!(maxMase > 0) || !(margin >= 0)) {
                throw new PipelineException("gate needs max MASE > 0 and margin >= 0, found " + maxMase + " and " + margin);
            }
        }
    }

    /** A fresh evaluation of one version on the gate's data window. */
    public record Evaluation(ForecastMetrics model, ForecastMetrics naive, String window) {
    }

    /** Evaluates a registered version (loaded from the registry's artifacts) on the gate window. */
    @FunctionalInterface
    public interface Evaluator {
        Evaluation evaluate(ModelVersion version);
    }

    public enum Decision { PROMOTED, REFUSED, FORCED, ALREADY }

    /** What {@link #promote} decided and why, with the scores it decided on. */
    public record Verdict(String name, int version, String alias, Decision decision, String reason,
                          Optional<Integer> previousVersion, Optional<Evaluation> candidate,
                          Optional<Evaluation> current) {
        public boolean moved() {
            return decision == Decision.PROMOTED || decision == Decision.FORCED;
        }
    }

    /** A promotion request. {@code forceReason} present means: skip the gate, record the reason. */
    public record Request(String name, int version, String alias, GatePolicy policy, Optional<String> forceReason) {
        public Request {
            if (forceReason.isPresent() && forceReason.get().isBlank()) {
                throw new PipelineException("--force needs --reason with a non-empty text");
            }
        }
    }

    public Verdict promote(Request request, Evaluator evaluator) {
        ModelVersion candidate = client.getModelVersion(request.name(), request.version());
        Optional<ModelVersion> current = client.findModelVersionByAlias(request.name(), request.alias());
        Optional<Integer> previous = current.map(ModelVersion::version);
        if (previous.filter(v -> v == request.version()).isPresent()) {
            return new Verdict(request.name(), request.version(), request.alias(), Decision.ALREADY,
                    request.alias() + " already points at version " + request.version(), previous,
                    Optional.empty(), Optional.empty());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_PREFIX + "alias", request.alias());
        tags.put(TAG_PREFIX + "by", user);
        tags.put(TAG_PREFIX + "at", Instant.now(clock).toString());
        previous.ifPresent(v -> tags.put(TAG_PREFIX + "production_version", Integer.toString(v)));

        Verdict verdict;
        if (request.forceReason().isPresent()) {
            tags.put(TAG_PREFIX + "verdict", "forced");
            tags.put(TAG_PREFIX + "reason", request.forceReason().get());
            verdict = new Verdict(request.name(), request.version(), request.alias(), Decision.FORCED,
                    "forced: " + request.forceReason().get(), previous, Optional.empty(), Optional.empty());
        } else {
            Evaluation candidateScore = evaluator.evaluate(candidate);
            Optional<Evaluation> currentScore = current.map(evaluator::evaluate);
            tags.put(TAG_PREFIX + "window", candidateScore.window());
            tags.put(TAG_PREFIX + "candidate_mase", format(candidateScore.model().mase()));
            tags.put(TAG_PREFIX + "candidate_mae", format(candidateScore.model().mae()));
            tags.put(TAG_PREFIX + "naive_mae", format(candidateScore.naive().mae()));
            currentScore.ifPresent(s -> tags.put(TAG_PREFIX + "production_mase", format(s.model().mase())));
            String refusal = refusal(candidateScore, currentScore, previous, request.policy());
            boolean passed = refusal.isEmpty();
            tags.put(TAG_PREFIX + "verdict", passed ? "passed" : "refused");
            String reason = passed ? passedReason(candidateScore, currentScore, request.policy()) : refusal;
            tags.put(TAG_PREFIX + "reason", reason);
            verdict = new Verdict(request.name(), request.version(), request.alias(),
                    passed ? Decision.PROMOTED : Decision.REFUSED, reason, previous, Optional.of(candidateScore),
                    currentScore);
        }
        tags.forEach((k, v) -> client.setModelVersionTag(request.name(), request.version(), k, v));
        if (verdict.moved()) {
            moveAlias(request.name(), request.alias(), request.version());
            List<Integer> history = history(request.name(), request.alias());
            history.add(request.version());
            writeHistory(request.name(), request.alias(), history);
        }
        return verdict;
    }

    /** What {@link #rollback} did. */
    public record Rollback(String name, String alias, int from, int to) {
    }

    /** Moves the alias back to the version that held it before the current one. */
    public Rollback rollback(String name, String alias) {
        ModelVersion current = client.findModelVersionByAlias(name, alias).orElseThrow(() -> new PipelineException(
                "cannot roll back " + name + "@" + alias + ": the alias points at no version"));
        List<Integer> history = history(name, alias);
        // Drop the current holder (and anything after it), then find the latest earlier holder that still exists.
        int at = history.lastIndexOf(current.version());
        List<Integer> earlier = new ArrayList<>(at >= 0 ? history.subList(0, at) : history);
        while (!earlier.isEmpty() && earlier.get(earlier.size() - 1) == current.version()) {
            earlier.remove(earlier.size() - 1);
        }
        if (earlier.isEmpty()) {
            throw new PipelineException("cannot roll back " + name + "@" + alias + ": version " + current.version()
                    + " is the first version that held it (history: " + (history.isEmpty() ? "none" : history) + ")");
        }
        int target = earlier.get(earlier.size() - 1);
        moveAlias(name, alias, target);
        writeHistory(name, alias, earlier);
        client.setModelVersionTag(name, current.version(), TAG_PREFIX + "rolled_back_at", Instant.now(clock).toString());
        client.setModelVersionTag(name, current.version(), TAG_PREFIX + "rolled_back_by", user);
        return new Rollback(name, alias, current.version(), target);
    }

    /** The versions that held {@code alias}, oldest first, from the registered-model tag. */
    public List<Integer> history(String name, String alias) {
        String text = client.getRegisteredModel(name).tags().getOrDefault(historyTag(alias), "");
        List<Integer> versions = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                versions.add(Integer.parseInt(part.trim()));
            }
        }
        return versions;
    }

    static String historyTag(String alias) {
        return "closecast.alias." + alias + ".history";
    }

    private void writeHistory(String name, String alias, List<Integer> versions) {
        // Keep the tag well under MLflow's value limit: the last 200 holders are plenty for rollbacks.
        List<Integer> kept = versions.size() > 200 ? versions.subList(versions.size() - 200, versions.size()) : versions;
        client.setRegisteredModelTag(name, historyTag(alias), String.join(",", kept.stream().map(String::valueOf).toList()));
    }

    private void moveAlias(String name, String alias, int version) {
        client.setAlias(name, alias, version);
        if (alias.equals(DEFAULT_ALIAS)) {
            client.transitionStage(name, version, Stage.PRODUCTION, true);
        }
    }

    private static String refusal(Evaluation candidate, Optional<Evaluation> current, Optional<Integer> currentVersion,
                                  GatePolicy policy) {
        double mase = candidate.model().mase();
        if (!(mase < policy.maxMase())) {
            return String.format(Locale.ROOT, "refused: MASE %.4f is not below %.4f (MAE %.4f vs naive %.4f on %s)",
                    mase, policy.maxMase(), candidate.model().mae(), candidate.naive().mae(), candidate.window());
        }
        if (current.isPresent()) {
            double limit = current.get().model().mase() * (1 + policy.margin());
            if (mase > limit) {
                return String.format(Locale.ROOT,
                        "refused: MASE %.4f is worse than production version %d's %.4f by more than %.1f%% on %s",
                        mase, currentVersion.orElseThrow(), current.get().model().mase(), 100 * policy.margin(),
                        candidate.window());
            }
        }
        return "";
    }

    private static String passedReason(Evaluation candidate, Optional<Evaluation> current, GatePolicy policy) {
        return String.format(Locale.ROOT, "passed: MASE %.4f below %.4f%s on %s", candidate.model().mase(),
                policy.maxMase(), current.map(c -> String.format(Locale.ROOT, ", production's %.4f (margin %.1f%%)",
                        c.model().mase(), 100 * policy.margin())).orElse(", no production version yet"),
                candidate.window());
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
