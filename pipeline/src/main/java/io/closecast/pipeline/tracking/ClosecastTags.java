package io.closecast.pipeline.tracking;

/**
 * Every tag key closecast writes to MLflow on runs, model versions and registered models, in one place (as MLflow
 * keeps its own in {@code MlflowTagConstants}). Keys are part of what users see in MLflow's UI and search:
 * changing one changes MLflow's view of every run written before.
 */
public final class ClosecastTags {

    /** What a run is: {@code evaluation} for an {@code evaluate} run. */
    public static final String RUN_TYPE = "closecast.run_type";

    /** What a training run is (train, trial, refit). */
    public static final String KIND = "closecast.kind";

    /** closecast's own version that wrote the run. */
    public static final String VERSION = "closecast.version";

    /** The training seed. */
    public static final String SEED = "closecast.seed";

    /** The symbol a run or version forecasts. */
    public static final String SYMBOL = "closecast.symbol";

    /** On a fleet sweep's parent: the symbols of the fleet. */
    public static final String FLEET = "closecast.fleet";

    /** The registered model a run registers into. */
    public static final String REGISTERED_MODEL = "closecast.registered_model";

    /** On a sweep's parent: {@code NAME/VERSION} it registered. */
    public static final String REGISTERED_VERSION = "closecast.registered_version";

    /** Why a run failed. */
    public static final String FAILURE_REASON = "closecast.failure_reason";

    /** Why training stopped (early stopping, max epochs, interrupted, superseded). */
    public static final String STOP_REASON = "closecast.stop_reason";

    /** The epoch training stopped at. */
    public static final String STOPPED_AT_EPOCH = "closecast.stopped_at_epoch";

    /** Why a model has no intervals, when it has none. */
    public static final String INTERVALS = "closecast.intervals";

    /** The training days. */
    public static final String DATA_TRAIN_RANGE = "closecast.data.train_range";

    /** The validation days. */
    public static final String DATA_VALIDATION_RANGE = "closecast.data.validation_range";

    /** The held-out test days. */
    public static final String DATA_TEST_RANGE = "closecast.data.test_range";

    /** The price file's SHA-256. */
    public static final String DATA_SHA256 = "closecast.data.sha256";

    /** How many rows the data checks dropped. */
    public static final String DATA_DROPPED_ROWS = "closecast.data.dropped_rows";

    /** Warnings about the requested date range. */
    public static final String DATA_RANGE_WARNING = "closecast.data.range_warning";

    /** Walk-forward folds: {@code closecast.foldN}, one per fold. */
    public static final String FOLD_PREFIX = "closecast.fold";

    /** Every tag of a sweep starts with this. */
    public static final String SWEEP_PREFIX = "closecast.sweep";

    /** A sweep's id (its config and data digest). */
    public static final String SWEEP_ID = "closecast.sweep_id";

    /** On a trial: its sweep's parent run. */
    public static final String SWEEP_RUN_ID = "closecast.sweep_run_id";

    /** A trial's index in its sweep. */
    public static final String TRIAL_INDEX = "closecast.trial_index";

    /** A trial's point of the search space. */
    public static final String TRIAL_POINT = "closecast.trial_point";

    /** A trial's attempt number (a retried Spark task is attempt 2, ...). */
    public static final String TRIAL_ATTEMPT = "closecast.trial_attempt";

    /** How a trial ended (complete, pruned, failed, ...). */
    public static final String TRIAL_STATUS = "closecast.trial_status";

    /** On a sweep's parent: its best trial's run. */
    public static final String BEST_RUN_ID = "closecast.best_run_id";

    /** On a sweep's parent: its best trial's index. */
    public static final String BEST_TRIAL = "closecast.best_trial";

    /** The DL4J training UI session of a run. */
    public static final String UI_SESSION_ID = "closecast.ui.session_id";

    /** The DL4J training UI statistics artifact. */
    public static final String UI_STATS = "closecast.ui.stats";

    /** On a version: {@code true} when it was refit on all data. */
    public static final String REFIT = "closecast.refit";

    /** On a run: the refit model's artifact path. */
    public static final String REFIT_ARTIFACT = "closecast.refit.artifact";

    /** On a run: the refit model's last training day. */
    public static final String REFIT_TRAINED_TO = "closecast.refit.trained_to";

    /** On a run: the refit's epochs. */
    public static final String REFIT_EPOCHS = "closecast.refit.epochs";

    /** On a version: the last day it was trained on. */
    public static final String TRAINED_TO = "closecast.trained_to";

    /** On a version: which model its test metrics come from. */
    public static final String METRICS_FROM = "closecast.metrics_from";

    /** On a version: its latest out-of-time evaluation ({@code closecast.eval.mase}, ...). */
    public static final String EVAL_PREFIX = "closecast.eval.";

    /** On a version: MASE of its latest evaluation. */
    public static final String EVAL_MASE = "closecast.eval.mase";

    /** On a version: the gate's statistics and verdict. */
    public static final String PROMOTION_PREFIX = "closecast.promotion.";

    /** On a version: the gate's verdict. */
    public static final String PROMOTION_VERDICT = "closecast.promotion.verdict";

    /**
     * On a version: the live evidence {@code promote --live-evidence} judged it on, from the service's track record
     * ({@code source}, {@code days}, {@code challenger_mae}, {@code dm_p_worse}, ..., {@code verdict}, {@code reason}).
     */
    public static final String PROMOTION_LIVE_PREFIX = "closecast.promotion.live.";

    /** On a version: the servability check before an alias moves ({@code verdict}, {@code reason}, {@code seconds}, ...). */
    public static final String SERVABILITY_PREFIX = "closecast.servability.";

    /** On a version: {@code passed} or {@code refused} by the servability check. */
    public static final String SERVABILITY_VERDICT = "closecast.servability.verdict";

    /** On a version: what the servability check measured, or why it refused the version. */
    public static final String SERVABILITY_REASON = "closecast.servability.reason";

    /** On a registered model: who holds its retrain lock and until when ({@code OWNER UNTIL_EPOCH_SECONDS}; empty: free). */
    public static final String RETRAIN_LOCK = "closecast.retrain.lock";

    /** On a retrain run and the version it registered: the last trading day of the prices it trained on. */
    public static final String RETRAIN_DATA_DAY = "closecast.retrain.data_day";

    /** On a retrain run and its version: the days of the price file it trained on, {@code FROM..TO}. */
    public static final String RETRAIN_DATA_RANGE = "closecast.retrain.data_range";

    /** On a retrain run and its version: what started it ({@code manual}, {@code schedule}, {@code alert:NAME}). */
    public static final String RETRAIN_TRIGGER = "closecast.retrain.trigger";

    /** On a retrain run and its version: what the retrain decided (promoted, refused, up_to_date, ...). */
    public static final String RETRAIN_VERDICT = "closecast.retrain.verdict";

    /** On a retrain run: why it decided so; on a version: the retrain run that registered it. */
    public static final String RETRAIN_REASON = "closecast.retrain.reason";

    /** On a version: the retrain run that registered it. */
    public static final String RETRAIN_RUN_ID = "closecast.retrain.run_id";

    /** On a registered model: {@code closecast.alias.ALIAS.history}, where an alias has pointed. */
    public static final String ALIAS_PREFIX = "closecast.alias.";

    private ClosecastTags() {
    }
}
