package io.closecast.serving;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowConfig;
import io.closecast.mlflow.entities.ModelVersion;
import io.closecast.mlflow.entities.ModelVersionSpec;
import io.closecast.mlflow.entities.Run;
import io.closecast.mlflow.entities.RunSpec;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.train.EpochListener;
import io.closecast.model.intervals.IntervalCalibration;
import io.closecast.model.intervals.IntervalSpec;
import io.closecast.model.lstm.ModelSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.prices.PriceColumn;
import io.closecast.model.prices.PriceCsv;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingSpec;
import io.closecast.training.bundle.BundleWriter;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;

/**
 * The registry half of {@code bench/fleet-memory.sh}: trains one LSTM the size {@code configs/msft.yaml} trains
 * (2 layers of 32 units, window 60, horizon 1; 2 epochs, the weights' size is what matters here) on the bundled
 * {@code data/MSFT.csv}, writes its bundle once and registers it as {@code COUNT} models {@code PREFIX-1..COUNT}, each
 * from its own run, with {@code production} on version 1. The script then starts the service on the first n of them.
 * <pre>FleetMemoryBench TRACKING_URI PREFIX COUNT ROOT</pre>
 */
public final class FleetMemoryBench {

    private FleetMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        Path root = Path.of(args[3]);
        PriceSeries series = PriceCsv.read(root.resolve("data/MSFT.csv")).between(LocalDate.of(2014, 1, 1), LocalDate.of(2024, 12, 31));
        PreparedData data = DatasetBuilder.prepare(series, DatasetSpec.builder().window(60).horizon(1).build());
        TrainingResult trained = Trainer.create(ModelSpec.builder().lstmHiddenUnits(List.of(32, 32)).inputFeatures(1).horizon(1).build(),
                        TrainingSpec.builder().maxEpochs(2).patience(5).batchSize(64).seed(7).threads(2).build())
                .train(new Samples(data.train().inputs(), data.train().targets()),
                        new Samples(data.validation().inputs(), data.validation().targets()), EpochListener.none());
        float[][] scaled = trained.predict(data.validation().inputs());
        double[][] validation = new double[scaled.length][];
        for (int i = 0; i < scaled.length; i++) {
            validation[i] = data.codec().decode(scaled[i], data.validation().lastPrices()[i]);
        }
        IntervalCalibration intervals = IntervalCalibration.calibrate(IntervalSpec.defaults(), data.codec(), data.validation(),
                validation, "validation");
        Path work = Files.createTempDirectory("closecast-fleet-memory");
        try (MlflowClient client = MlflowClient.create(MlflowConfig.create(uri))) {
            String experiment = client.getOrCreateExperiment("closecast-fleet-memory").id();
            long bytes = -1;
            for (int i = 1; i <= count; i++) {
                String name = prefix + "-" + i;
                Run run = client.createRun(RunSpec.create(experiment, "fleet-memory-" + UUID.randomUUID().toString().substring(0, 6)));
                String runId = run.info().runId();
                Path bundle = work.resolve(runId);
                BundleWriter.write(bundle, trained, data.codec(), new BundleWriter.Provenance(runId, "MSFT", data.trainRange(),
                        data.testRange(), data.dataset().sha256(), 7, "bench", "model: fleet-memory\n"),
                        series.column(PriceColumn.CLOSE), intervals);
                if (bytes < 0) {
                    try (var files = Files.walk(bundle)) {
                        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                    }
                }
                client.artifacts().uploadDirectory(runId, bundle, "model");
                client.registry().createRegisteredModel(name);
                ModelVersion version = client.registry().createModelVersion(ModelVersionSpec.create(name, runId, "model"));
                client.registry().setAlias(name, "production", version.version());
            }
            System.out.printf(Locale.ROOT, "registered %d models %s-1..%d; bundle %d bytes on disk%n", count, prefix, count, bytes);
        }
    }
}
