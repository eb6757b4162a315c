package io.closecast.pipeline.config;

import java.util.Locale;

/**
 * What the promotion gate promotes on ({@code promotion.objective}, {@code --objective}): {@code point}, the point
 * forecast's MASE and Diebold-Mariano tests against naive (the default), or {@code interval}, the next-day
 * intervals' Kupiec and Christoffersen tests and their interval score against GARCH(1,1)'s.
 */
public enum PromotionObjective {
    POINT, INTERVAL;

    /**
     * Parses {@code point} or {@code interval} (any case).
     *
     * @param text the value as written
     * @param where what gave it, e.g. {@code --objective}, for the error
     * @return the objective
     * @throws ConfigException naming the value and the choices when it is neither
     */
    public static PromotionObjective parse(String text, String where) {
        for (PromotionObjective o : values()) {
            if (o.name().equalsIgnoreCase(text.trim())) {
                return o;
            }
        }
        throw new ConfigException(where + " must be one of point, interval, found '" + text + "'");
    }

    /**
     * The value as written in a config: {@code point} or {@code interval}.
     *
     * @return the lower-case name
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
