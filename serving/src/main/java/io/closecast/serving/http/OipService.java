package io.closecast.serving.http;

import io.closecast.serving.http.support.ApiException;
import io.closecast.serving.http.support.Bodies;
import io.closecast.serving.http.support.InferRequest;
import io.closecast.serving.http.support.JsonText;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.VersionLease;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.intervals.ForecastInterval;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.HttpService;

/**
 * The Open Inference Protocol (KServe v2; what KServe, Triton, Seldon MLServer and djl-serving speak) over the served
 * models: {@code GET /v2/health/live}, {@code GET /v2/health/ready}, {@code GET /v2} (server metadata),
 * {@code GET /v2/models/{name}} (model metadata), {@code GET /v2/models/{name}/ready} and
 * {@code POST /v2/models/{name}/infer}, each also under {@code /v2/models/{name}/versions/{version}} for the serving
 * version. The request is {@link InferRequest}; the answer's outputs are {@code forecast} (FP64, shape {@code [h]} or
 * {@code [batch, h]}) and, when asked for, {@code levels} ({@code [L]}), {@code lower} and {@code upper}
 * ({@code [L, h]} or {@code [batch, L, h]}), flat in row-major order. Errors are the protocol's {@code {"error": "..."}}
 * ({@link Responses#error(ServerRequest, ServerResponse, int, io.closecast.serving.http.support.ApiError)}).
 */
public final class OipService implements HttpService {

    /** The binary tensor extension's header: the length of the JSON that binary tensor data follows. */
    static final HeaderName JSON_LENGTH = HeaderNames.create("Inference-Header-Content-Length");
    private static final String PLATFORM = "closecast_lstm";

    private final ModelFleet models;
    private final long maxBodyBytes;

    public OipService(ModelFleet models, long maxBodyBytes) {
        this.models = models;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v2/health/live", this::live)
                .any("/v2/health/live", OipService::onlyGet)
                .get("/v2/health/ready", this::ready)
                .any("/v2/health/ready", OipService::onlyGet)
                .get("/v2", this::server)
                .any("/v2", OipService::onlyGet)
                .get("/v2/models/{name}", this::metadata)
                .any("/v2/models/{name}", OipService::onlyGet)
                .get("/v2/models/{name}/versions/{version}", this::metadata)
                .any("/v2/models/{name}/versions/{version}", OipService::onlyGet)
                .get("/v2/models/{name}/ready", this::modelReady)
                .any("/v2/models/{name}/ready", OipService::onlyGet)
                .get("/v2/models/{name}/versions/{version}/ready", this::modelReady)
                .any("/v2/models/{name}/versions/{version}/ready", OipService::onlyGet)
                .post("/v2/models/{name}/infer", this::infer)
                .any("/v2/models/{name}/infer", OipService::onlyPost)
                .post("/v2/models/{name}/versions/{version}/infer", this::infer)
                .any("/v2/models/{name}/versions/{version}/infer", OipService::onlyPost);
    }

    private static void onlyGet(ServerRequest req, ServerResponse res) {
        Responses.methodNotAllowed(req, res, "GET");
    }

    private static void onlyPost(ServerRequest req, ServerResponse res) {
        Responses.methodNotAllowed(req, res, "POST");
    }

