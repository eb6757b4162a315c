package io.closecast.pipeline.sweep;

import io.closecast.pipeline.sweep.spi.TrialStatus;
import io.closecast.pipeline.sweep.spi.TrialResult;
import io.closecast.pipeline.config.YamlConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.closecast.model.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {

    @Test
    void trialsCsvKeepsCommasQuotesAndLineBreaksOfListValuesAndNotes(@TempDir Path dir) throws Exception {
        SweepSpec spec = SweepSpec.read(YamlConfig.parse("""
                sweep:
                  metric: best_val_loss
                  space:
                    model.lstm.hidden-units: [[32], [32, 32]]
                """, "s.yaml").root());
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("model.lstm.hidden-units", List.of(32, 32));
        String note = "failed: \"model.dropout\" must be < 1, found 1.5\nat epoch 2";
        List<TrialResult> rows = List.of(
                new TrialResult("MSFT", 0, "run-a", TrialStatus.FAILED, point, Optional.empty(), note),
                new TrialResult("MSFT", 1, "run-b", TrialStatus.FINISHED, Map.of("model.lstm.hidden-units", List.of(32)),
                        Optional.of(0.25), ""));
        SweepReport.writeSummary(dir, spec, rows);
        List<List<String>> read = Csv.read(Files.readString(dir.resolve("trials.csv"), StandardCharsets.UTF_8));
        assertEquals(List.of(
                List.of("trial", "run_id", "status", "best_val_loss", "model.lstm.hidden-units", "note"),
                List.of("0", "run-a", TrialStatus.FAILED.key(), "", "[32, 32]", note),
                List.of("1", "run-b", TrialStatus.FINISHED.key(), "0.25", "[32]", "")), read);
    }
}
