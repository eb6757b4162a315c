package io.closecast.mlflow;


import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** How requests authenticate to the MLflow server: none, HTTP basic, or a bearer token. */
public sealed interface Credentials permits Credentials.None, Credentials.Basic, Credentials.Bearer {

    /**
     * The {@code Authorization} header value, if any.
     *
     * @return the header value, empty for no authentication
     */
    Optional<String> authorizationHeader();

    /**
     * No authentication.
     *
     * @return credentials that send no header
     */
    static Credentials none() {
        return new None();
    }

    /**
     * HTTP basic authentication.
     *
     * @param username the user, non-blank
     * @param password the password
     * @return basic credentials
     * @throws MlflowException when the user is blank or the password missing
     */
    static Credentials basic(String username, String password) {
        return new Basic(username, password);
    }

    /**
     * A bearer token.
     *
     * @param token the token, non-blank
     * @return bearer credentials
     * @throws MlflowException when the token is blank
     */
    static Credentials bearer(String token) {
        return new Bearer(token);
    }

    /** No authentication. */
    record None() implements Credentials {
        @Override
        public Optional<String> authorizationHeader() {
            return Optional.empty();
        }
    }

    /** HTTP basic ({@code MLFLOW_TRACKING_USERNAME} / {@code MLFLOW_TRACKING_PASSWORD}). */
    record Basic(String username, String password) implements Credentials {
        /**
         * Checks the pair.
         *
         * @param username the user, non-blank
         * @param password the password, given
         * @throws MlflowException when the user is blank or the password missing
         */
        public Basic {
            Checks.notBlank(username, "MLFLOW_TRACKING_USERNAME");
            if (password == null) {
                throw new MlflowException("MLFLOW_TRACKING_PASSWORD must be set when MLFLOW_TRACKING_USERNAME is, found none");
            }
        }

        @Override
        public Optional<String> authorizationHeader() {
            String pair = username + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=***]";
        }
    }

    /** Bearer token ({@code MLFLOW_TRACKING_TOKEN}). */
    record Bearer(String token) implements Credentials {
        /**
         * Checks the token.
         *
         * @param token the token, non-blank
         * @throws MlflowException when the token is blank
         */
        public Bearer {
            Checks.notBlank(token, "MLFLOW_TRACKING_TOKEN");
        }

        @Override
        public Optional<String> authorizationHeader() {
            return Optional.of("Bearer " + token);
        }

        @Override
        public String toString() {
            return "Bearer[token=***]";
        }
    }
}