    private void live(ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, "{\"live\":true}");
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean ready = models.ready();
        Responses.json(res, ready ? 200 : 503, "{\"ready\":" + ready + "}");
    }

    private void server(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(64);
        sb.append("{\"name\":\"closecast\",\"version\":");
        JsonText.quote(sb, HealthService.VERSION);
        sb.append(",\"extensions\":[\"binary_tensor_data\"]}");
        Responses.json(res, 200, sb);
    }

    private void modelReady(ServerRequest req, ServerResponse res) {
        ModelManager manager = ModelPaths.named(models, req);
        Optional<ModelInfo> serving = manager.status().serving();
        if (serving.isPresent() && !versionMatches(req, serving.get())) {
            throw notServed(req, manager.name(), serving.get().version());
        }
        boolean ready = serving.isPresent();
        StringBuilder sb = new StringBuilder(64).append("{\"name\":");
        JsonText.quote(sb, manager.name());
        sb.append(",\"ready\":").append(ready).append('}');
        Responses.json(res, ready ? 200 : 503, sb);
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        try (VersionLease lease = lease(req)) {
            ModelInfo info = lease.info();
            StringBuilder sb = new StringBuilder(512).append("{\"name\":");
            JsonText.quote(sb, info.name());
            sb.append(",\"versions\":[");
            JsonText.quote(sb, info.version());
            sb.append("],\"platform\":\"").append(PLATFORM).append("\",\"inputs\":[");
            tensor(sb, InferRequest.INPUT, "[-1,-1]");
            sb.append("],\"outputs\":[");
            tensor(sb, "forecast", "[-1,-1]");
            sb.append(',');
            tensor(sb, "levels", "[-1]");
            sb.append(',');
            tensor(sb, "lower", "[-1,-1,-1]");
            sb.append(',');
            tensor(sb, "upper", "[-1,-1,-1]");
            sb.append("],\"parameters\":{\"window_length\":").append(info.windowLength())
                    .append(",\"max_horizon\":").append(info.maxHorizon()).append(",\"price_column\":");
            JsonText.quote(sb, info.priceColumn());
            sb.append("}}");
            Responses.json(res, 200, sb);
        }
    }

    private static void tensor(StringBuilder sb, String name, String shape) {
        sb.append("{\"name\":\"").append(name).append("\",\"datatype\":\"FP64\",\"shape\":").append(shape).append('}');
    }

    private void infer(ServerRequest req, ServerResponse res) {
        // Triton's and KServe's clients send no Content-Type; a declared one must be JSON, or binary tensor data
        if (req.headers().contains(HeaderNames.CONTENT_TYPE)) {
            Bodies.requireType(req, "application/json", "application/octet-stream");
        }
        OptionalInt jsonLength = jsonLength(req);
        byte[] body = Bodies.read(req, maxBodyBytes);
        try (VersionLease lease = lease(req)) {
            ModelInfo info = lease.info();
            InferRequest infer = InferRequest.parse(body, jsonLength, info.windowLength(), info.maxHorizon());
            List<ForecastModel.Forecast> forecasts = new ArrayList<>(infer.windows().size());
            for (double[] window : infer.windows()) {
                forecasts.add(infer.intervals()
                        ? PredictService.forecastWithIntervals(lease, window, infer.horizon())
                        : new ForecastModel.Forecast(PredictService.forecast(lease, window, infer.horizon()), List.of()));
            }
            lease.meters().predictions(forecasts.size());
            res.header(Responses.MODEL_VERSION, info.version());
            res.header(Responses.CLOSES_USED, Integer.toString(info.windowLength()));
            Responses.json(res, 200, answer(info, infer, forecasts));
        }
    }

    private static OptionalInt jsonLength(ServerRequest req) {
        if (!req.headers().contains(JSON_LENGTH)) {
            return OptionalInt.empty();
        }
        String text = req.headers().get(JSON_LENGTH).get();
        try {
            return OptionalInt.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            throw ApiException.badField(JSON_LENGTH.defaultCase(), "expected the JSON's length in bytes, found "
                    + JsonText.abbreviate(text));
        }
    }

    private static StringBuilder answer(ModelInfo info, InferRequest infer, List<ForecastModel.Forecast> forecasts) {
        int h = infer.horizon();
        int batch = forecasts.size();
        List<ForecastInterval> first = forecasts.getFirst().intervals();
        StringBuilder sb = new StringBuilder(256 + batch * h * 24 * (1 + 2 * first.size()));
        sb.append("{\"model_name\":");
        JsonText.quote(sb, info.name());
        sb.append(",\"model_version\":");
        JsonText.quote(sb, info.version());
        if (infer.id().isPresent()) {
            sb.append(",\"id\":");
            JsonText.quote(sb, infer.id().get());
        }
        sb.append(",\"parameters\":{\"horizon\":").append(h).append(",\"closes_used\":").append(info.windowLength())
                .append("},\"outputs\":[");
        String rows = infer.batched() ? batch + "," : "";
        boolean comma = false;
        for (String name : infer.outputs()) {
            if (comma) {
                sb.append(',');
            }
            comma = true;
            sb.append("{\"name\":\"").append(name).append("\",\"datatype\":\"FP64\",\"shape\":[");
            switch (name) {
                case "forecast" -> {
                    sb.append(rows).append(h).append("],\"data\":[");
                    for (int b = 0; b < batch; b++) {
                        values(sb, forecasts.get(b).prices(), b > 0);
                    }
                }
                case "levels" -> {
                    sb.append(first.size()).append("],\"data\":[");
                    for (int l = 0; l < first.size(); l++) {
                        sb.append(l > 0 ? "," : "").append(first.get(l).level());
                    }
                }
                default -> {
                    sb.append(rows).append(first.size()).append(',').append(h).append("],\"data\":[");
                    boolean any = false;
                    for (ForecastModel.Forecast f : forecasts) {
                        for (ForecastInterval interval : f.intervals()) {
                            values(sb, name.equals("lower") ? interval.lower() : interval.upper(), any);
                            any = true;
                        }
                    }
                }
            }
            sb.append("]}");
        }
        return sb.append("]}");
    }

    private static void values(StringBuilder sb, double[] values, boolean comma) {
        for (int i = 0; i < values.length; i++) {
            if (comma || i > 0) {
                sb.append(',');
            }
            sb.append(values[i]);
        }
    }

    /** The model the path names, leased; 404 for another version than the serving one, 503 while none serves. */
    private VersionLease lease(ServerRequest req) {
        ModelManager manager = ModelPaths.named(models, req);
        VersionLease lease = PredictService.lease(manager);
        if (!versionMatches(req, lease.info())) {
            String serving = lease.info().version();
            lease.close();
            throw notServed(req, manager.name(), serving);
        }
        return lease;
    }

    private static ApiException notServed(ServerRequest req, String model, String serving) {
        return ApiException.create(404, "version_not_served", "version: expected " + serving + " (the version of "
                + model + " this service serves), found " + JsonText.abbreviate(req.path().pathParameters().get("version")));
    }

    private static boolean versionMatches(ServerRequest req, ModelInfo info) {
        return req.path().pathParameters().first("version").map(v -> v.equals(info.version())).orElse(true);
    }
}
