package io.closecast.pipeline.registry;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.PipelineException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.Stage;
import io.closecast.model.prices.DateRange;
import io.closecast.model.evaluation.DieboldMariano;
import io.closecast.model.evaluation.ForecastEvaluation;
import io.closecast.model.bundle.Servability;

/**
 * Moves an alias (default {@code production}) between versions of a registered model, through the {@link Gate},
 * keeping the legacy stage {@code Production} in step and the alias's history in a registered-model tag
 * ({@code closecast.alias.<alias>.history}: the versions that held it, oldest first), so that rollback
 * needs no guessing. Every verdict is written to the candidate's version tags. Before the gate (and before a forced
 * move), the candidate must pass the {@link ServabilityCheck}: its bundle downloaded and loaded as the service loads
 * it, and warmed up; a version that fails is refused and tagged {@code closecast.servability.*}.
 */
public final class Promotion {
    public static final String DEFAULT_ALIAS = "production";

    private final MlflowClient client;
    private final Clock clock;
    private final String user;
    private final Servable servable;

    /** A promotion whose candidates pass the {@link ServabilityCheck} with its default budget first. */
    public Promotion(MlflowClient client, Clock clock, String user) {
        this(client, clock, user, new ServabilityCheck(client, Servability.Budget.DEFAULT)::check);
    }

    /** A promotion whose candidates pass the {@link ServabilityCheck} within {@code budget} first. */
    public Promotion(MlflowClient client, Clock clock, String user, Servability.Budget budget) {
        this(client, clock, user, new ServabilityCheck(client, budget)::check);
    }

    public Promotion(MlflowClient client, Clock clock, String user, Servable servable) {
        this.client = client;
        this.clock = clock;
        this.user = user;
        this.servable = java.util.Objects.requireNonNull(servable, "servable");
    }

    /** Whether the service could load and serve a version (see {@link ServabilityCheck}). */
    @FunctionalInterface
    public interface Servable {
        Servability.Report check(ModelVersion version);
    }

    /** Evaluates registered versions on out-of-sample days of the gate's data. */
    public interface Evaluator {
        /** The first day out of sample for the version (the held-out test period, or after a refit's data end). */
        LocalDate outOfSampleFrom(ModelVersion version);

        /** Next-day forecasts of every day of the gate's data from {@code from} on; empty with fewer than 3 days. */
        Optional<Gate.Evaluation> evaluate(ModelVersion version, LocalDate from);
    }

    public enum Decision { PROMOTED, REFUSED, FORCED, ALREADY }

    /** What {@link #promote} decided and why, with the scores it decided on. */
    public record Verdict(String name, int version, String alias, Decision decision, String reason,
                          Optional<Integer> previousVersion, Optional<Gate.Evaluation> candidate,
                          Optional<Gate.Comparison> comparison) {
        public boolean moved() {
            return decision == Decision.PROMOTED || decision == Decision.FORCED;
        }
    }

    /** A promotion request. {@code forceReason} present means: skip the gate, record the reason. */
    public record Request(String name, int version, String alias, Gate.Policy policy, Optional<String> forceReason) {
        public Request {
            if (forceReason.isPresent() && forceReason.get().isBlank()) {
                throw new PipelineException("--force needs --reason with a non-empty text");
            }
        }
    }

    public Verdict promote(Request request, Evaluator evaluator) {
        return promote(request, evaluator, Optional.empty());
    }

