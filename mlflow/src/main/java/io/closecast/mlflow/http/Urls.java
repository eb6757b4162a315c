package io.closecast.mlflow.http;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The spelling of request URLs: encoded paths and query strings, and which redirects stay on the server's origin. */
public final class Urls {
    private Urls() {
    }

    /** Whether two URIs share scheme, host and port (the default port when none is given). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** {@code ?k=v&k=w...} with every key and value encoded, "" for no parameters. */
    static String queryString(Map<String, List<String>> query) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            for (String value : entry.getValue()) {
                out.append(out.isEmpty() ? '?' : '&')
                        .append(encode(entry.getKey())).append('=').append(encode(value));
            }
        }
        return out.toString();
    }

    /**
     * Percent-encodes a query value or a path segment (spaces as {@code %20}).
     *
     * @param value the text
     * @return the encoded text
     */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Encodes each segment of a slash-separated path, keeping the slashes.
     *
     * @param path the path
     * @return the encoded path
     */
    public static String encodePath(String path) {
        return Arrays.stream(path.split("/", -1)).map(Urls::encode)
                .collect(Collectors.joining("/"));
    }
}
