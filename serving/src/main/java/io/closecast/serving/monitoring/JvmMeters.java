package io.closecast.serving.monitoring;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The JVM's memory, threads, GC and uptime under snake_case Prometheus names ({@code jvm_memory_used_bytes{area}},
 * {@code jvm_threads_live}, {@code jvm_gc_collections_total{gc}}, {@code jvm_gc_collection_seconds{gc}},
 * {@code process_uptime_seconds}, {@code system_load_average_1m}), in place of helidon-metrics-system-meters, whose
 * names ({@code memory_usedHeap_bytes}, {@code thread_count}) {@code promtool check metrics} refuses.
 */
final class JvmMeters {

    private JvmMeters() {
    }

    /** Registers the meters once per registry (a second call finds them there). */
    static void register(MeterRegistry registry) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory("jvm_memory_used_bytes", "Memory in use", registry, memory, MemoryUsage::getUsed);
        memory("jvm_memory_committed_bytes", "Memory committed by the JVM", registry, memory, MemoryUsage::getCommitted);
        memory("jvm_memory_max_bytes", "Most memory the JVM may use (-1: undefined)", registry, memory, MemoryUsage::getMax);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge(registry, "jvm_threads_live", "Live platform threads (virtual threads are not counted)", List.of(),
                threads::getThreadCount);
        gauge(registry, "jvm_threads_daemon", "Live daemon platform threads", List.of(), threads::getDaemonThreadCount);
        gauge(registry, "jvm_threads_peak", "Most live platform threads since start", List.of(), threads::getPeakThreadCount);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            List<Tag> tags = List.of(Tag.create("gc", gc.getName()));
            registry.getOrCreate(FunctionalCounter.builder("jvm_gc_collections", gc,
                            (Function<GarbageCollectorMXBean, Long>) b -> Math.max(0, b.getCollectionCount()))
                    .description("Collections by this collector since start")
                    .tags(tags));
            gauge(registry, "jvm_gc_collection_seconds", "Time spent in collections by this collector since start "
                    + "(cumulative)", tags, () -> Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
        gauge(registry, "process_uptime_seconds", "Seconds since the JVM started", List.of(),
                () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        gauge(registry, "system_load_average_1m", "The system load average over the last minute (-1: unavailable)",
                List.of(), () -> ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        gauge(registry, "system_cpus", "Processors available to the JVM", List.of(),
                () -> Runtime.getRuntime().availableProcessors());
    }

    private static void memory(String name, String what, MeterRegistry registry, MemoryMXBean memory,
                               Function<MemoryUsage, Long> value) {
        gauge(registry, name, what + " (heap or nonheap)", List.of(Tag.create("area", "heap")),
                () -> value.apply(memory.getHeapMemoryUsage()));
        gauge(registry, name, what + " (heap or nonheap)", List.of(Tag.create("area", "nonheap")),
                () -> value.apply(memory.getNonHeapMemoryUsage()));
    }

    private static void gauge(MeterRegistry registry, String name, String description, List<Tag> tags,
                              Supplier<? extends Number> value) {
        registry.getOrCreate(Gauge.builder(name, () -> value.get().doubleValue()).description(description).tags(tags));
    }
}
