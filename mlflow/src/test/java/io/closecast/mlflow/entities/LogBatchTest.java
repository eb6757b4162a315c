package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogBatchTest {
    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    static List<Metric> metrics(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Metric("loss", i * 0.5, T0.plusMillis(i), i)).toList();
    }

    static List<Param> params(int n) {
        return IntStream.range(0, n).mapToObj(i -> Param.create("p" + i, Integer.toString(i))).toList();
    }

    static List<Tag> tags(int n) {
        return IntStream.range(0, n).mapToObj(i -> Tag.create("t" + i, "v" + i)).toList();
    }

    @Test
    void metricsSplitIntoThousands() {
        List<LogBatch> batches = LogBatch.split(metrics(2345), List.of(), List.of());
        assertEquals(List.of(1000, 1000, 345), batches.stream().map(b -> b.metrics().size()).toList());
        assertEquals(1000, batches.get(1).metrics().get(0).step());
        assertEquals(2344, batches.get(2).metrics().get(344).step());
    }

    @Test
    void paramsSplitIntoHundreds() {
        List<LogBatch> batches = LogBatch.split(List.of(), params(250), List.of());
        assertEquals(List.of(100, 100, 50), batches.stream().map(b -> b.params().size()).toList());
        assertEquals("p200", batches.get(2).params().get(0).key());
    }

    @Test
    void combinedRespectsEveryLimitAndKeepsEverythingInOrder() {
        List<Metric> metrics = metrics(2345);
        List<Param> params = params(250);
        List<Tag> tags = tags(130);
        List<LogBatch> batches = LogBatch.split(metrics, params, tags);
        List<Metric> seenMetrics = new ArrayList<>();
        List<Param> seenParams = new ArrayList<>();
        List<Tag> seenTags = new ArrayList<>();
        for (LogBatch batch : batches) {
            assertTrue(batch.metrics().size() <= 1000, "metrics " + batch.metrics().size());
            assertTrue(batch.params().size() <= 100, "params " + batch.params().size());
            assertTrue(batch.tags().size() <= 100, "tags " + batch.tags().size());
            assertTrue(batch.size() <= 1000, "items " + batch.size());
            assertTrue(batch.size() > 0, "empty batch");
            seenMetrics.addAll(batch.metrics());
            seenParams.addAll(batch.params());
            seenTags.addAll(batch.tags());
        }
        assertEquals(metrics, seenMetrics);
        assertEquals(params, seenParams);
        assertEquals(tags, seenTags);
        // 100 params + 100 tags leave room for 800 metrics in the first request
        assertEquals(800, batches.get(0).metrics().size());
        assertEquals(3, batches.size());
    }

    @Test
    void nothingToLogMeansNoRequest() {
        assertEquals(0, LogBatch.split(List.of(), List.of(), List.of()).size());
    }

    @Test
    void oversizedBatchIsRejectedWithCounts() {
        MlflowException e = assertThrows(MlflowException.class, () -> new LogBatch(List.of(), params(101), List.of()));
        assertTrue(e.getMessage().contains("found 0 metrics, 101 params, 0 tags"), e.getMessage());
    }
}