    /**
     * As {@link #promote(Request, Evaluator)}, with the service's live evidence (empty: none): the gate first applies
     * the {@link LiveGate} rule to it (a refusal there is the verdict), then its own; the evidence and the live
     * verdict are written to the version's {@code closecast.promotion.live.*} tags, also when the gate is forced.
     */
    public Verdict promote(Request request, Evaluator evaluator, Optional<LiveGate.Evidence> live) {
        ModelVersion candidate = client.registry().getModelVersion(request.name(), request.version());
        Optional<ModelVersion> current = client.registry().findModelVersionByAlias(request.name(), request.alias());
        Optional<Integer> previous = current.map(ModelVersion::version);
        if (previous.filter(v -> v == request.version()).isPresent()) {
            return new Verdict(request.name(), request.version(), request.alias(), Decision.ALREADY,
                    request.alias() + " already points at version " + request.version(), previous,
                    Optional.empty(), Optional.empty());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(ClosecastTags.PROMOTION_PREFIX + "alias", request.alias());
        tags.put(ClosecastTags.PROMOTION_PREFIX + "by", user);
        tags.put(ClosecastTags.PROMOTION_PREFIX + "at", Instant.now(clock).toString());
        previous.ifPresent(v -> tags.put(ClosecastTags.PROMOTION_PREFIX + "production_version", Integer.toString(v)));

        Servability.Report servability = servable.check(candidate);
        ServabilityCheck.putTags(tags, servability);
        Verdict verdict;
        if (!servability.servable()) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "verdict", "refused");
            tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", "refused: " + servability.reason());
            verdict = new Verdict(request.name(), request.version(), request.alias(), Decision.REFUSED,
                    "refused: " + servability.reason(), previous, Optional.empty(), Optional.empty());
        } else if (request.forceReason().isPresent()) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "verdict", "forced");
            tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", request.forceReason().get());
            verdict = new Verdict(request.name(), request.version(), request.alias(), Decision.FORCED,
                    "forced: " + request.forceReason().get(), previous, Optional.empty(), Optional.empty());
        } else {
            Optional<Gate.Judgement> liveJudgement = live.map(e -> judgeLive(request, e, previous, tags));
            if (liveJudgement.isPresent() && !liveJudgement.get().passed()) {
                tags.put(ClosecastTags.PROMOTION_PREFIX + "verdict", "refused");
                tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", liveJudgement.get().reason());
                verdict = new Verdict(request.name(), request.version(), request.alias(), Decision.REFUSED,
                        liveJudgement.get().reason(), previous, Optional.empty(), Optional.empty());
            } else {
                verdict = gate(request, evaluator, candidate, current, tags);
                if (liveJudgement.isPresent()) {
                    String reason = verdict.reason() + "; " + liveJudgement.get().reason();
                    tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", reason);
                    verdict = new Verdict(verdict.name(), verdict.version(), verdict.alias(), verdict.decision(), reason,
                            verdict.previousVersion(), verdict.candidate(), verdict.comparison());
                }
            }
        }
        if (request.forceReason().isPresent() && servability.servable()) {
            live.ifPresent(e -> judgeLive(request, e, previous, tags));
        }
        tags.forEach((k, v) -> client.registry().setModelVersionTag(request.name(), request.version(), k, v));
        if (verdict.moved()) {
            moveAlias(request.name(), request.alias(), request.version());
            List<Integer> history = history(request.name(), request.alias());
            history.add(request.version());
            writeHistory(request.name(), request.alias(), history);
        }
        return verdict;
    }

    private static Gate.Judgement judgeLive(Request request, LiveGate.Evidence evidence, Optional<Integer> production,
                                            Map<String, String> tags) {
        Gate.Judgement judgement = LiveGate.judge(new LiveGate.Policy(evidence.minDays(), request.policy().alpha(),
                request.policy().objective()), request.version(), production, evidence.record());
        tags.putAll(LiveGate.tags(evidence, request.version(), judgement));
        return judgement;
    }

    /** What {@link #rollback} did. */
    public record Rollback(String name, String alias, int from, int to) {
    }

    /** Moves the alias back to the version that held it before the current one. */
    public Rollback rollback(String name, String alias) {
        ModelVersion current = client.registry().findModelVersionByAlias(name, alias).orElseThrow(() -> new PipelineException(
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
        client.registry().setModelVersionTag(name, current.version(), ClosecastTags.PROMOTION_PREFIX + "rolled_back_at", Instant.now(clock).toString());
        client.registry().setModelVersionTag(name, current.version(), ClosecastTags.PROMOTION_PREFIX + "rolled_back_by", user);
        return new Rollback(name, alias, current.version(), target);
    }

    /** The versions that held {@code alias}, oldest first, from the registered-model tag. */
    public List<Integer> history(String name, String alias) {
        String text = client.registry().getRegisteredModel(name).tags().getOrDefault(historyTag(alias), "");
        List<Integer> versions = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                versions.add(Integer.parseInt(part.trim()));
            }
        }
        return versions;
    }

    static String historyTag(String alias) {
        return ClosecastTags.ALIAS_PREFIX + alias + ".history";
    }

    private void writeHistory(String name, String alias, List<Integer> versions) {
        // Keep the tag well under MLflow's value limit: the last 200 holders are plenty for rollbacks.
        List<Integer> kept = versions.size() > 200 ? versions.subList(versions.size() - 200, versions.size()) : versions;
        client.registry().setRegisteredModelTag(name, historyTag(alias), String.join(",", kept.stream().map(String::valueOf).toList()));
    }

    private void moveAlias(String name, String alias, int version) {
        client.registry().setAlias(name, alias, version);
        if (alias.equals(DEFAULT_ALIAS)) {
            client.registry().transitionStage(name, version, Stage.PRODUCTION, true);
        }
    }

    /** The gate's I/O: evaluates the candidate (and production), records the scores as tags, asks {@link Gate}. */
    private Verdict gate(Request request, Evaluator evaluator, ModelVersion candidate, Optional<ModelVersion> current,
                         Map<String, String> tags) {
        Gate.Policy policy = request.policy();
        LocalDate from = evaluator.outOfSampleFrom(candidate);
        Optional<Gate.Evaluation> score = evaluator.evaluate(candidate, from);
        tags.put(ClosecastTags.PROMOTION_PREFIX + "out_of_sample_from", from.toString());
        tags.put(ClosecastTags.PROMOTION_PREFIX + "min_days", Integer.toString(policy.minDays()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "require_significance", Boolean.toString(policy.requireSignificance()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "days", Integer.toString(score.map(Gate.Evaluation::days).orElse(0)));
        score.ifPresent(s -> putScores(tags, s));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "objective", policy.objective().key());
        if (policy.objective() == io.closecast.pipeline.config.PromotionObjective.INTERVAL) {
            score.flatMap(Gate.Evaluation::risk).ifPresent(r -> r.metrics("candidate").forEach((k, v) -> {
                if (k.startsWith("candidate_") && (k.contains("coverage_") || k.contains("kupiec_p_")
                        || k.contains("christoffersen_cc_p_") || k.contains("interval_score_"))
                        || k.startsWith("garch_candidate_interval_score_")) {
                    tags.put(ClosecastTags.PROMOTION_PREFIX + k, format(v));
                }
            }));
        }
        Optional<Gate.Comparison> comparison = Gate.enoughDays(policy, score) && current.isPresent()
                ? compare(evaluator, candidate, from, current.get(), tags) : Optional.empty();
        Gate.Judgement judgement = Gate.judge(policy, from, score,
                current.map(production -> new Gate.Production(production.version(), comparison)));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "verdict", judgement.passed() ? "passed" : "refused");
        tags.put(ClosecastTags.PROMOTION_PREFIX + "reason", judgement.reason());
        return new Verdict(request.name(), request.version(), request.alias(),
                judgement.passed() ? Decision.PROMOTED : Decision.REFUSED, judgement.reason(),
                current.map(ModelVersion::version), score, comparison);
    }

    private static Optional<Gate.Comparison> compare(Evaluator evaluator, ModelVersion candidate, LocalDate candidateFrom,
                                                ModelVersion production, Map<String, String> tags) {
        LocalDate productionFrom = evaluator.outOfSampleFrom(production);
        LocalDate from = candidateFrom.isAfter(productionFrom) ? candidateFrom : productionFrom;
        Optional<Gate.Evaluation> c = evaluator.evaluate(candidate, from);
        Optional<Gate.Evaluation> p = evaluator.evaluate(production, from);
        if (c.isEmpty() || p.isEmpty()) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison", "none: no days out of sample for both (candidate from " + candidateFrom
                    + ", production version " + production.version() + " from " + productionFrom + ")");
            return Optional.empty();
        }
        // Align on the dates both forecast.
        Map<LocalDate, Integer> productionIndex = new LinkedHashMap<>();
        List<LocalDate> pDates = p.get().backtest().dates();
        for (int i = 0; i < pDates.size(); i++) {
            productionIndex.put(pDates.get(i), i);
        }
        double[] ce = c.get().backtest().errors(1);
        double[] pe = p.get().backtest().errors(1);
        List<double[]> pairs = new ArrayList<>();
        List<LocalDate> common = new ArrayList<>();
        for (int i = 0; i < ce.length; i++) {
            Integer j = productionIndex.get(c.get().backtest().dates().get(i));
            if (j != null) {
                pairs.add(new double[]{ce[i], pe[j], c.get().backtest().last()[i] - c.get().backtest().actual()[i][0]});
                common.add(c.get().backtest().dates().get(i));
            }
        }
        if (pairs.size() < 3) {
            tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison", "none: " + pairs.size() + " days forecast by both from " + from);
            return Optional.empty();
        }
        double[] a = pairs.stream().mapToDouble(x -> x[0]).toArray();
        double[] b = pairs.stream().mapToDouble(x -> x[1]).toArray();
        double[] naive = pairs.stream().mapToDouble(x -> Math.abs(x[2])).toArray();
        double naiveMae = java.util.Arrays.stream(naive).average().orElseThrow();
        double cMase = java.util.Arrays.stream(a).map(Math::abs).average().orElseThrow() / naiveMae;
        double pMase = java.util.Arrays.stream(b).map(Math::abs).average().orElseThrow() / naiveMae;
        DieboldMariano.Result dm = DieboldMariano.test(a, b, 1, DieboldMariano.Loss.ABSOLUTE);
        Gate.Comparison comparison = new Gate.Comparison(DateRange.create(common.getFirst(), common.getLast()), common.size(),
                cMase, pMase, dm, IntervalComparisons.of(c.get(), p.get()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison", "production version " + production.version() + " on " + comparison.range()
                + " (" + comparison.days() + " days)");
        tags.put(ClosecastTags.PROMOTION_PREFIX + "comparison_candidate_mase", format(cMase));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "production_mase", format(pMase));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_vs_production_stat", format(dm.statistic()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_vs_production_p_worse", format(dm.pWorse()));
        return Optional.of(comparison);
    }

    private static void putScores(Map<String, String> tags, Gate.Evaluation s) {
        ForecastEvaluation.Step step = s.step();
        tags.put(ClosecastTags.PROMOTION_PREFIX + "window", s.window());
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_mase", format(step.mase()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_mae", format(step.mae()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_rmse", format(step.rmse()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "candidate_mape", format(step.mape()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "naive_mae", format(step.naiveMae()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "drift_mase", format(step.driftMase()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_abs_stat", format(step.dmAbsolute().statistic()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_abs_p_better", format(step.dmAbsolute().pBetter()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_sq_stat", format(step.dmSquared().statistic()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "dm_sq_p_better", format(step.dmSquared().pBetter()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "directional_accuracy", format(step.directionalAccuracy()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "majority_sign_accuracy", format(step.majoritySignAccuracy()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "up_share", format(step.upShare()));
        tags.put(ClosecastTags.PROMOTION_PREFIX + "forecast_up_share", format(step.forecastUpShare()));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
