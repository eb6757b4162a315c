package io.closecast.mlflow.entities;

import io.closecast.mlflow.MlflowException;
import io.closecast.mlflow.Checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run search: experiments, an MLflow filter string ({@code metrics.val_loss < 0.1 and tags.kind = 'trial'}),
 * order ({@code metrics.val_loss ASC}), page size and the page to start at.
 */
public record RunSearch(List<String> experimentIds, String filter, List<String> orderBy, int maxResults,
                        Optional<String> pageToken) {
    /** MLflow's upper bound on runs per page. */
    public static final int MAX_PAGE_SIZE = 50_000;

    /**
     * Checks and copies the search.
     *
     * @param experimentIds the experiments to search, at least one
     * @param filter        an MLflow filter string ("" = all runs)
     * @param orderBy       order clauses
     * @param maxResults    runs per page, in 1..{@value #MAX_PAGE_SIZE}
     * @param pageToken     the page to start at, empty for the first
     * @throws MlflowException when there is no experiment or the page size is out of range
     */
    public RunSearch {
        experimentIds = List.copyOf(experimentIds);
        if (experimentIds.isEmpty()) {
            throw new MlflowException("run search needs at least one experiment id, found none");
        }
        experimentIds.forEach(id -> Checks.notBlank(id, "experiment id"));
        Checks.notNull(filter, "run search filter");
        orderBy = List.copyOf(orderBy);
        if (maxResults <= 0 || maxResults > MAX_PAGE_SIZE) {
            throw new MlflowException("run search max results must be in 1.." + MAX_PAGE_SIZE + ", found " + maxResults);
        }
        Checks.notNull(pageToken, "page token");
    }

    /**
     * A search of these experiments: no filter, no order, 1000 per page, from the first page.
     *
     * @param experimentIds the experiments to search
     * @return a builder
     */
    public static Builder builder(String... experimentIds) {
        return new Builder(List.of(experimentIds));
    }

    /**
     * The same search starting at another page.
     *
     * @param token the page token a previous page gave
     * @return the search at that page
     */
    public RunSearch withPageToken(String token) {
        return new RunSearch(experimentIds, filter, orderBy, maxResults, Optional.of(token));
    }

    /** Builds a {@link RunSearch}: no filter, no order, 1000 per page, from the first page. */
    public static final class Builder {
        private final List<String> experimentIds;
        private String filter = "";
        private final List<String> orderBy = new ArrayList<>();
        private int maxResults = 1000;
        private Optional<String> pageToken = Optional.empty();

        private Builder(List<String> experimentIds) {
            this.experimentIds = experimentIds;
        }

        /**
         * Sets the MLflow filter string.
         *
         * @param filter e.g. {@code metrics.val_loss < 0.1 and tags.kind = 'trial'} ("" = all)
         * @return this builder
         */
        public Builder filter(String filter) {
            this.filter = filter;
            return this;
        }

        /**
         * Adds an order clause.
         *
         * @param clause e.g. {@code metrics.val_loss ASC}
         * @return this builder
         */
        public Builder orderBy(String clause) {
            orderBy.add(Checks.notBlank(clause, "order by clause"));
            return this;
        }

        /**
         * Sets the page size.
         *
         * @param maxResults runs per page, in 1..{@value #MAX_PAGE_SIZE}
         * @return this builder
         */
        public Builder maxResults(int maxResults) {
            this.maxResults = maxResults;
            return this;
        }

        /**
         * Sets the page to start at.
         *
         * @param pageToken a token a previous page gave
         * @return this builder
         */
        public Builder pageToken(String pageToken) {
            this.pageToken = Optional.of(Checks.notBlank(pageToken, "page token"));
            return this;
        }

        /**
         * The search.
         *
         * @return the search
         * @throws MlflowException when the page size is out of range
         */
        public RunSearch build() {
            return new RunSearch(experimentIds, filter, orderBy, maxResults, pageToken);
        }
    }
}
