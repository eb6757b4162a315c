package io.closecast.pipeline.sweep.spi;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.sweep.spi.TrialStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class LocalTrialSchedulerTest {

    /** Hands out {@code count} trials and records, for each, how many trials had ended when it was proposed. */
    private static final class CountingSource implements TrialScheduler.Source {
        final int count;
        int next;
        int ended;
        final List<Integer> endedWhenProposed = new ArrayList<>();
        final List<Integer> endOrder = new ArrayList<>();

        CountingSource(int count) {
            this.count = count;
        }

        @Override
        public Optional<TrialScheduler.Trial> next() {
            if (next == count) {
                return Optional.empty();
            }
            endedWhenProposed.add(ended);
            return Optional.of(new TrialScheduler.Trial("X", next++, Map.of("x", next)));
        }

        @Override
        public void ended(TrialResult row) {
            ended++;
            endOrder.add(row.index());
        }
    }

    private static TrialResult row(TrialScheduler.Trial t) {
        return new TrialResult(t.symbol(), t.index(), "run-" + t.index(), TrialStatus.FINISHED, t.point(),
                Optional.of((double) t.index()), "");
    }

    @Test
    void eachTrialIsProposedWhenASlotFreesSoASearchLearnsFromEveryTrialThatEndedBefore() throws Exception {
        CountingSource source = new CountingSource(6);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        List<TrialResult> rows = new LocalTrialScheduler(2).runAll(source, t -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return row(t);
        });
        assertEquals(6, rows.size());
        assertEquals(2, maxInFlight.get(), "never more trials at once than slots");
        // the first two fill the slots; each later one is proposed after one more trial ended
        assertEquals(List.of(0, 0, 1, 2, 3, 4), source.endedWhenProposed);
        assertEquals(source.endOrder, rows.stream().map(TrialResult::index).toList());
    }

    @Test
    void aCrashingRunnerFailsTheSweepNamingTheCause() {
        PipelineException e = assertThrows(PipelineException.class, () -> new LocalTrialScheduler(2)
                .runAll(new CountingSource(3), t -> {
                    throw new IllegalStateException("disk full");
                }));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    }
}
