import io.closecast.model.train.EpochDecision;
import io.closecast.model.train.EpochListener;
import io.closecast.model.train.EpochStats;
import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.LstmForecaster;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingEngine;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.dl4j.LstmNetworks;
import io.closecast.training.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/**
 * closecast training and inference benchmark. Usage (see train-bench.sh):
 *   TrainBench data FILE                      write the benchmark series (csv) that PyTorch reads too
 *   TrainBench train VARIANT EPOCHS BATCH     VARIANT: fused (= closecast, the default engine) | dl4j |
 *                                             dl4j-cache-device | dl4j-nwc-ws-none | samediff
 *   TrainBench alternate EPOCHS BATCH         dl4j and fused in one JVM, alternating epochs (dl4j 1, fused 1,
 *                                             dl4j 2, ...), so both see the same machine load
 *   TrainBench infer REPEATS                  single-window latency: pure Java vs DL4J output()
 * Prints one line "RESULT key=value ..." per measurement.
 */
public class TrainBench {
    static final int WINDOW = 60;
    static final int COUNT = 1952;
    static final int VAL = 488;
    static final ModelSpec SPEC = ModelSpec.builder().lstmHiddenUnits(List.of(32, 32)).denseUnits(List.of(16))
            .headActivation(HeadActivation.RELU).inputFeatures(1).horizon(1).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "data" -> writeSeries(Path.of(args[1]));
            case "train" -> train(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "alternate" -> alternate(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "infer" -> infer(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** A random walk with drift and a weekly wiggle, min-max scaled on the training part. */
    static float[] series() {
        Random r = new Random(2024);
        int n = COUNT + VAL + 2 * WINDOW + 2;
        double[] s = new double[n];
        double p = 100;
        for (int t = 0; t < n; t++) {
            p += 0.02 + r.nextGaussian() + 0.5 * Math.sin(t * 2 * Math.PI / 5);
            s[t] = p;
        }
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (int t = 0; t < COUNT + WINDOW + 1; t++) {
            min = Math.min(min, s[t]);
            max = Math.max(max, s[t]);
        }
        float[] f = new float[n];
        for (int t = 0; t < n; t++) {
            f[t] = (float) ((s[t] - min) / (max - min));
        }
        return f;
    }

    static void writeSeries(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (float v : series()) {
            sb.append(v).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, sb);
    }

    static Samples samples(float[] s, int offset, int count) {
        float[][][] x = new float[count][WINDOW][1];
        float[][] y = new float[count][1];
        for (int i = 0; i < count; i++) {
            for (int t = 0; t < WINDOW; t++) {
                x[i][t][0] = s[offset + i + t];
            }
            y[i][0] = s[offset + i + WINDOW];
        }
        return new Samples(x, y);
    }

    static double naive(Samples s) {
        double sum = 0;
        for (int i = 0; i < s.count(); i++) {
            double d = s.y()[i][0] - s.x()[i][WINDOW - 1][0];
            sum += d * d;
        }
        return sum / s.count();
    }

    static void train(String variant, int epochs, int batch) {
        float[] s = series();
        Samples train = samples(s, 0, COUNT);
        Samples val = samples(s, COUNT + WINDOW, VAL);
        int threads = Integer.parseInt(System.getProperty("bench.threads", "2"));
        TrainingSpec spec = TrainingSpec.builder().learningRate(1e-3).batchSize(batch).maxEpochs(epochs)
                .patience(epochs).gradientClipNorm(0).seed(42).threads(threads).build();
        List<EpochStats> stats = new ArrayList<>();
        switch (variant) {
            case "closecast", "fused" -> Trainer.create(SPEC, spec.withEngine(TrainingEngine.FUSED))
                    .train(train, val, collect(stats));
            case "dl4j" -> Trainer.create(SPEC, spec.withEngine(TrainingEngine.DL4J)).train(train, val, collect(stats));
            case "dl4j-cache-device" -> {
                // DL4J's LSTM re-runs its forward pass inside backprop unless the layer caches it
                MultiLayerConfiguration conf = LstmNetworkFactory.configuration(SPEC, spec);
                conf.getConfs().forEach(c -> c.setCacheMode(org.deeplearning4j.nn.conf.CacheMode.DEVICE));
                MultiLayerNetwork net = new MultiLayerNetwork(conf);
                net.init();
                Trainer.create(SPEC, spec.withEngine(TrainingEngine.DL4J)).train(net, train, val, collect(stats));
            }
            case "dl4j-ncw", "dl4j-nwc-ws-none", "dl4j-nwc-ws-single" -> {
                MultiLayerConfiguration conf = LstmNetworkFactory.configuration(SPEC, spec);
                for (var layerConf : conf.getConfs()) {
                    var l = layerConf.getLayer();
                    var lstm = l instanceof LastTimeStep last ? last.getUnderlying() : l;
                    if (lstm instanceof LSTM rl && variant.equals("dl4j-ncw")) {
                        rl.setRnnDataFormat(RNNFormat.NCW);
                    }
                }
                if (variant.endsWith("ws-none")) {
                    conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
                    conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
                }
                MultiLayerNetwork net = new MultiLayerNetwork(conf);
                net.init();
                if (variant.equals("dl4j-ncw")) {
                    throw new UnsupportedOperationException("ncw: see samediff/closecast");
                }
                Trainer.create(SPEC, spec.withEngine(TrainingEngine.DL4J)).train(net, train, val, collect(stats));
            }
            case "samediff" -> sameDiff(train, val, epochs, batch, stats);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        }
        report(variant, batch, stats, val);
    }

    /** A listener that keeps every epoch's stats and lets training go on. */
    static EpochListener collect(List<EpochStats> into) {
        return e -> {
            into.add(e);
            return EpochDecision.CONTINUE;
        };
    }

    /** Trains dl4j and fused in two threads that pass a baton after every epoch: their epochs alternate. */
    static void alternate(int epochs, int batch) throws InterruptedException {
        float[] s = series();
        Samples train = samples(s, 0, COUNT);
        Samples val = samples(s, COUNT + WINDOW, VAL);
        int threads = Integer.parseInt(System.getProperty("bench.threads", "2"));
        TrainingSpec spec = TrainingSpec.builder().learningRate(1e-3).batchSize(batch).maxEpochs(epochs)
                .patience(epochs).gradientClipNorm(0).seed(42).threads(threads).build();
        java.util.concurrent.Semaphore dl4jTurn = new java.util.concurrent.Semaphore(1);
        java.util.concurrent.Semaphore fusedTurn = new java.util.concurrent.Semaphore(0);
        List<EpochStats> dl4j = java.util.Collections.synchronizedList(new ArrayList<>());
        List<EpochStats> fused = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread a = new Thread(() -> {
            dl4jTurn.acquireUninterruptibly();
            Trainer.create(SPEC, spec.withEngine(TrainingEngine.DL4J)).train(train, val, e -> {
                dl4j.add(e);
                fusedTurn.release();
                if (e.epoch() < epochs) {
                    dl4jTurn.acquireUninterruptibly();
                }
                return EpochDecision.CONTINUE;
            });
        });
        Thread b = new Thread(() -> {
            fusedTurn.acquireUninterruptibly();
            Trainer.create(SPEC, spec.withEngine(TrainingEngine.FUSED)).train(train, val, e -> {
                fused.add(e);
                dl4jTurn.release();
                if (e.epoch() < epochs) {
                    fusedTurn.acquireUninterruptibly();
                }
                return EpochDecision.CONTINUE;
            });
        });
        a.start();
        b.start();
        a.join();
        b.join();
        report("dl4j", batch, dl4j, val);
        report("fused", batch, fused, val);
    }

    static void report(String variant, int batch, List<EpochStats> stats, Samples val) {
        long[] ms = stats.stream().mapToLong(EpochStats::epochMillis).toArray();
        long[] steady = ms.length > 1 ? Arrays.copyOfRange(ms, 1, ms.length) : ms;
        System.out.printf(Locale.ROOT, "RESULT kind=train impl=%s batch=%d epochs=%d median_epoch_ms=%d first_epoch_ms=%d "
                        + "epoch_ms=%s val_first=%.6f val_last=%.6f naive_val=%.6f peak_rss_mb=%d%n", variant, batch,
                ms.length, median(steady), ms[0], Arrays.toString(ms).replace(" ", ""), stats.get(0).valLoss(),
                stats.get(stats.size() - 1).valLoss(), naive(val), peakRssMb());
    }

    /** The same architecture as a SameDiff graph with the fused lstmLayer op. */
    static void sameDiff(Samples train, Samples val, int epochs, int batch, List<EpochStats> stats) {
        Nd4j.getRandom().setSeed(42);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.FLOAT, -1, WINDOW, 1);
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, 1);
        SDVariable x = in;
        int nIn = 1;
        List<Integer> units = SPEC.lstmHiddenUnits();
        for (int i = 0; i < units.size(); i++) {
            int h = units.get(i);
            boolean last = i == units.size() - 1;
            SDVariable w = sd.var("w" + i, new XavierInitScheme('c', nIn, 4 * h), DataType.FLOAT, nIn, 4 * h);
            SDVariable rw = sd.var("rw" + i, new XavierInitScheme('c', h, 4 * h), DataType.FLOAT, h, 4 * h);
            SDVariable b = sd.var("b" + i, Nd4j.zeros(DataType.FLOAT, 4 * h));
            LSTMLayerConfig cfg = LSTMLayerConfig.builder().lstmdataformat(LSTMDataFormat.NTS)
                    .directionMode(LSTMDirectionMode.FWD).gateAct(LSTMActivations.SIGMOID)
                    .cellAct(LSTMActivations.TANH).outAct(LSTMActivations.TANH)
                    .retFullSequence(!last).retLastH(last).retLastC(false).build();
            x = sd.rnn().lstmLayer(x, LSTMLayerWeights.builder().weights(w).rWeights(rw).bias(b).build(), cfg)[0];
            nIn = h;
        }
        for (int d : SPEC.denseUnits()) {
            SDVariable w = sd.var("dw" + d, new XavierInitScheme('c', nIn, d), DataType.FLOAT, nIn, d);
            SDVariable b = sd.var("db" + d, Nd4j.zeros(DataType.FLOAT, 1, d));
            x = sd.nn().relu(x.mmul(w).add(b), 0);
            nIn = d;
        }
        SDVariable wo = sd.var("wo", new XavierInitScheme('c', nIn, 1), DataType.FLOAT, nIn, 1);
        SDVariable bo = sd.var("bo", Nd4j.zeros(DataType.FLOAT, 1, 1));
        SDVariable out = x.mmul(wo).add("out", bo);
        sd.mean("loss", sd.math().square(out.sub(label)));
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3))
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
        INDArray valX = LstmNetworks.toInput(val.x());
        INDArray valY = Nd4j.create(val.y());
        Random random = new Random(42);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.count(); i++) {
            order.add(i);
        }
        for (int e = 1; e <= epochs; e++) {
            long start = System.nanoTime();
            java.util.Collections.shuffle(order, random);
            for (int from = 0; from < order.size(); from += batch) {
                int to = Math.min(order.size(), from + batch);
                float[][][] bx = new float[to - from][][];
                float[][] by = new float[to - from][];
                for (int i = from; i < to; i++) {
                    bx[i - from] = train.x()[order.get(i)];
                    by[i - from] = train.y()[order.get(i)];
                }
                sd.fit(new DataSet(Nd4j.create(bx), Nd4j.create(by)));
            }
            INDArray pred = sd.outputSingle(java.util.Map.of("input", valX), "out");
            double valLoss = pred.squaredDistance(valY) / valY.length();
            stats.add(new EpochStats(e, Double.NaN, valLoss, (System.nanoTime() - start) / 1_000_000));
        }
    }

    static void infer(int repeats) {
        float[] s = series();
        Samples train = samples(s, 0, 256);
        TrainingSpec spec = TrainingSpec.builder().maxEpochs(1).batchSize(64).threads(1).build();
        MultiLayerNetwork net = Trainer.create(SPEC, spec).train(train, train, EpochListener.none()).network();
        LstmForecaster java = LstmForecaster.create(LstmNetworks.exportWeights(net, SPEC));
        float[][][] one = {train.x()[10]};
        INDArray input = LstmNetworks.toInput(one);
        double maxDiff = 0;
        for (int i = 0; i < 256; i++) {
            float a = java.predict(train.x()[i])[0];
            float b = LstmNetworks.predict(net, new float[][][] {train.x()[i]})[0][0];
            maxDiff = Math.max(maxDiff, Math.abs(a - b));
        }
        long[] javaNs = new long[repeats];
        long[] dl4jNs = new long[repeats];
        float sink = 0;
        for (int warm = 0; warm < 2; warm++) {
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                sink += java.predict(one[0])[0];
                long t1 = System.nanoTime();
                sink += net.output(input, false).getFloat(0);
                long t2 = System.nanoTime();
                javaNs[i] = t1 - t0;
                dl4jNs[i] = t2 - t1;
            }
        }
        Arrays.sort(javaNs);
        Arrays.sort(dl4jNs);
        System.out.printf(Locale.ROOT, "RESULT kind=infer repeats=%d java_median_us=%.1f java_p99_us=%.1f "
                        + "dl4j_median_us=%.1f dl4j_p99_us=%.1f max_abs_diff=%.2e sink=%s%n", repeats,
                javaNs[repeats / 2] / 1e3, javaNs[(int) (repeats * 0.99)] / 1e3, dl4jNs[repeats / 2] / 1e3,
                dl4jNs[(int) (repeats * 0.99)] / 1e3, maxDiff, sink != 0);
    }

    static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
