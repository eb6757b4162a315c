package io.closecast.serving.adaptive;

import io.closecast.serving.ServingException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The adaptive intervals' state in one small JSON file ({@value #FILE} under {@code track.dir}) when the service has
 * no forecast log database ({@code track.enabled: false}): {@code {"states": [{"model", "version", "levels",
 * "alphas", "updates", "last_outcome"}, ...]}}, rewritten whole on every save (a temporary file moved over it, so a
 * crash leaves the old or the new file, never half of one). One process per file.
 */
public final class FileAlphaStore implements AlphaStore {

    /** The file's name in its directory. */
    public static final String FILE = "adaptive-intervals.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Saved> states = new LinkedHashMap<>();

    private FileAlphaStore(Path file) {
        this.file = file;
    }

    /**
     * The store in {@code dir} (created when missing), its file read now if it exists.
     *
     * @throws ServingException when the file exists but is not such JSON, or the directory cannot be created
     */
    public static FileAlphaStore open(Path dir) {
        FileAlphaStore store = new FileAlphaStore(dir.resolve(FILE));
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(store.file)) {
                JsonNode root = JSON.readTree(store.file.toFile());
                JsonNode list = root == null ? null : root.get("states");
                if (list == null || !list.isArray()) {
                    throw new ServingException(store.file + ": expected {\"states\": [...]}, found " + root);
                }
                for (JsonNode s : list) {
                    Saved saved = read(s, store.file);
                    store.states.put(key(saved.model(), saved.version()), saved);
                }
            }
        } catch (IOException e) {
            throw new ServingException("adaptive interval state " + store.file + ": cannot read: " + e.getMessage(), e);
        }
        return store;
    }

    private static Saved read(JsonNode s, Path file) {
        try {
            List<Double> levels = new ArrayList<>();
            s.get("levels").forEach(n -> levels.add(n.asDouble()));
            List<Double> alphas = new ArrayList<>();
            s.get("alphas").forEach(n -> alphas.add(n.asDouble()));
            JsonNode last = s.get("last_outcome");
            return new Saved(s.get("model").asText(), s.get("version").asText(), levels, alphas, s.get("updates").asLong(),
                    last == null || last.isNull() ? Optional.empty() : Optional.of(LocalDate.parse(last.asText())));
        } catch (RuntimeException e) {
            throw new ServingException(file + ": expected states of {model, version, levels, alphas, updates, last_outcome},"
                    + " found " + s + " (" + e.getMessage() + ")", e);
        }
    }

    private static String key(String model, String version) {
        return model + "\u0000" + version;
    }

    @Override
    public synchronized Optional<Saved> load(String model, String version) {
        return Optional.ofNullable(states.get(key(model, version)));
    }

    @Override
    public synchronized void save(Saved saved) {
        states.put(key(saved.model(), saved.version()), saved);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("states");
        for (Saved s : states.values()) {
            ObjectNode n = list.addObject();
            n.put("model", s.model());
            n.put("version", s.version());
            s.levels().forEach(n.putArray("levels")::add);
            s.alphas().forEach(n.putArray("alphas")::add);
            n.put("updates", s.updates());
            if (s.lastOutcome().isPresent()) {
                n.put("last_outcome", s.lastOutcome().get().toString());
            } else {
                n.putNull("last_outcome");
            }
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ServingException("adaptive interval state " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
