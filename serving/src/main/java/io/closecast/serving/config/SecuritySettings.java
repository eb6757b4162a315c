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
 * @param adminKeys     {@code security.admin-keys}: the keys that may also issue, list and revoke keys ({@code /v1/keys})
 * @param issuedKeysFile {@code security.issued-keys-file}: where issued keys are kept while the forecast log is off
 *                      (default: {@code issued-keys.json} beside the config file; none for a config not read from one)
 */
public record SecuritySettings(List<String> apiKeys, Optional<Path> apiKeysFile, boolean openHealth, boolean openMetrics,
                               boolean openOpenapi, boolean openDashboard, List<String> adminKeys,
                               Optional<Path> issuedKeysFile) {

    /** The default file name of {@code security.issued-keys-file}, in the config file's directory. */
    public static final String ISSUED_KEYS_FILE = "issued-keys.json";

    public SecuritySettings {
        apiKeys = List.copyOf(apiKeys);
        adminKeys = List.copyOf(adminKeys);
        Objects.requireNonNull(apiKeysFile, "apiKeysFile");
        Objects.requireNonNull(issuedKeysFile, "issuedKeysFile");
    }

    /** Without a file for issued keys. */
    public SecuritySettings(List<String> apiKeys, Optional<Path> apiKeysFile, boolean openHealth, boolean openMetrics,
                            boolean openOpenapi, boolean openDashboard, List<String> adminKeys) {
        this(apiKeys, apiKeysFile, openHealth, openMetrics, openOpenapi, openDashboard, adminKeys, Optional.empty());
    }

    /** Without admin keys. */
    public SecuritySettings(List<String> apiKeys, Optional<Path> apiKeysFile, boolean openHealth, boolean openMetrics,
                            boolean openOpenapi, boolean openDashboard) {
        this(apiKeys, apiKeysFile, openHealth, openMetrics, openOpenapi, openDashboard, List.of());
    }
}
