package io.closecast.serving.monitoring;

import io.closecast.serving.Main;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.metrics.api.Metrics;
import org.junit.jupiter.api.Test;

/** Paths that fill a route's trailing parameter share the route's label, so symbols or asset names cannot grow the label set. */
class RouteLabelTest {

    @Test
    void templatesAndUnknownPaths() {
        ServingMetrics m = ServingMetrics.create(Metrics.globalRegistry(), Main.ROUTES);
        assertEquals("/", m.routeLabel("/"));
        assertEquals("/v1/samples", m.routeLabel("/v1/samples"));
        assertEquals("/v1/samples/{symbol}", m.routeLabel("/v1/samples/PETR4.SA"));
        assertEquals("/dashboard/{asset}", m.routeLabel("/dashboard/app.js"));
        assertEquals(ServingMetrics.OTHER_ROUTE, m.routeLabel("/v1/samples/"));
        assertEquals(ServingMetrics.OTHER_ROUTE, m.routeLabel("/v1/samples/MSFT/more"));
        assertEquals(ServingMetrics.OTHER_ROUTE, m.routeLabel("/dashboardx/app.js"));
        assertEquals("/v1/feedback/summary", m.routeLabel("/v1/feedback/summary"));
        assertEquals("/v1/models", m.routeLabel("/v1/models"));
        assertEquals("/v1/models/{name}", m.routeLabel("/v1/models/closecast-MSFT"));
        assertEquals("/v1/models/{name}/predict", m.routeLabel("/v1/models/closecast-MSFT/predict"));
        assertEquals("/v1/models/{name}/predict/csv", m.routeLabel("/v1/models/closecast-PETR4.SA/predict/csv"));
        assertEquals("/v1/models/{name}/feedback", m.routeLabel("/v1/models/closecast-MSFT/feedback"));
        assertEquals("/v1/models/{name}/feedback/summary", m.routeLabel("/v1/models/closecast-MSFT/feedback/summary"));
        assertEquals(ServingMetrics.OTHER_ROUTE, m.routeLabel("/v1/models//predict"));
        assertEquals(ServingMetrics.OTHER_ROUTE, m.routeLabel("/v1/models/x/predictx"));
        assertEquals(ServingMetrics.OTHER_ROUTE, m.routeLabel("/v1/models/x/predict/csv/more"));
    }
}
