package io.closecast.pipeline.sweep.pruning;


import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.sweep.spi.TrialStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSearch;
import io.closecast.mlflow.entities.RunStatus;

/**
 * The curves median pruning compares, read from MLflow: the per-epoch {@code val_loss} (or {@code train_loss}) of the
 * latest attempt of every other trial under the parent, as each trial logs it after each epoch, wherever it runs (a
 * Spark executor, another pod). An ended trial's curve is read once; a running one's again at each epoch. Interrupted
 * attempts do not count (as in the sweep state's ended curves).
 */
public final class MlflowCurves implements Curves {
    private final MlflowClient client;
    private final String experimentId;
    private final String parentId;
    private final String metric;
    private final Map<String, Map<Long, Double>> ended = new ConcurrentHashMap<>();

    /** The curves of {@code metric} (the one pruning compares) of the trials under the parent {@code parentId}. */
    public MlflowCurves(MlflowClient client, String experimentId, String parentId, String metric) {
        this.client = client;
        this.experimentId = experimentId;
        this.parentId = parentId;
        this.metric = metric;
    }

    @Override
    public void record(int index, long epoch, double value) {
        // the trial logs its metric to MLflow itself (TrainingJob), where the other trials read it
    }

    @Override
    public List<Double> others(int index, long epoch) {
        Map<Integer, Run> latest = new TreeMap<>();
        for (Run run : client.searchAllRuns(RunSearch.builder(experimentId)
                .filter("tags.`mlflow.parentRunId` = '" + parentId + "'").orderBy("attributes.start_time ASC").build())) {
            String trial = run.tags().get(ClosecastTags.TRIAL_INDEX);
            if (trial != null) {
                latest.put(Integer.parseInt(trial), run);
            }
        }
        List<Double> others = new ArrayList<>();
        latest.forEach((trial, run) -> {
            if (trial == index || (run.info().status() != RunStatus.RUNNING
                    && TrialStatus.of(run) == TrialStatus.INTERRUPTED)) {
                return;
            }
            Double value = curve(run).get(epoch);
            if (value != null) {
                others.add(value);
            }
        });
        return others;
    }

    private Map<Long, Double> curve(Run run) {
        Map<Long, Double> cached = ended.get(run.id());
        if (cached != null) {
            return cached;
        }
        Map<Long, Double> curve = new TreeMap<>();
        for (Metric m : client.metricHistory(run.id(), metric)) {
            curve.put(m.step(), m.value());
        }
        if (run.info().status() != RunStatus.RUNNING) {
            ended.put(run.id(), curve);
        }
        return curve;
    }
}
