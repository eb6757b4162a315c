package io.closecast.serving.http.support;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Strict JSON reading (Jackson tree) and small, allocation-light JSON writing for the request path. */
public final class JsonText {

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(32)
                            .maxNumberLength(64)
                            .maxStringLength(100_000)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // jackson-core's bundled FastDoubleParser: the same doubles, ~12% of the request path less
                    // (JDK parseDouble was the largest item after the forward pass in a profile)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    /**
     * The same, and {@code NaN} / {@code Infinity} read as numbers (Python's {@code json.dumps} writes them), so the
     * value check names the element rather than the parser refusing the body.
     */
    private static final JsonMapper NON_NUMERIC = MAPPER.rebuild()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private JsonText() {
    }

    /** Parses a whole body into a tree; malformed input becomes a 400 naming the line and column. */
    public static JsonNode parse(byte[] body) {
        return parse(MAPPER, body, body.length);
    }

    /**
     * {@link #parse} of the first {@code length} bytes, with {@code NaN}, {@code Infinity} and {@code -Infinity} read
     * as numbers: for routes whose clients write them (the Open Inference Protocol's Python clients) and whose value
     * checks then name the element.
     */
    public static JsonNode parseAllowingNonFinite(byte[] body, int length) {
        return parse(NON_NUMERIC, body, length);
    }

    private static JsonNode parse(ObjectMapper mapper, byte[] body, int length) {
        if (length == 0) {
            throw ApiException.malformed("expected a JSON object, found an empty body");
        }
        try {
            JsonNode node = mapper.readTree(body, 0, length);
            if (node == null || node.isMissingNode()) {
                throw ApiException.malformed("expected a JSON object, found no JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            throw ApiException.malformed("expected well-formed JSON, found: " + firstLine(e.getOriginalMessage()) + where);
        } catch (IOException e) {
            throw ApiException.malformed("expected well-formed JSON, found unreadable input: " + firstLine(e.getMessage()));
        }
    }

    /** The object at the root, else a 400. */
    public static JsonNode requireObject(JsonNode root) {
        if (!root.isObject()) {
            throw ApiException.malformed("expected a JSON object at the top level, found " + describe(root));
        }
        return root;
    }

    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array of " + node.size();
            case OBJECT -> "an object";
            case STRING -> "the string " + abbreviate(node.asText());
            case NUMBER -> "the number " + node.asText();
            case BOOLEAN -> "the boolean " + node.asText();
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    public static String abbreviate(String s) {
        String q = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "\"" + q.replaceAll("[\\p{Cntrl}]", "?") + "\"";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    static JsonParser.NumberType numberType(JsonNode n) {
        return n.numberType();
    }

    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    public static void numbers(StringBuilder sb, double[] values) {
        sb.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(values[i]);
        }
        sb.append(']');
    }
}
