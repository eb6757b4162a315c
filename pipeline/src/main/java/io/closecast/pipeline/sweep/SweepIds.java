package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.search.SearchMethod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * The ids a sweep derives from what it computes: the sweep id that finds its parent run again, each trial's seed, and
 * the session and worker a trial's stats carry in the training UI.
 */
public final class SweepIds {
    private SweepIds() {
    }

    /** A stable id of what the sweep computes: the base config, the space, method, metric, seed (not the trial count). */
    public static String sweepId(SweepFile file) {
        SweepSpec s = file.spec();
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(file.base().resolved()).forEach((k, v) -> {
            if (!k.equals("training.threads")) {
                canonical.append(k).append('=').append(v).append('\n');
            }
        });
        canonical.append("metric=").append(s.metric()).append("\ngoal=").append(s.goal()).append("\nmethod=")
                .append(s.method()).append("\nseed=").append(s.seed()).append("\nspace=").append(s.space().params())
                .append("\npruning=").append(s.pruning()).append('\n');
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trial i's training seed: derived from the sweep seed and i only. */
    static long trialSeed(long sweepSeed, int index) {
        return SearchMethod.trialRandom(sweepSeed, index).nextLong() & 0x7fffffffL;
    }

    /** The session id a trial's stats carry in the training UI: trial index and child run id. */
    public static String uiSession(int index, String runId) {
        return "trial-" + index + "-" + runId;
    }

    /** The worker id a trial's stats carry in the training UI. */
    public static String uiWorker(int index) {
        return "trial-" + index;
    }
}
