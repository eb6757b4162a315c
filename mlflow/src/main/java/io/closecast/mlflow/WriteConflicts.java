package io.closecast.mlflow;

import io.closecast.mlflow.entities.Param;
import io.closecast.mlflow.http.Errors;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tracking calls make of a store that refuses rows as already there: a retried {@code log-batch} whose first
 * attempt was stored after all, and a dataset that a concurrent run registered first.
 */
final class WriteConflicts {
    private static final Logger LOG = LoggerFactory.getLogger(WriteConflicts.class);

    /** Attempts of {@code logInputs} when a concurrent run registered the same dataset first. */
    static final int LOG_INPUTS_ATTEMPTS = 5;

    private WriteConflicts() {
    }

    /**
     * Accepts a refused {@code log-batch} that an earlier attempt stored (the answer was lost): the server refuses
     * the duplicate rows, and the stored params must then hold exactly our values, or it is a real conflict.
     *
     * @param e      the refusal
     * @param runId  the run
     * @param params the batch's params
     * @param stored reads the run's stored params
     * @throws MlflowException {@code e}, when it is not a duplicate or a stored param differs
     */
    static void acceptStoredBatch(MlflowException e, String runId, List<Param> params, Supplier<Map<String, String>> stored) {
        if (!alreadyStored(e)) {
            throw e;
        }
        Map<String, String> values = stored.get();
        for (Param param : params) {
            if (!param.value().equals(values.get(param.key()))) {
                throw e;
            }
        }
        LOG.warn("log-batch to run {} was already stored by an earlier attempt: {}", runId, e.errorCode().orElse(""));
    }

    /**
     * Runs {@code logInputs} until it is not refused for a dataset registered concurrently: runs that log the same new
     * dataset at the same time race in MLflow's store, one inserts the dataset row, the others get a unique-constraint
     * error (SQLite's {@code UNIQUE constraint failed}, PostgreSQL's {@code duplicate key value}) although nothing was
     * wrong. The call is then repeated: the store now finds the dataset and links it to the run.
     *
     * @param runId     the run, for the log
     * @param logInputs one {@code runs/log-inputs} request
     * @throws MlflowException any other refusal, or the last after {@link #LOG_INPUTS_ATTEMPTS} attempts
     */
    static void retryDuplicateDataset(String runId, Runnable logInputs) {
        for (int attempt = 1; ; attempt++) {
            try {
                logInputs.run();
                return;
            } catch (MlflowException e) {
                if (!isDuplicateDataset(e) || attempt == LOG_INPUTS_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("run {}: dataset registered concurrently by another run ({}); logging the inputs again",
                        runId, e.getMessage());
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A store's unique-constraint answer to a dataset insert (MLflow passes the database error through as 400). */
    static boolean isDuplicateDataset(MlflowException e) {
        String message = String.valueOf(e.getMessage());
        return Errors.isAlreadyExists(e) || message.contains("UNIQUE constraint failed: datasets")
                || (message.contains("duplicate key value violates unique constraint") && message.contains("dataset"))
                || (message.contains("IntegrityError") && message.contains("datasets"));
    }

    /** The database refused rows that are already there (SQLite and PostgreSQL wording). */
    static boolean alreadyStored(MlflowException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e.status() == 400 && (message.contains("UNIQUE constraint failed")
                || message.contains("duplicate key value violates unique constraint"));
    }
}
