package io.closecast.model.evaluation;

import io.closecast.model.ModelException;
import io.closecast.model.dataset.DatasetBuilder;
import io.closecast.model.dataset.DatasetSpec;
import io.closecast.model.dataset.PreparedData;
import io.closecast.model.dataset.Split;
import io.closecast.model.prices.DateRange;
import io.closecast.model.prices.PriceBar;
import io.closecast.model.prices.PriceSeries;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Walk-forward (rolling-origin) evaluation folds. The last fold's test part ends on the series' last day;
 * each earlier fold's test part ends where the next one's begins. Before each test part come
 * {@code validationDays} of validation and the training part: everything before (expanding, {@code trainDays == 0})
 * or the last {@code trainDays} rows (rolling). Days are rows of the cleaned series (trading days).
 */
public final class WalkForward {

    private WalkForward() {
    }

    /**
     * How many folds, and how long their parts are, in trading days.
     *
     * @param folds number of folds, at least 1
     * @param testDays trading days in each fold's test part, at least 1
     * @param validationDays trading days of validation before each test part; 0 for none
     * @param trainDays trading days of training (rolling); 0 for everything before (expanding)
     */
    public record Spec(int folds, int testDays, int validationDays, int trainDays) {
        public Spec {
            if (folds < 1) {
                throw new ModelException("walk-forward.folds must be >= 1, found " + folds);
            }
            if (testDays < 1) {
                throw new ModelException("walk-forward.test-days must be >= 1, found " + testDays);
            }
            if (validationDays < 0) {
                throw new ModelException("walk-forward.validation-days must be >= 0, found " + validationDays);
            }
            if (trainDays < 0) {
                throw new ModelException("walk-forward.train-days must be >= 0 (0 = expanding), found " + trainDays);
            }
        }

        /**
         * Expanding training window.
         *
         * @param folds number of folds, at least 1
         * @param testDays trading days per test part, at least 1
         * @param validationDays trading days of validation before each test part; 0 for none
         * @return a spec whose training parts start at the series' first day
         */
        public static Spec expanding(int folds, int testDays, int validationDays) {
            return new Spec(folds, testDays, validationDays, 0);
        }
    }

    /**
     * One fold: its number (from 1), its split, and the explicit date ranges of its parts (rows, inclusive).
     *
     * @param number the fold's number, from 1, oldest first
     * @param split the dates that split the series for this fold
     * @param train the training part's first and last days
     * @param validation the validation part's days; empty when the spec has no validation days
     * @param test the test part's first and last days
     */
    public record Fold(int number, Split.Dates split, DateRange train, Optional<DateRange> validation, DateRange test) {
        public Fold {
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(validation, "validation");
            Objects.requireNonNull(test, "test");
        }

        @Override
        public String toString() {
            return "fold " + number + ": train " + train + ", validation " + validation.map(DateRange::toString).orElse("none")
                    + ", test " + test;
        }
    }

    /**
     * The folds over the series as the spec's checks and policy clean it.
     *
     * @param series the raw price series
     * @param spec the dataset spec whose checks and policy clean the series
     * @param wf how many folds and how long their parts are
     * @return the folds, oldest first
     * @throws ModelException when the cleaned series is too short for the folds, or fails its checks
     */
    public static List<Fold> folds(PriceSeries series, DatasetSpec spec, Spec wf) {
        PriceSeries clean = DatasetBuilder.clean(series, spec).requireNoFailures();
        List<PriceBar> bars = clean.bars();
        int n = bars.size();
        int minTrain = spec.lookback() + spec.window() + spec.horizon();
        List<Fold> folds = new ArrayList<>();
        for (int k = 0; k < wf.folds(); k++) {
            int testEnd = n - 1 - (wf.folds() - 1 - k) * wf.testDays();
            int testStart = testEnd - wf.testDays() + 1;
            int validationStart = testStart - wf.validationDays();
            int trainEnd = validationStart - 1;
            int trainStart = wf.trainDays() == 0 ? 0 : trainEnd - wf.trainDays() + 1;
            if (trainStart < 0 || trainEnd - trainStart + 1 < minTrain) {
                throw new ModelException("walk-forward fold " + (k + 1) + " of " + wf.folds() + " needs at least "
                        + minTrain + " training rows (window + horizon + lookback) before its validation and test days, found "
                        + Math.max(0, trainEnd - Math.max(trainStart, 0) + 1) + " in " + clean.source() + " (" + n + " rows)");
            }
            LocalDate validationEnd = bars.get(testStart - 1).date();
            Split.Dates split = new Split.Dates(bars.get(trainStart).date(), bars.get(trainEnd).date(), validationEnd,
                    bars.get(testEnd).date());
            Optional<DateRange> validation = wf.validationDays() == 0 ? Optional.empty()
                    : Optional.of(DateRange.create(bars.get(validationStart).date(), validationEnd));
            folds.add(new Fold(k + 1, split, DateRange.create(bars.get(trainStart).date(), bars.get(trainEnd).date()),
                    validation, DateRange.create(bars.get(testStart).date(), bars.get(testEnd).date())));
        }
        return folds;
    }

    /**
     * The prepared data of one fold: the spec with the fold's split.
     *
     * @param series the raw price series
     * @param spec the dataset spec, whose split the fold's replaces
     * @param fold the fold to prepare
     * @return the fold's windows, scaled as the spec says
     */
    public static PreparedData prepare(PriceSeries series, DatasetSpec spec, Fold fold) {
        return DatasetBuilder.prepare(series, spec.withSplit(fold.split()));
    }
}
