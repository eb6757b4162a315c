package io.closecast.pipeline.config;

import io.closecast.pipeline.PipelineException;

/**
 * A configuration file or value that closecast cannot use. The message names the key, the value found,
 * what was expected, and the file and line: {@code model.lstm.hidden-units must be > 0, found -3
 * (configs/petr4.yaml line 12)}.
 */
public class ConfigException extends PipelineException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
