package io.closecast.pipeline.retrain;

import io.closecast.mlflow.MlflowException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which MLflow errors of the lock's first write mean "another contender's insert of the tag won", not a failure. */
class RetrainLockRaceTest {

    @Test
    void aLostInsertRaceIsRecognisedOnSqliteAndPostgres() {
        // as MLflow 3.17.2 answered two concurrent first writes of one registered-model tag (RetrainLockIT, SQLite)
        assertTrue(RetrainLock.concurrentInsert(new MlflowException("BAD_REQUEST: (sqlite3.IntegrityError) UNIQUE constraint"
                + " failed: registered_model_tags.workspace, registered_model_tags.key, registered_model_tags.name", 400,
                "BAD_REQUEST", null)));
        assertTrue(RetrainLock.concurrentInsert(new MlflowException("BAD_REQUEST: (psycopg2.errors.UniqueViolation) duplicate"
                + " key value violates unique constraint \"registered_model_tag_pk\"", 400, "BAD_REQUEST", null)));
    }

    @Test
    void otherErrorsAreFailures() {
        assertFalse(RetrainLock.concurrentInsert(new MlflowException("RESOURCE_DOES_NOT_EXIST: Registered Model with"
                + " name=x not found", 404, "RESOURCE_DOES_NOT_EXIST", null)));
        assertFalse(RetrainLock.concurrentInsert(new MlflowException("INVALID_PARAMETER_VALUE: tag value too long", 400,
                "INVALID_PARAMETER_VALUE", null)));
        assertFalse(RetrainLock.concurrentInsert(new MlflowException("UNIQUE constraint failed (a 500)", 500, "INTERNAL_ERROR", null)));
    }
}
