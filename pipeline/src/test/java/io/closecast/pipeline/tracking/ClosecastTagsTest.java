package io.closecast.pipeline.tracking;

import io.closecast.model.risk.CalibrationRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClosecastTagsTest {

    @Test
    void theServiceReadsTheEvaluationTagsUnderThePrefixEvaluateWrites() {
        // serving reads a version's calibration results through CalibrationRecord (it may not see pipeline)
        assertEquals(ClosecastTags.EVAL_PREFIX, CalibrationRecord.EVALUATION_PREFIX);
    }
}
