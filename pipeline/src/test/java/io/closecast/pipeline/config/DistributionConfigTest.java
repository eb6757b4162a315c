package io.closecast.pipeline.config;

import io.closecast.model.lstm.Distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@code model.distribution}: point by default, gaussian or student-t, anything else refused with file and line. */
class DistributionConfigTest {

    private static TrainConfig read(String model) {
        String text = "data:\n  symbol: MSFT\n  horizon: 2\n" + model;
        return TrainConfig.read(YamlConfig.parse(text, "configs/x.yaml"), Path.of("."));
    }

    @Test
    void pointByDefaultGaussianAndStudentTWhenSet() {
        TrainConfig defaults = read("");
        assertEquals(Distribution.POINT, defaults.model().distribution());
        assertEquals(2, defaults.model().outputs());
        assertEquals("point", defaults.resolved().get("model.distribution"));
        TrainConfig gaussian = read("model:\n  distribution: gaussian\n");
        assertEquals(Distribution.GAUSSIAN, gaussian.model().distribution());
        assertEquals(4, gaussian.model().outputs());
        assertEquals("gaussian", gaussian.resolved().get("model.distribution"));
        TrainConfig t = read("model:\n  distribution: student-t\n");
        assertEquals(Distribution.STUDENT_T, t.model().distribution());
        assertEquals(6, t.model().outputs());
    }

    @Test
    void aValueOutsideTheSetNamesKeyValueFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> read("model:\n  lstm:\n    hidden-units: [8]\n"
                + "  distribution: laplace\n"));
        assertEquals("model.distribution must be one of point, gaussian, student-t, found laplace (configs/x.yaml line 7)",
                e.getMessage());
    }
}
