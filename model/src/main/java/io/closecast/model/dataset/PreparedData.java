package io.closecast.model.dataset;

import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.checks.DroppedRow;
import io.closecast.model.prices.checks.Finding;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DatasetBuilder#prepare} hands to training: scaled train / validation / test windows, the codec
 * (fitted scaler + target transform, to save with the model), the dataset description for MLflow, the date
 * ranges of each part (targets) and of the rows the scaler was fitted on, what the checks dropped or warned, and
 * {@code rangeWarnings}: how far validation and test prices leave a global (LEVEL) scaler's training range.
 *
 * @param spec the dataset spec that prepared it
 * @param train the training windows
 * @param validation the validation windows; empty when the split has no validation part
 * @param test the test windows
 * @param codec the fitted scaler and the target transform, saved with the model
 * @param dataset the description of the rows used, for MLflow
 * @param scalerFitRange the first and last dates of the rows the scaler was fitted on
 * @param dropped the rows the checks removed, with their reasons
 * @param warnings the findings whose action is WARN
 * @param rangeWarnings how far validation and test prices leave a LEVEL scaler's training range, in words; empty when
 *                      they do not
 */
public record PreparedData(DatasetSpec spec, WindowSet train, WindowSet validation, WindowSet test, ForecastCodec codec,
                           DatasetInfo dataset, DateRange scalerFitRange, List<DroppedRow> dropped,
                           List<Finding> warnings, List<String> rangeWarnings) {

    public PreparedData {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(scalerFitRange, "scalerFitRange");
        dropped = List.copyOf(dropped);
        warnings = List.copyOf(warnings);
        rangeWarnings = List.copyOf(rangeWarnings);
    }

    /**
     * The training part's target dates.
     *
     * @return its first and last target dates
     */
    public DateRange trainRange() {
        return train.targetRange().orElseThrow();
    }

    /**
     * The validation part's target dates.
     *
     * @return its first and last target dates; empty when it has no window
     */
    public Optional<DateRange> validationRange() {
        return validation.targetRange();
    }

    /**
     * The test part's target dates.
     *
     * @return its first and last target dates
     */
    public DateRange testRange() {
        return test.targetRange().orElseThrow();
    }

    /**
     * One line per part, e.g. {@code train 2010-03-31..2020-06-05 (2585 windows)}, for logs and reports.
     *
     * @return the three parts' ranges and sizes, the scaler's fit range, the dropped rows and the data's SHA-256
     */
    public String describe() {
        return "train " + trainRange() + " (" + train.size() + " windows), validation "
                + validationRange().map(DateRange::toString).orElse("none") + " (" + validation.size() + " windows), test "
                + testRange() + " (" + test.size() + " windows); scaler fitted on " + scalerFitRange + "; "
                + dropped.size() + " row(s) dropped; data " + dataset.name() + " sha256 " + dataset.sha256();
    }
}
