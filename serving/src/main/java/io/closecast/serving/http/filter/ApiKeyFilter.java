package io.closecast.serving.http.filter;

import io.closecast.serving.http.support.ApiError;
import io.closecast.serving.http.support.Responses;
import io.closecast.serving.security.ApiKeys;

import java.util.Optional;
import java.util.Set;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Requires an API key ({@code X-API-Key: KEY} or {@code Authorization: Bearer KEY}) on every path except the open
 * ones: 401 without a key, 403 with a wrong one. Does nothing when no keys are configured. The admin routes
 * ({@code /v1/keys}, {@code /v1/keys/*}, and {@code POST /v1/prices} where keys are configured) take only an admin key: a prediction key gets 403, and without any admin key
 * configured they are refused to everyone.
 */
public final class ApiKeyFilter implements Filter {

    static final HeaderName API_KEY = HeaderNames.create("X-API-Key");

    private final ApiKeys keys;
    private final Set<String> openPaths;
    private final Set<String> openPrefixes;

    /**
     * @param openPaths    exact paths served without a key
     * @param openPrefixes path prefixes served without a key (e.g. {@code /assets/})
     */
    public ApiKeyFilter(ApiKeys keys, Set<String> openPaths, Set<String> openPrefixes) {
        this.keys = keys;
        this.openPaths = Set.copyOf(openPaths);
        this.openPrefixes = Set.copyOf(openPrefixes);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (isAdminPath(path) && adminMethod(path, req.prologue().method().text())) {
            admin(chain, req, res);
            return;
        }
        if (isPricePush(path, req.prologue().method().text()) && (keys.enabled() || keys.adminEnabled())) {
            admin(chain, req, res);
            return;
        }
        if (!keys.enabled() || isOpen(path)) {
            chain.proceed();
            return;
        }
        switch (keys.check(presented(req))) {
            case ACCEPTED, ADMIN -> chain.proceed();
            case MISSING -> {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                Responses.error(req, res, 401, ApiError.create("unauthenticated",
                        "X-API-Key: expected an API key in X-API-Key or Authorization: Bearer, found none"));
            }
            case REJECTED -> Responses.error(req, res, 403, ApiError.create("forbidden",
                    "X-API-Key: expected one of the configured API keys, found a key that is not one"));
        }
    }

    /** Whether {@code path} is an admin route (key management). */
    public static boolean isAdminPath(String path) {
        return path.equals("/v1/keys") || path.startsWith("/v1/keys/");
    }

    /**
     * Whether the request pushes realised prices ({@code POST /v1/prices}): where keys are configured, only an admin
     * key may, since pushed closes score every logged forecast; where none are, it is open like every route.
     *
     * @param path   the request's path
     * @param method the request's method
     * @return whether it is a price push
     */
    public static boolean isPricePush(String path, String method) {
        return path.equals("/v1/prices") && method.equals("POST");
    }

    /** Whether the admin route serves the method (any other is answered 405 to any accepted key, as elsewhere). */
    private static boolean adminMethod(String path, String method) {
        return path.equals("/v1/keys") ? method.equals("GET") || method.equals("POST") : method.equals("DELETE");
    }

    private void admin(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!keys.adminEnabled()) {
            Responses.error(req, res, 403, ApiError.create("forbidden",
                    "X-API-Key: expected an admin key, but none is configured (security.admin-keys, CLOSECAST_ADMIN_KEYS)"));
            return;
        }
        switch (keys.check(presented(req))) {
            case ADMIN -> chain.proceed();
            case MISSING -> {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                Responses.error(req, res, 401, ApiError.create("unauthenticated",
                        "X-API-Key: expected an admin key in X-API-Key or Authorization: Bearer, found none"));
            }
            case ACCEPTED -> Responses.error(req, res, 403, ApiError.create("forbidden",
                    "X-API-Key: expected an admin key (security.admin-keys), found a prediction key"));
            case REJECTED -> Responses.error(req, res, 403, ApiError.create("forbidden",
                    "X-API-Key: expected an admin key (security.admin-keys), found a key that is not one"));
        }
    }

    private boolean isOpen(String path) {
        if (openPaths.contains(path)) {
            return true;
        }
        for (String p : openPrefixes) {
            if (path.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The key a request presents, if any. */
    public static Optional<String> presented(io.helidon.webserver.http.ServerRequest req) {
        Optional<String> key = req.headers().first(API_KEY);
        if (key.isPresent()) {
            return key;
        }
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(a -> a.substring(7).strip());
    }
}
