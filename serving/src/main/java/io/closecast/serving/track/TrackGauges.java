package io.closecast.serving.track;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Prometheus gauges of the live track record, set after every scoring pass: per model, version and step
 * {@code closecast_track_mae}, {@code closecast_track_naive_mae}, {@code closecast_track_mase} (NaN while the naive
 * MAE is 0), {@code closecast_track_scored}, and per level {@code closecast_track_coverage}.
 */
final class TrackGauges {

    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

    TrackGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Sets the gauges from {@code record}. */
    void publish(TrackRecord record) {
        for (TrackRecord.Line l : record.versions()) {
            List<Tag> tags = List.of(Tag.create("model", record.model()), Tag.create("version", l.version()),
                    Tag.create("step", Integer.toString(l.step())));
            set("closecast_track_mae", "Live MAE of the scored logged forecasts (track.window days)", tags, l.mae());
            set("closecast_track_naive_mae", "Live MAE of the naive forecast on the same days", tags, l.naiveMae());
            set("closecast_track_mase", "Live MASE against naive (NaN while the naive MAE is 0)", tags, l.mase().orElse(Double.NaN));
            set("closecast_track_scored", "Scored days the live track record covers", tags, l.days());
            for (TrackRecord.LevelCoverage c : l.coverage()) {
                List<Tag> level = List.of(tags.get(0), tags.get(1), tags.get(2), Tag.create("level", Double.toString(c.level())));
                set("closecast_track_coverage", "Live share of realised closes inside the interval", level, c.coverage());
            }
            if (l.step() == 1) {
                aliases(record.model(), l);
            }
        }
    }

    /**
     * The deprecated feedback-only gauges, {@code closecast_online_*}, as aliases of step 1 of the track record (which
     * feedback now feeds): kept so dashboards and alerts written for them keep reading while they move to
     * {@code closecast_track_*}; {@code closecast_online_coverage_reports} is the days the coverage covers.
     */
    private void aliases(String model, TrackRecord.Line l) {
        List<Tag> tags = List.of(Tag.create("model", model), Tag.create("version", l.version()));
        set("closecast_online_mae", "Deprecated: closecast_track_mae{step=\"1\"}", tags, l.mae());
        set("closecast_online_naive_mae", "Deprecated: closecast_track_naive_mae{step=\"1\"}", tags, l.naiveMae());
        set("closecast_online_mase", "Deprecated: closecast_track_mase{step=\"1\"}", tags, l.mase().orElse(Double.NaN));
        for (TrackRecord.LevelCoverage c : l.coverage()) {
            List<Tag> level = List.of(tags.get(0), tags.get(1), Tag.create("level", Double.toString(c.level())));
            set("closecast_online_coverage", "Deprecated: closecast_track_coverage{step=\"1\"}", level, c.coverage());
            set("closecast_online_coverage_reports", "Deprecated: closecast_track_scored{step=\"1\"} with this level",
                    level, c.days());
        }
    }

    private void set(String name, String description, List<Tag> tags, double value) {
        values.computeIfAbsent(key(name, tags), k -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            registry.getOrCreate(Gauge.builder(name, ref::get).description(description).tags(tags));
            return ref;
        }).set(value);
    }

    private static String key(String name, List<Tag> tags) {
        StringBuilder sb = new StringBuilder(name);
        tags.forEach(t -> sb.append('|').append(t.key()).append('=').append(t.value()));
        return sb.toString();
    }
}
