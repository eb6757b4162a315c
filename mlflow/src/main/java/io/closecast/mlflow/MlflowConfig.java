package io.closecast.mlflow;


import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where the MLflow server is and how to talk to it.
 *
 * @param trackingUri    the server's base URI, {@code http} or {@code https} (no trailing slash needed)
 * @param credentials    none, basic or bearer
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout timeout of each request (per attempt)
 * @param retry          retry policy for connection errors, 429 and 5xx
 */
public record MlflowConfig(URI trackingUri, Credentials credentials, Duration connectTimeout,
                           Duration requestTimeout, RetryPolicy retry) {

    /** The connect timeout unless told otherwise: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The request timeout unless told otherwise: 60 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Checks the config and drops the URI's trailing slashes.
     *
     * @param trackingUri    the server's base URI, {@code http} or {@code https}, with a host, no query or fragment
     * @param credentials    none, basic or bearer
     * @param connectTimeout TCP connect timeout, {@code > 0}
     * @param requestTimeout timeout of each request, {@code > 0}
     * @param retry          retry policy
     * @throws MlflowException when a part is missing or invalid
     */
    public MlflowConfig {
        trackingUri = checkUri(Checks.notNull(trackingUri, "tracking URI"));
        Checks.notNull(credentials, "credentials");
        checkTimeout(connectTimeout, "connect-timeout");
        checkTimeout(requestTimeout, "request-timeout");
        Checks.notNull(retry, "retry");
    }

    /**
     * Defaults for everything but the URI: no credentials, 10 s connect, 60 s request, default retries.
     *
     * @param trackingUri the server's base URI
     * @return the config
     * @throws MlflowException when the URI is not an http(s) server address
     */
    public static MlflowConfig create(String trackingUri) {
        return builder().trackingUri(trackingUri).build();
    }

    /**
     * From the standard MLflow environment: {@code MLFLOW_TRACKING_URI} (required),
     * {@code MLFLOW_TRACKING_USERNAME} + {@code MLFLOW_TRACKING_PASSWORD} (basic) or {@code MLFLOW_TRACKING_TOKEN}
     * (bearer).
     *
     * @return the config
     * @throws MlflowException when {@code MLFLOW_TRACKING_URI} is unset or the credentials variables are inconsistent
     */
    public static MlflowConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Like {@link #fromEnvironment()} but reading the given variables (for tests and embedding).
     *
     * @param env the variables
     * @return the config
     * @throws MlflowException when {@code MLFLOW_TRACKING_URI} is unset or the credentials variables are inconsistent
     */
    public static MlflowConfig fromEnvironment(Map<String, String> env) {
        String uri = env.get("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            throw new MlflowException("MLFLOW_TRACKING_URI must name the MLflow server (e.g. http://127.0.0.1:5000),"
                    + " found " + (uri == null ? "it unset" : "'" + uri + "'")
                    + "; start one with registry-server/mlflow-server.sh start");
        }
        return builder().trackingUri(uri).credentials(credentialsFrom(env)).build();
    }

    static Credentials credentialsFrom(Map<String, String> env) {
        String user = env.get("MLFLOW_TRACKING_USERNAME");
        String password = env.get("MLFLOW_TRACKING_PASSWORD");
        String token = env.get("MLFLOW_TRACKING_TOKEN");
        boolean hasUser = user != null && !user.isEmpty();
        boolean hasToken = token != null && !token.isEmpty();
        if (hasUser && hasToken) {
            throw new MlflowException("set either MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN,"
                    + " found both");
        }
        if (hasUser) {
            return Credentials.basic(user, password);
        }
        if (password != null && !password.isEmpty()) {
            throw new MlflowException("MLFLOW_TRACKING_USERNAME must be set when MLFLOW_TRACKING_PASSWORD is, found it unset");
        }
        return hasToken ? Credentials.bearer(token) : Credentials.none();
    }

    /**
     * A builder with the defaults; only the tracking URI is required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static URI checkUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new MlflowException("MLflow tracking URI must be an http:// or https:// server address"
                    + " (closecast talks to MLflow over REST only), found '" + uri + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new MlflowException("MLflow tracking URI must name a host, found '" + uri + "'");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new MlflowException("MLflow tracking URI must not carry a query or fragment, found '" + uri + "'");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static void checkTimeout(Duration timeout, String field) {
        Checks.notNull(timeout, field);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new MlflowException(field + " must be > 0, found " + timeout);
        }
    }

    /** Builds an {@link MlflowConfig}; only the tracking URI is required. */
    public static final class Builder {
        private URI trackingUri;
        private Credentials credentials = Credentials.none();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private RetryPolicy retry = RetryPolicy.defaults();

        private Builder() {
        }

        /**
         * Sets the server's base URI.
         *
         * @param uri e.g. {@code http://127.0.0.1:5000}
         * @return this builder
         * @throws MlflowException when it is blank or no valid URI
         */
        public Builder trackingUri(String uri) {
            Checks.notBlank(uri, "MLflow tracking URI");
            try {
                this.trackingUri = new URI(uri.trim());
            } catch (URISyntaxException e) {
                throw new MlflowException("MLflow tracking URI must be a valid URI, found '" + uri + "': " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Sets the server's base URI.
         *
         * @param uri e.g. {@code http://127.0.0.1:5000}
         * @return this builder
         */
        public Builder trackingUri(URI uri) {
            this.trackingUri = uri;
            return this;
        }

        /**
         * Sets how requests authenticate.
         *
         * @param credentials none, basic or bearer
         * @return this builder
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * Sets the TCP connect timeout.
         *
         * @param connectTimeout {@code > 0}
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Sets the timeout of each request (per attempt).
         *
         * @param requestTimeout {@code > 0}
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Sets the retry policy.
         *
         * @param retry the policy
         * @return this builder
         */
        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /**
         * The config.
         *
         * @return the config
         * @throws MlflowException when a part is missing or invalid
         */
        public MlflowConfig build() {
            return new MlflowConfig(trackingUri, credentials, connectTimeout, requestTimeout, retry);
        }
    }
}
