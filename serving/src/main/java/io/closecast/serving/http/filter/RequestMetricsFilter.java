package io.closecast.serving.http.filter;

import io.closecast.serving.monitoring.ServingMetrics;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/** Counts every request by route and status and records its latency ({@link ServingMetrics}). */
public final class RequestMetricsFilter implements Filter {

    private final ServingMetrics metrics;

    public RequestMetricsFilter(ServingMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String route = metrics.routeLabel(req.path().path());
        try {
            chain.proceed();
        } finally {
            metrics.request(route, res.status().code(), System.nanoTime() - start);
        }
    }
}
