package io.closecast.serving.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call what: the {@code security} keys.
 *
 * @param apiKeys       {@code security.api-keys}
 * @param apiKeysFile   {@code security.api-keys-file}
 * @param openHealth    {@code security.open.health}: the health endpoints answer without a key
 * @param openMetrics   {@code security.open.metrics}
 * @param openOpenapi   {@code security.open.openapi}
 * @param openDashboard {@code security.open.dashboard}
 */
public record SecuritySettings(List<String> apiKeys, Optional<Path> apiKeysFile, boolean openHealth, boolean openMetrics,
                               boolean openOpenapi, boolean openDashboard) {

    public SecuritySettings {
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(apiKeysFile, "apiKeysFile");
    }
}
