-- Scoring one million logged forecasts (docs/serving.md, The forecast log; BENCHMARKS.md). Numbered 4: version 3 is
-- left to the adaptive-interval state. The first request of a logical forecast is found by probing
-- forecast_request_first for an earlier one (same model, version, symbol, as-of day; earlier received, then lower
-- request id) instead of ranking every logged step with ROW_NUMBER(); it covers what forecast_request_logical served
-- (its leading columns), which goes, so a logged forecast still updates two indexes of forecast_request. A pass skips
-- a span of target days whose logged steps and closes it has seen before unchanged: both counted by index (the
-- closes' by day then symbol: by day alone, H2 joined a forecast's close through it, reading every symbol's close of
-- that day per forecast).
CREATE INDEX forecast_request_first ON forecast_request (model_name, model_version, symbol, as_of, received_ms, request_id);
DROP INDEX forecast_request_logical;
CREATE INDEX realised_close_day ON realised_close (trade_date, symbol)
