package io.closecast.serving.http;

import io.closecast.serving.http.support.Inputs;
import io.closecast.serving.models.ModelFleet;
import io.closecast.serving.models.ModelInfo;
import io.closecast.serving.models.ModelManager;
import io.closecast.serving.models.VersionLease;
import io.closecast.serving.track.Tracker;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.closecast.model.bundle.ForecastModel;
import io.closecast.model.prices.TradingCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The challenger in shadow ({@code models[].shadow-alias}): after the production answer is sent, on one of the
 * forecast log's shadow threads ({@link #submit}: never the request's), the challenger's serving version forecasts the
 * same dated request (the latest closes of the same window, the same horizon) and its forecast goes to the forecast log
 * under its own version and alias, with the request id {@code ID~ALIAS} ({@code ID} the answered request's). A
 * challenger that is missing, still loading, needs a longer window or shorter horizon than the request gives, or
 * fails, logs nothing and never changes the answer (it was sent already).
 */
final class ShadowRun {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRun.class);

    private ShadowRun() {
    }

    /** The log's longest request id (its column is 64 characters). */
    static final int MAX_ID = 64;

    /**
     * The request id a challenger's forecast of {@code requestId} is logged under, cut to {@value #MAX_ID} characters
     * (a long alias must not make the store refuse a batch that holds production's forecasts too).
     */
    static String requestId(String requestId, String alias) {
        String id = requestId + "~" + alias;
        return id.length() <= MAX_ID ? id : id.substring(0, MAX_ID);
    }

    /**
     * Hands the challenger's run on this request to the forecast log's shadow threads ({@link Tracker#inShadow}),
     * when {@code info}'s model has a challenger and the request is dated; never blocks the request thread (a full
     * shadow queue drops the run, counted).
     */
    static void submit(ModelFleet fleet, Optional<Tracker> tracker, ModelInfo info, double[] window, int horizon,
                       Optional<LocalDate> lastDate, String requestId) {
        if (tracker.isEmpty() || lastDate.isEmpty() || fleet.shadow(info.name()).isEmpty()) {
            return;
        }
        tracker.get().inShadow(info.name(), () -> after(fleet, tracker, info, window, horizon, lastDate, requestId));
    }

    /** Runs and logs the challenger of {@code info}'s model on the same request, if it has one that can. */
    static void after(ModelFleet fleet, Optional<Tracker> tracker, ModelInfo info, double[] window, int horizon,
                      Optional<LocalDate> lastDate, String requestId) {
        if (tracker.isEmpty() || lastDate.isEmpty()) {
            return;
        }
        Optional<ModelManager> shadow = fleet.shadow(info.name());
        if (shadow.isEmpty()) {
            return;
        }
        Optional<VersionLease> leased = shadow.get().acquire();
        if (leased.isEmpty()) {
            return;
        }
        try (VersionLease lease = leased.get()) {
            ModelInfo challenger = lease.info();
            if (challenger.windowLength() > window.length || challenger.maxHorizon() < horizon) {
                return;
            }
            double[] own = Arrays.copyOfRange(window, window.length - challenger.windowLength(), window.length);
            ForecastModel.Forecast forecast = PredictService.forecastWithIntervals(lease, own, horizon);
            List<LocalDate> targets = TradingCalendar.forSymbol(info.symbol()).next(lastDate.get(), horizon);
            String alias = shadow.get().alias();
            tracker.get().dated(challenger, alias, requestId(requestId, alias), lastDate.get(), targets,
                    forecast.prices(), forecast.intervals(), Inputs.naive(window, horizon));
        } catch (RuntimeException e) {
            LOG.warn("Challenger {}@{} failed on request {} (the answer was not affected): {}", info.name(),
                    shadow.get().alias(), requestId, e.getMessage());
        }
    }
}
