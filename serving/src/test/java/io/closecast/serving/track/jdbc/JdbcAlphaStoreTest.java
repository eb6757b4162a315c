package io.closecast.serving.track.jdbc;

import io.closecast.serving.adaptive.AlphaStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adaptive intervals' state in the embedded forecast log's database: migrated, saved, replaced, read back. */
class JdbcAlphaStoreTest {

    @TempDir
    Path dir;

    @Test
    void savesReplacesAndReadsBackPerVersion() {
        String url = JdbcTrackStore.embeddedUrl(dir);
        AlphaStore.Saved v1 = new AlphaStore.Saved("m", "1", List.of(0.8, 0.95), List.of(0.12, 0.01), 7,
                Optional.of(LocalDate.of(2024, 6, 3)));
        try (JdbcAlphaStore store = JdbcAlphaStore.open(url, Optional.empty(), Optional.empty())) {
            assertEquals(Optional.empty(), store.load("m", "1"));
            store.save(v1);
            store.save(new AlphaStore.Saved("m", "2", List.of(0.8), List.of(0.2), 0, Optional.empty()));
            store.save(new AlphaStore.Saved("m", "1", List.of(0.8, 0.95), List.of(0.1, 0.02), 8,
                    Optional.of(LocalDate.of(2024, 6, 4))));
        }
        try (JdbcAlphaStore store = JdbcAlphaStore.open(url, Optional.empty(), Optional.empty());
             JdbcTrackStore log = JdbcTrackStore.open(url, Optional.empty(), Optional.empty())) {
            AlphaStore.Saved back = store.load("m", "1").orElseThrow();
            assertEquals(List.of(0.8, 0.95), back.levels());
            assertEquals(List.of(0.1, 0.02), back.alphas(), "the later save replaced the earlier");
            assertEquals(8, back.updates());
            assertEquals(Optional.of(LocalDate.of(2024, 6, 4)), back.lastOutcome());
            assertEquals(Optional.empty(), store.load("m", "2").orElseThrow().lastOutcome());
            assertEquals(Optional.empty(), store.load("other", "1"));
            assertTrue(store.describe().contains("adaptive_interval"), store.describe());
            assertEquals(List.of(), log.symbols(), "the forecast log opens the same database at schema " + SchemaMigrations.LATEST);
        }
    }
}
