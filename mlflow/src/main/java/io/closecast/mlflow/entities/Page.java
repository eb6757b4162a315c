package io.closecast.mlflow.entities;

import java.util.List;
import java.util.Optional;

/** One page of a paged search; {@code nextPageToken} is present when more pages follow. */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {
    /**
     * Copies the items.
     *
     * @param items         the page's items
     * @param nextPageToken the token of the next page, empty on the last
     */
    public Page {
        items = List.copyOf(items);
    }
}
