import io.closecast.model.lstm.HeadActivation;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.train.TrainingEngine;
import io.closecast.model.train.TrainingSpec;
import io.closecast.pipeline.training.TrainingUi;
import io.closecast.training.dl4j.LstmNetworkFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the training UI's StatsListener costs the DL4J engine (closecast sweep/train --ui). Usage (see ui-overhead.sh):
 *   UiOverhead EPOCHS PORT          (-Dbench.hidden=16 -Dbench.window=30: the LSTM's units and window length)
 * Three networks of the same closecast LSTM config train in one JVM with alternating epochs (none 1, every-1 1,
 * every-5 1, none 2, ...), so all see the same machine load: no listener; a StatsListener reporting every iteration;
 * one reporting every TrainingUi.DEFAULT_FREQUENCY iterations. Both listeners write to one FileStatsStorage attached
 * to the running DL4J UI server, as --ui does. Prints "RESULT variant=... epoch_ms=[...] listener_ms=[...]" per
 * variant, listener_ms being the wall time spent inside the StatsListener's callbacks in that epoch.
 */
public class UiOverhead {
    static final int WINDOW = Integer.getInteger("bench.window", 30);
    static final int HIDDEN = Integer.getInteger("bench.hidden", 16);
    static final int COUNT = 1024;
    static final int BATCH = 32;

    public static void main(String[] args) throws Exception {
        int epochs = Integer.parseInt(args[0]);
        int port = Integer.parseInt(args[1]);
        int threads = Integer.getInteger("bench.threads", 2);
        ModelSpec model = ModelSpec.builder().lstmHiddenUnits(List.of(HIDDEN)).denseUnits(List.of())
                .headActivation(HeadActivation.IDENTITY).inputFeatures(1).horizon(1).build();
        TrainingSpec training = TrainingSpec.builder().batchSize(BATCH).maxEpochs(epochs).threads(threads).seed(7).build()
                .withEngine(TrainingEngine.DL4J);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        List<DataSet> batches = batches();

        Path dir = Files.createTempDirectory("closecast-ui-bench");
        FileStatsStorage storage = new FileStatsStorage(dir.resolve(TrainingUi.STATS_FILE).toFile());
        VertxUIServer server = VertxUIServer.getInstance(port, false, null);
        server.attach(storage);

        String[] names = {"none", "stats-every-1", "stats-every-" + TrainingUi.DEFAULT_FREQUENCY};
        int[] frequency = {0, 1, TrainingUi.DEFAULT_FREQUENCY};
        MultiLayerNetwork[] nets = new MultiLayerNetwork[names.length];
        Timed[] timed = new Timed[names.length];
        List<List<Long>> millis = new ArrayList<>();
        List<List<Long>> listenerMillis = new ArrayList<>();
        for (int v = 0; v < names.length; v++) {
            nets[v] = LstmNetworkFactory.create(model, training);
            if (frequency[v] > 0) {
                timed[v] = new Timed(new StatsListener(storage, null,
                        new DefaultStatsUpdateConfiguration.Builder().reportingFrequency(frequency[v]).build(),
                        "bench-" + names[v], "bench"));
                nets[v].setListeners(timed[v]);
            }
            millis.add(new ArrayList<>());
            listenerMillis.add(new ArrayList<>());
        }
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int v = 0; v < names.length; v++) {
                long start = System.nanoTime();
                for (DataSet batch : batches) {
                    nets[v].fit(batch);
                }
                millis.get(v).add((System.nanoTime() - start) / 1_000_000);
                listenerMillis.get(v).add(timed[v] == null ? 0 : timed[v].takeMillis());
            }
        }
        for (int v = 0; v < names.length; v++) {
            System.out.printf(Locale.ROOT, "RESULT variant=%s iterations_per_epoch=%d epoch_ms=%s listener_ms=%s%n",
                    names[v], batches.size(), millis.get(v).toString().replace(" ", ""),
                    listenerMillis.get(v).toString().replace(" ", ""));
        }
        server.detach(storage);
        VertxUIServer.stopInstance();
        storage.close();
        System.exit(0);
    }

    /** Delegates to the StatsListener and adds up the wall time spent inside its callbacks. */
    static final class Timed implements TrainingListener {
        private final TrainingListener delegate;
        private long nanos;

        Timed(TrainingListener delegate) {
            this.delegate = delegate;
        }

        long takeMillis() {
            long ms = nanos / 1_000_000;
            nanos = 0;
            return ms;
        }

        private void time(Runnable call) {
            long start = System.nanoTime();
            call.run();
            nanos += System.nanoTime() - start;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            time(() -> delegate.iterationDone(model, iteration, epoch));
        }

        @Override
        public void onEpochStart(Model model) {
            time(() -> delegate.onEpochStart(model));
        }

        @Override
        public void onEpochEnd(Model model) {
            time(() -> delegate.onEpochEnd(model));
        }

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            time(() -> delegate.onForwardPass(model, activations));
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            time(() -> delegate.onForwardPass(model, activations));
        }

        @Override
        public void onGradientCalculation(Model model) {
            time(() -> delegate.onGradientCalculation(model));
        }

        @Override
        public void onBackwardPass(Model model) {
            time(() -> delegate.onBackwardPass(model));
        }
    }

    /** A noisy sine wave cut into COUNT windows of WINDOW steps, next value as target, in BATCH-sized mini-batches. */
    static List<DataSet> batches() {
        Random random = new Random(11);
        float[] series = new float[COUNT + WINDOW + 1];
        for (int t = 0; t < series.length; t++) {
            series[t] = (float) (Math.sin(t / 9.0) + 0.1 * random.nextGaussian());
        }
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < COUNT; from += BATCH) {
            int n = Math.min(BATCH, COUNT - from);
            float[] x = new float[n * WINDOW];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(series, from + i, x, i * WINDOW, WINDOW);
                y[i] = series[from + i + WINDOW];
            }
            out.add(new DataSet(Nd4j.create(x, new long[] {n, WINDOW, 1}, 'c'), Nd4j.create(y, new long[] {n, 1}, 'c')));
        }
        return out;
    }
}
