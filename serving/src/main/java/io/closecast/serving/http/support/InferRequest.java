package io.closecast.serving.http.support;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An Open Inference Protocol (KServe v2) infer request for a closecast model, decoded and checked: one input tensor
 * {@code closes} of datatype {@code FP64} or {@code FP32} and shape {@code [n]} (one history) or {@code [batch, n]}
 * ({@code batch} histories), {@code n} at least the model's window length (the last window of each is used), its
 * {@code data} as JSON (flat in row-major order, or nested as the shape) or as raw little-endian bytes after the JSON
 * (the binary tensor extension: the input's {@code parameters.binary_data_size} and the request header
 * {@code Inference-Header-Content-Length}). Request {@code parameters}: {@code horizon} (1..max horizon, default 1),
 * {@code intervals} (true: also the interval outputs); the client hints {@code binary_data_output}, {@code priority}
 * and {@code timeout} are accepted and ignored; anything else is refused by name.
 *
 * @param id        the request's id, echoed in the answer
 * @param windows   the last window of each history, in batch order
 * @param batched   whether the input had a batch dimension (the outputs then have one too)
 * @param horizon   how many closes to forecast
 * @param outputs   the outputs to answer, in {@link #OUTPUTS} order
 */
public record InferRequest(Optional<String> id, List<double[]> windows, boolean batched, int horizon, List<String> outputs) {

    /** The input tensor's name. */
    public static final String INPUT = "closes";
    /** Every output a closecast model answers: the forecast, then the interval levels and their bounds. */
    public static final List<String> OUTPUTS = List.of("forecast", "levels", "lower", "upper");
    /** At most this many histories in one request. */
    public static final int MAX_BATCH = 1024;

    private static final Set<String> FIELDS = Set.of("id", "parameters", "inputs", "outputs");
    private static final Set<String> IGNORED_PARAMETERS = Set.of("binary_data_output", "priority", "timeout");

    public InferRequest {
        id = java.util.Objects.requireNonNull(id, "id");
        windows = List.copyOf(windows);
        outputs = List.copyOf(outputs);
    }

    /** Whether the interval outputs were asked for. */
    public boolean intervals() {
        return outputs.stream().anyMatch(o -> !o.equals(OUTPUTS.getFirst()));
    }

    /**
     * Decodes a request body.
     *
     * @param jsonLength   the {@code Inference-Header-Content-Length} header: the JSON's length when binary data follows
     * @param windowLength the model's window length
     * @param maxHorizon   the model's largest horizon
     */
    public static InferRequest parse(byte[] body, OptionalInt jsonLength, int windowLength, int maxHorizon) {
        int json = jsonLength.orElse(body.length);
        if (json < 0 || json > body.length) {
            throw ApiException.badField("Inference-Header-Content-Length", "expected the JSON's length, 0.." + body.length
                    + " (the body's), found " + json);
        }
        JsonNode root = JsonText.requireObject(JsonText.parseAllowingNonFinite(body, json));
        Inputs.onlyFields(root, FIELDS, "an infer request");
        Optional<String> id = Optional.empty();
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual()) {
                throw ApiException.badField("id", "expected a string, found " + JsonText.describe(idNode));
            }
            id = Optional.of(idNode.asText());
        }
        JsonNode params = root.get("parameters");
        int horizon = 1;
        boolean intervals = false;
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw ApiException.badField("parameters", "expected an object such as {\"horizon\": 5, \"intervals\": true}, found "
                        + JsonText.describe(params));
            }
            for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.equals("horizon") && !key.equals("intervals") && !IGNORED_PARAMETERS.contains(key)) {
                    throw ApiException.badField("parameters." + key, "expected only parameters horizon and intervals (and the "
                            + "client hints " + new java.util.TreeSet<>(IGNORED_PARAMETERS) + "), found unknown parameter "
                            + JsonText.abbreviate(key));
                }
            }
            hint(params.get("binary_data_output"), "parameters.binary_data_output", true);
            hint(params.get("priority"), "parameters.priority", false);
            hint(params.get("timeout"), "parameters.timeout", false);
            horizon = Inputs.horizon(params.get("horizon"), "parameters.horizon", maxHorizon);
            JsonNode asked = params.get("intervals");
            if (asked != null && !asked.isBoolean()) {
                throw ApiException.badField("parameters.intervals", "expected true or false, found " + JsonText.describe(asked));
            }
            intervals = asked != null && asked.asBoolean();
        }
        List<String> outputs = outputs(root.get("outputs"), intervals);
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw ApiException.badField("inputs", "expected an array of one tensor {\"name\": \"" + INPUT
                    + "\", \"datatype\": \"FP64\", \"shape\": [n], \"data\": [...]}, found " + JsonText.describe(inputs));
        }
        Tensor tensor = tensor(inputs.get(0), windowLength);
        ByteBuffer binary = ByteBuffer.wrap(body, json, body.length - json).slice().order(ByteOrder.LITTLE_ENDIAN);
        double[] values = tensor.binarySize().isPresent() ? binary(tensor, binary) : json(tensor);
        if (tensor.binarySize().isEmpty() && binary.hasRemaining()) {
            throw ApiException.badField("inputs[0].parameters.binary_data_size", "expected it for the " + binary.remaining()
                    + " bytes after the JSON, found none");
        }
        int n = tensor.columns();
        List<double[]> windows = new ArrayList<>(tensor.rows());
        for (int r = 0; r < tensor.rows(); r++) {
            double[] window = new double[windowLength];
            for (int i = 0; i < n; i++) {
                double v = values[r * n + i];
                if (!(v >= Inputs.MIN_PRICE && v <= Inputs.MAX_PRICE)) {
                    Inputs.price(v, Double.toString(v), "inputs[0].data[" + (r * n + i) + "]"
                            + (tensor.batched() ? " (history " + r + ", close " + i + ")" : ""));
                }
                if (i >= n - windowLength) {
                    window[i - (n - windowLength)] = v;
                }
            }
            windows.add(window);
        }
        return new InferRequest(id, windows, tensor.batched(), horizon, outputs);
    }

    /** A client hint that is ignored, checked for its type all the same: a boolean, or an integer &gt;= 0. */
    private static void hint(JsonNode value, String field, boolean bool) {
        if (value != null && (bool ? !value.isBoolean() : !(value.isIntegralNumber() && value.asLong() >= 0))) {
            throw ApiException.badField(field, "expected " + (bool ? "true or false" : "an integer >= 0") + ", found "
                    + JsonText.describe(value));
        }
    }

    /** The input tensor's header. */
    private record Tensor(JsonNode node, boolean fp32, boolean batched, int rows, int columns, OptionalInt binarySize) {
    }

    private static Tensor tensor(JsonNode t, int windowLength) {
        if (!t.isObject()) {
            throw ApiException.badField("inputs[0]", "expected a tensor object, found " + JsonText.describe(t));
        }
        Inputs.onlyFields(t, Set.of("name", "datatype", "shape", "parameters", "data"), "inputs[0]");
        JsonNode name = t.get("name");
        if (name == null || !name.isTextual() || !name.asText().equals(INPUT)) {
            throw ApiException.badField("inputs[0].name", "expected \"" + INPUT + "\" (the model's one input), found "
                    + JsonText.describe(name));
        }
        JsonNode type = t.get("datatype");
        if (type == null || !type.isTextual() || !(type.asText().equals("FP64") || type.asText().equals("FP32"))) {
            throw ApiException.badField("inputs[0].datatype", "expected FP64 or FP32, found " + JsonText.describe(type));
        }
        JsonNode shape = t.get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty() || shape.size() > 2) {
            throw ApiException.badField("inputs[0].shape", "expected [n] (one history of n >= " + windowLength
                    + " closes) or [batch, n], found " + JsonText.describe(shape));
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 1) {
                throw ApiException.badField("inputs[0].shape[" + i + "]", "expected an integer >= 1, found " + JsonText.describe(d));
            }
            dims[i] = d.asLong();
        }
        boolean batched = dims.length == 2;
        long rows = batched ? dims[0] : 1;
        long n = dims[dims.length - 1];
        if (rows > MAX_BATCH) {
            throw ApiException.badField("inputs[0].shape[0]", "expected at most " + MAX_BATCH + " histories, found " + rows);
        }
        if (n < windowLength) {
            throw ApiException.badField("inputs[0].shape[" + (dims.length - 1) + "]", "expected at least " + windowLength
                    + " closes (the model's window length), found " + n);
        }
        if (n > Integer.MAX_VALUE / 8 / rows) {
            throw ApiException.badField("inputs[0].shape", "expected a tensor that fits the body limit, found " + shape);
        }
        OptionalInt binarySize = OptionalInt.empty();
        JsonNode params = t.get("parameters");
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw ApiException.badField("inputs[0].parameters", "expected an object, found " + JsonText.describe(params));
            }
            Inputs.onlyFields(params, Set.of("binary_data_size"), "inputs[0].parameters");
            JsonNode size = params.get("binary_data_size");
            if (size != null) {
                if (!size.isIntegralNumber() || size.asLong() < 0 || size.asLong() > Integer.MAX_VALUE) {
                    throw ApiException.badField("inputs[0].parameters.binary_data_size", "expected a byte count, found "
                            + JsonText.describe(size));
                }
                binarySize = OptionalInt.of(size.asInt());
            }
        }
        JsonNode data = t.get("data");
        if (binarySize.isPresent() && data != null) {
            throw ApiException.badField("inputs[0].data", "expected no data with parameters.binary_data_size (the data follows the JSON), found "
                    + JsonText.describe(data));
        }
        if (binarySize.isEmpty() && (data == null || !data.isArray())) {
            throw ApiException.badField("inputs[0].data", "expected an array of " + rows * n + " numbers, found " + JsonText.describe(data));
        }
        return new Tensor(t, type.asText().equals("FP32"), batched, (int) rows, (int) n, binarySize);
    }

    private static double[] json(Tensor tensor) {
        JsonNode data = tensor.node().get("data");
        int count = tensor.rows() * tensor.columns();
        boolean nested = data.size() > 0 && data.get(0).isArray();
        double[] out = new double[count];
        if (!nested) {
            if (data.size() != count) {
                throw ApiException.badField("inputs[0].data", "expected " + count + " numbers (the shape's "
                        + shape(tensor) + "), found " + data.size());
            }
            for (int i = 0; i < count; i++) {
                out[i] = number(data.get(i), "inputs[0].data[" + i + "]");
            }
            return out;
        }
        if (!tensor.batched() || data.size() != tensor.rows()) {
            throw ApiException.badField("inputs[0].data", "expected " + (tensor.batched() ? tensor.rows() + " rows" : count
                    + " numbers") + " (the shape's " + shape(tensor) + "), found " + JsonText.describe(data));
        }
        for (int r = 0; r < tensor.rows(); r++) {
            JsonNode row = data.get(r);
            if (!row.isArray() || row.size() != tensor.columns()) {
                throw ApiException.badField("inputs[0].data[" + r + "]", "expected " + tensor.columns() + " numbers (the shape's "
                        + shape(tensor) + "), found " + JsonText.describe(row));
            }
            for (int i = 0; i < tensor.columns(); i++) {
                out[r * tensor.columns() + i] = number(row.get(i), "inputs[0].data[" + r + "][" + i + "]");
            }
        }
        return out;
    }

    private static double number(JsonNode n, String field) {
        if (n == null || !n.isNumber()) {
            throw ApiException.badField(field, "expected a number > 0, found " + JsonText.describe(n));
        }
        // FP32 values written as JSON numbers are read as written (a cast could turn a tiny price into 0)
        return n.doubleValue();
    }

    private static double[] binary(Tensor tensor, ByteBuffer binary) {
        int count = tensor.rows() * tensor.columns();
        int expected = count * (tensor.fp32() ? Float.BYTES : Double.BYTES);
        int size = tensor.binarySize().getAsInt();
        if (size != expected) {
            throw ApiException.badField("inputs[0].parameters.binary_data_size", "expected " + expected + " bytes ("
                    + count + " " + (tensor.fp32() ? "FP32" : "FP64") + " values, the shape's " + shape(tensor) + "), found " + size);
        }
        if (binary.remaining() != size) {
            throw ApiException.badField("inputs[0].parameters.binary_data_size", "expected the " + size
                    + " bytes it declares after the JSON (Inference-Header-Content-Length), found " + binary.remaining());
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = tensor.fp32() ? binary.getFloat() : binary.getDouble();
        }
        return out;
    }

    private static String shape(Tensor tensor) {
        return tensor.batched() ? "[" + tensor.rows() + ", " + tensor.columns() + "]" : "[" + tensor.columns() + "]";
    }

    /** The outputs asked for ({@code outputs[].name}), in {@link #OUTPUTS} order; all of them when none is named. */
    private static List<String> outputs(JsonNode outputs, boolean intervals) {
        if (outputs == null || outputs.isNull()) {
            return intervals ? OUTPUTS : List.of(OUTPUTS.getFirst());
        }
        if (!outputs.isArray() || outputs.isEmpty()) {
            throw ApiException.badField("outputs", "expected an array of {\"name\": one of " + OUTPUTS + "}, found "
                    + JsonText.describe(outputs));
        }
        Set<String> asked = new LinkedHashSet<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode o = outputs.get(i);
            String field = "outputs[" + i + "]";
            if (!o.isObject()) {
                throw ApiException.badField(field, "expected {\"name\": one of " + OUTPUTS + "}, found " + JsonText.describe(o));
            }
            Inputs.onlyFields(o, Set.of("name", "parameters"), field);
            JsonNode name = o.get("name");
            if (name == null || !name.isTextual() || !OUTPUTS.contains(name.asText())) {
                throw ApiException.badField(field + ".name", "expected one of " + OUTPUTS + ", found " + JsonText.describe(name));
            }
            JsonNode params = o.get("parameters");
            if (params != null && !params.isNull()) {
                if (!params.isObject()) {
                    throw ApiException.badField(field + ".parameters", "expected an object, found " + JsonText.describe(params));
                }
                Inputs.onlyFields(params, Set.of("binary_data"), field + ".parameters"); // a hint: the answer is JSON
                hint(params.get("binary_data"), field + ".parameters.binary_data", true);
            }
            asked.add(name.asText()); // an output named twice is answered once
        }
        return OUTPUTS.stream().filter(asked::contains).toList();
    }
}
