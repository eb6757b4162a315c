package io.closecast.serving.config;

import io.closecast.serving.ServingException;
import io.closecast.serving.track.OnlineAccuracy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The feedback and dashboard keys.
 *
 * @param feedbackWindow {@code feedback.window}: how many scored forecasts the online accuracy keeps per model
 * @param dataDir        {@code dashboard.data-dir}: where the dashboard's sample price files are
 */
public record DashboardSettings(int feedbackWindow, Path dataDir) {

    public DashboardSettings {
        if (feedbackWindow < 1 || feedbackWindow > OnlineAccuracy.MAX_WINDOW) {
            throw new ServingException("feedback.window must be 1.." + OnlineAccuracy.MAX_WINDOW + ", found " + feedbackWindow);
        }
        Objects.requireNonNull(dataDir, "dataDir");
    }
}
