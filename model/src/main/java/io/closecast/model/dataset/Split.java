package io.closecast.model.dataset;

import io.closecast.model.ModelException;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A chronological train / validation / test split. A window belongs to a part when all its target dates
 * lie inside that part; windows whose targets straddle a boundary are left out, so no target of a later
 * part is ever a target of an earlier one. Inputs may look back into earlier parts (that is the past).
 */
public sealed interface Split {

    /**
     * The first {@code train} fraction of the forecastable days trains, the next {@code validation} validates, the rest
     * tests.
     *
     * @param train share of the forecastable days that trains, strictly between 0 and 1
     * @param validation share that validates, >= 0, with {@code train + validation < 1}
     * @return the split
     * @throws ModelException when the fractions leave no test part
     */
    static Split fractions(double train, double validation) {
        return new Fractions(train, validation);
    }

    /**
     * Train targets up to {@code trainEnd}, validation up to {@code validationEnd}, test after it (all inclusive).
     *
     * @param trainEnd the last training target date
     * @param validationEnd the last validation target date; equal to {@code trainEnd} for no validation part
     * @return the split, without limits at either end
     * @throws ModelException when {@code validationEnd} is before {@code trainEnd}
     */
    static Split dates(LocalDate trainEnd, LocalDate validationEnd) {
        return new Dates(LocalDate.MIN, trainEnd, validationEnd, LocalDate.MAX);
    }

    /**
     * Split by fractions of the forecastable days.
     *
     * @param train share that trains, strictly between 0 and 1
     * @param validation share that validates, >= 0; the rest tests
     */
    record Fractions(double train, double validation) implements Split {
        public Fractions {
            if (!(train > 0 && train < 1)) {
                throw new ModelException("split.train must be a fraction in (0, 1), found " + train);
            }
            if (!(validation >= 0 && train + validation < 1)) {
                throw new ModelException("split.validation must be >= 0 and leave room for a test part (train + validation < 1), found train "
                        + train + " validation " + validation);
            }
        }
    }

    /**
     * Explicit dates, all inclusive: rows before {@code trainStart} and targets after {@code testEnd} are not
     * used ({@link LocalDate#MIN} / {@link LocalDate#MAX} mean no limit). {@code validationEnd == trainEnd}
     * means no validation part.
     *
     * @param trainStart the first row used ({@link LocalDate#MIN} for no limit)
     * @param trainEnd the last training target date
     * @param validationEnd the last validation target date
     * @param testEnd the last test target date ({@link LocalDate#MAX} for no limit)
     */
    record Dates(LocalDate trainStart, LocalDate trainEnd, LocalDate validationEnd, LocalDate testEnd) implements Split {
        public Dates {
            Objects.requireNonNull(trainStart, "trainStart");
            Objects.requireNonNull(trainEnd, "trainEnd");
            Objects.requireNonNull(validationEnd, "validationEnd");
            Objects.requireNonNull(testEnd, "testEnd");
            if (!trainStart.isBefore(trainEnd) || validationEnd.isBefore(trainEnd) || !testEnd.isAfter(validationEnd)) {
                throw new ModelException("split dates must satisfy train-start < train-end <= validation-end < test-end, found "
                        + trainStart + ", " + trainEnd + ", " + validationEnd + ", " + testEnd);
            }
        }
    }
}
