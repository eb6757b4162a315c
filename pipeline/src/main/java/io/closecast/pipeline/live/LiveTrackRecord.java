package io.closecast.pipeline.live;

import io.closecast.pipeline.PipelineException;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A served model's live track record as the service answers it on {@code GET /v1/models/{name}/track-record}
 * (serving's {@code openapi.yaml}, schema {@code TrackRecord}): per version and horizon step the scored days, MAE,
 * MASE, direction, coverage per level and the Diebold-Mariano test against naive; and, for a model with a challenger
 * in shadow, the challenger beside the production version on the target days both were scored on.
 *
 * @param model     the registered model the service serves
 * @param window    scored days per version and step the figures cover at most ({@code track.window})
 * @param dmMinDays scored (or common) days before the service runs a Diebold-Mariano test
 * @param versions  per version and step
 * @param challenger the challenger in shadow; empty when the model has none
 */
public record LiveTrackRecord(String model, int window, int dmMinDays, List<Line> versions,
                              Optional<Challenger> challenger) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public LiveTrackRecord {
        versions = List.copyOf(versions);
    }

    /** A Diebold-Mariano test on absolute errors: a negative statistic favours the first forecast. */
    public record Dm(int days, double statistic, double pTwoSided, double pBetter) {
        /** The one-sided p-value of "the first forecast is less accurate" ({@code 1 - pBetter}). */
        public double pWorse() {
            return 1 - pBetter;
        }
    }

    /** Coverage of one interval level: days the close fell inside, of the days scored. */
    public record LevelCoverage(double level, int inside, int days) {
        public double coverage() {
            return days > 0 ? (double) inside / days : Double.NaN;
        }
    }

    /** One version at one horizon step over its latest scored days. */
    public record Line(String version, int step, int days, LocalDate first, LocalDate last, double mae,
                       double naiveMae, OptionalDouble mase, OptionalDouble directionalAccuracy,
                       OptionalDouble upDayShare, List<LevelCoverage> coverage, Optional<Dm> dm) {
        public Line {
            coverage = List.copyOf(coverage);
        }
    }

    /** The challenger beside production at one step, on the target days both were scored on. */
    public record Comparison(int step, int days, LocalDate first, LocalDate last, double productionMae,
                             double challengerMae, OptionalDouble ratio, Optional<Dm> dm) {
    }

    /**
     * The challenger in shadow: its alias, the version it serves and the production version it is compared with
     * (empty while either serves none), its condition, and the comparison per step.
     */
    public record Challenger(String alias, Optional<String> version, Optional<String> productionVersion,
                             String condition, List<Comparison> comparison) {
        public Challenger {
            comparison = List.copyOf(comparison);
        }

        public Optional<Comparison> at(int step) {
            return comparison.stream().filter(c -> c.step() == step).findFirst();
        }
    }

    /** The line of {@code version} at {@code step}, if the service scored any of its forecasts there. */
    public Optional<Line> line(String version, int step) {
        return versions.stream().filter(l -> l.version().equals(version) && l.step() == step).findFirst();
    }

    /** The steps any version has scored days at, ascending. */
    public List<Integer> steps() {
        return versions.stream().map(Line::step).distinct().sorted().toList();
    }

    /**
     * Reads the service's JSON; {@code source} (the URL it came from) names where in errors.
     *
     * @throws PipelineException when the text is not a track record (a field missing or of the wrong type)
     */
    public static LiveTrackRecord parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PipelineException("the track record from " + source + " is not JSON: " + e.getOriginalMessage());
        }
        Reader r = new Reader(source);
        if (root == null || !root.isObject()) {
            throw new PipelineException("the track record from " + source + " is not a JSON object");
        }
        List<Line> lines = new ArrayList<>();
        for (JsonNode v : r.array(root, "versions")) {
            List<LevelCoverage> coverage = new ArrayList<>();
            for (JsonNode c : r.array(v, "coverage")) {
                coverage.add(new LevelCoverage(r.number(c, "level"), r.integer(c, "inside"), r.integer(c, "days")));
            }
            lines.add(new Line(r.text(v, "version"), r.integer(v, "step"), r.integer(v, "days"), r.date(v, "first"),
                    r.date(v, "last"), r.number(v, "mae"), r.number(v, "naive_mae"), r.optional(v, "mase"),
                    r.optional(v, "directional_accuracy"), r.optional(v, "up_day_share"), coverage, r.dm(v)));
        }
        Optional<Challenger> challenger = Optional.empty();
        JsonNode c = root.get("challenger");
        if (c != null && !c.isNull()) {
            List<Comparison> comparison = new ArrayList<>();
            for (JsonNode s : r.array(c, "comparison")) {
                comparison.add(new Comparison(r.integer(s, "step"), r.integer(s, "days"), r.date(s, "first"),
                        r.date(s, "last"), r.number(s, "production_mae"), r.number(s, "challenger_mae"),
                        r.optional(s, "ratio"), r.dm(s)));
            }
            challenger = Optional.of(new Challenger(r.text(c, "alias"), r.optionalText(c, "version"),
                    r.optionalText(c, "production_version"), r.text(c, "condition"), comparison));
        }
        return new LiveTrackRecord(r.text(root, "model"), r.integer(root, "window"), r.integer(root, "dm_min_days"),
                lines, challenger);
    }

    /** Typed reads that name the field and the source when the service's answer does not have the expected shape. */
    private record Reader(String source) {
        private JsonNode field(JsonNode node, String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw bad(name, "a value", "none");
            }
            return v;
        }

        private PipelineException bad(String name, String expected, String found) {
            return new PipelineException("the track record from " + source + ": " + name + " must be " + expected
                    + ", found " + found + " (is the URL a closecast service?)");
        }

        String text(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.isTextual()) {
                throw bad(name, "a string", v.toString());
            }
            return v.asText();
        }

        Optional<String> optionalText(JsonNode node, String name) {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(text(node, name));
        }

        int integer(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw bad(name, "an integer", v.toString());
            }
            return v.asInt();
        }

        double number(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.isNumber()) {
                throw bad(name, "a number", v.toString());
            }
            return v.asDouble();
        }

        OptionalDouble optional(JsonNode node, String name) {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? OptionalDouble.empty() : OptionalDouble.of(number(node, name));
        }

        LocalDate date(JsonNode node, String name) {
            String text = text(node, name);
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw bad(name, "a date (YYYY-MM-DD)", text);
            }
        }

        Iterable<JsonNode> array(JsonNode node, String name) {
            JsonNode v = field(node, name);
            if (!v.isArray()) {
                throw bad(name, "an array", v.toString());
            }
            return v;
        }

        Optional<Dm> dm(JsonNode node) {
            JsonNode d = node.get("dm");
            if (d == null || d.isNull()) {
                return Optional.empty();
            }
            return Optional.of(new Dm(integer(d, "days"), number(d, "statistic"), number(d, "p_two_sided"),
                    number(d, "p_better")));
        }
    }
}
