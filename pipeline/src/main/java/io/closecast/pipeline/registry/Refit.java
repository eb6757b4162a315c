package io.closecast.pipeline.registry;

import io.closecast.pipeline.tracking.ClosecastTags;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.WorkDirs;
import io.closecast.pipeline.config.TrainConfig;
import io.closecast.pipeline.data.PriceLoader;
import io.closecast.pipeline.tracking.Provenance;
import io.closecast.pipeline.training.RunArtifacts;

import io.closecast.mlflow.entities.Metric;
import io.closecast.mlflow.MlflowClient;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.prices.DateRange;
import io.closecast.model.train.EpochListener;
import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.prices.PriceSeries;
import io.closecast.model.dataset.Samples;
import io.closecast.model.train.TrainingSpec;
import io.closecast.model.dataset.WindowSet;
import io.closecast.training.bundle.BundleWriter;
import io.closecast.training.dl4j.LstmNetworkFactory;
import io.closecast.training.Trainer;
import io.closecast.training.TrainingResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Refit before registering: the run's held-out model (artifact {@code model}) was trained on the chronological
 * split, its epoch count chosen by early stopping on the validation part and its test metrics measured on the test
 * part. The version a user registers should know the latest prices, so the same configuration (same
 * hyper-parameters, seed and scaler, the held-out model's best epoch count, no early stopping) is trained again on
 * every window up to the config's {@code data.to} and stored beside it as artifact {@value #ARTIFACT}. Its bundle says
 * {@code refit: true}, {@code trained_to} and the held-out model's test period; its interval calibration is the
 * held-out model's (from the validation days, which the held-out network did not train on; the refit network did,
 * so calibrating it there would be in-sample). The gate judges a refit version by its held-out model.
 */
public final class Refit {
    /** Where the refit bundle goes in the run. */
    public static final String ARTIFACT = "refit-model";

    private Refit() {
    }

    /** What a refit produced: the artifact path in the run, and the last day its weights trained on. */
    public record Result(String artifact, LocalDate trainedTo) {
    }

    /** Refits run {@code runId}'s model as {@code config} says and uploads it. */
    public static Result run(MlflowClient client, TrainConfig config, String runId, Path workDir, PrintWriter console) {
        try {
            return refit(client, config, runId, workDir, console);
        } catch (IOException e) {
            throw new PipelineException("cannot write the refit model of run " + runId + ": " + e.getMessage(), e);
        }
    }

    private static Result refit(MlflowClient client, TrainConfig config, String runId, Path workDir, PrintWriter console)
            throws IOException {
        Path work = workDir.resolve(runId).resolve("refit");
        WorkDirs.delete(work);
        Files.createDirectories(work);
        ForecastModel heldOut = LoadedModel.load(client, "runs:/" + runId + "/" + RunArtifacts.MODEL_PATH,
                work.resolve("heldout")).model();
        int epochs = client.getRun(runId).metric("best_epoch").map(Metric::value).map(Double::intValue)
                .orElseThrow(() -> new PipelineException("run " + runId + " has no best_epoch metric: refit needs the"
                        + " held-out model's epoch count (set training.refit: false to register the held-out model)"));

        PriceSeries series = PriceLoader.load(config);
        PreparedData data = DatasetBuilder.prepare(series, config.dataset());
        Samples all = concat(data.train(), data.validation(), data.test());
        TrainingSpec t = config.training();
        // no early stopping: the epochs were chosen on the validation part; the weights kept are the lowest loss on
        // all windows (in sample), normally the last epoch's
        TrainingSpec spec = new TrainingSpec(t.optimizer(), t.learningRate(), t.batchSize(), epochs, epochs + 1,
                t.gradientClipNorm(), t.l2(), t.seed(), t.threads(), t.engine());
        console.printf(Locale.ROOT, "refit: training the same network on all %d windows to %s for %d epochs%n",
                all.count(), data.testRange().to(), epochs);
        console.flush();
        TrainingResult result = Trainer.create(config.model(), spec).train(
                LstmNetworkFactory.create(config.model(), spec), all, all, EpochListener.none());

        DateRange trained = DateRange.create(data.trainRange().from(), data.testRange().to());
        PriceSeries clean = DatasetBuilder.clean(series, config.dataset()).cleaned()
                .between(LocalDate.MIN, data.test().lastInputDates().getLast());
        BundleWriter.Provenance provenance = new BundleWriter.Provenance(runId, config.data().symbol(), trained,
                data.testRange(), data.dataset().sha256(), t.seed(), Provenance.closecast(),
                Files.readString(work.resolve("heldout").resolve("config.yaml")), true);
        Path bundle = work.resolve(ARTIFACT);
        if (heldOut.intervals().isPresent()) {
            BundleWriter.write(bundle, result, data.codec(), provenance, clean.bars(), heldOut.intervals().get());
        } else {
            BundleWriter.write(bundle, result, data.codec(), provenance, clean.bars());
        }
        client.artifacts().uploadDirectory(runId, bundle, ARTIFACT);
        client.setTags(runId, Map.of(ClosecastTags.REFIT_ARTIFACT, ARTIFACT, ClosecastTags.REFIT_TRAINED_TO,
                trained.to().toString(), ClosecastTags.REFIT_EPOCHS, Integer.toString(epochs)));
        return new Result(ARTIFACT, trained.to());
    }

    private static Samples concat(WindowSet... parts) {
        float[][][] x = new float[0][][];
        float[][] y = new float[0][];
        for (WindowSet p : parts) {
            float[][][] nx = Arrays.copyOf(x, x.length + p.size());
            System.arraycopy(p.inputs(), 0, nx, x.length, p.size());
            float[][] ny = Arrays.copyOf(y, y.length + p.size());
            System.arraycopy(p.targets(), 0, ny, y.length, p.size());
            x = nx;
            y = ny;
        }
        return new Samples(x, y);
    }
}
