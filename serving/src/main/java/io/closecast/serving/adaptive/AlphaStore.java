package io.closecast.serving.adaptive;

import io.closecast.serving.ServingException;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the adaptive intervals' state survives a restart: in the forecast log's database when there is one
 * ({@code track.jdbc.JdbcAlphaStore}, table {@code adaptive_interval}), else a JSON file under {@code track.dir}
 * ({@link FileAlphaStore}). Implementations are thread-safe; a failing store throws an unchecked exception, which
 * the caller logs (the state in memory keeps serving).
 */
public interface AlphaStore extends AutoCloseable {

    /**
     * The state of one model version.
     *
     * @param model       registered model name
     * @param version     model version
     * @param levels      nominal levels, ascending
     * @param alphas      the running miss rate of each level
     * @param updates     outcomes applied
     * @param lastOutcome the target day of the last outcome applied (none before the first)
     */
    record Saved(String model, String version, List<Double> levels, List<Double> alphas, long updates,
                 Optional<LocalDate> lastOutcome) {
        public Saved {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(version, "version");
            levels = List.copyOf(levels);
            alphas = List.copyOf(alphas);
            if (levels.size() != alphas.size()) {
                throw new ServingException("adaptive interval state of " + model + " v" + version + " needs one alpha per"
                        + " level, found " + levels.size() + " levels and " + alphas.size() + " alphas");
            }
            Objects.requireNonNull(lastOutcome, "lastOutcome");
        }
    }

    /** The saved state of one model version, if any. */
    Optional<Saved> load(String model, String version);

    /** Replaces the saved state of {@code saved}'s model version. */
    void save(Saved saved);

    /** Where the state is kept, for logs and {@code /v1/model}. */
    String describe();

    @Override
    default void close() {
    }
}
