-- The forecast log, realised closes and scores (docs/serving.md, The forecast log). Portable SQL: H2 and PostgreSQL.
CREATE TABLE forecast_request (
    request_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    received_ms    BIGINT       NOT NULL,
    model_name     VARCHAR(250) NOT NULL,
    model_version  VARCHAR(64)  NOT NULL,
    model_alias    VARCHAR(250) NOT NULL,
    symbol         VARCHAR(64)  NOT NULL,
    as_of          DATE         NOT NULL,
    horizon        INT          NOT NULL
);
CREATE INDEX forecast_request_logical ON forecast_request (model_name, model_version, symbol, as_of);
CREATE TABLE forecast_step (
    request_id     VARCHAR(64)      NOT NULL,
    step           INT              NOT NULL,
    target_date    DATE             NOT NULL,
    point_forecast DOUBLE PRECISION NOT NULL,
    naive_forecast DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (request_id, step)
);
CREATE INDEX forecast_step_target ON forecast_step (target_date);
CREATE TABLE forecast_bound (
    request_id     VARCHAR(64)      NOT NULL,
    step           INT              NOT NULL,
    interval_level DOUBLE PRECISION NOT NULL,
    lower_bound    DOUBLE PRECISION NOT NULL,
    upper_bound    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (request_id, step, interval_level)
);
CREATE TABLE realised_close (
    symbol         VARCHAR(64)      NOT NULL,
    trade_date     DATE             NOT NULL,
    close_price    DOUBLE PRECISION NOT NULL,
    stored_ms      BIGINT           NOT NULL,
    PRIMARY KEY (symbol, trade_date)
);
CREATE TABLE forecast_score (
    model_name     VARCHAR(250)     NOT NULL,
    model_version  VARCHAR(64)      NOT NULL,
    symbol         VARCHAR(64)      NOT NULL,
    as_of          DATE             NOT NULL,
    step           INT              NOT NULL,
    target_date    DATE             NOT NULL,
    request_id     VARCHAR(64)      NOT NULL,
    point_forecast DOUBLE PRECISION NOT NULL,
    naive_forecast DOUBLE PRECISION NOT NULL,
    actual_close   DOUBLE PRECISION NOT NULL,
    abs_error      DOUBLE PRECISION NOT NULL,
    naive_error    DOUBLE PRECISION NOT NULL,
    scored_ms      BIGINT           NOT NULL,
    PRIMARY KEY (model_name, model_version, symbol, as_of, step)
);
CREATE INDEX forecast_score_model ON forecast_score (model_name, target_date);
CREATE INDEX forecast_score_pass ON forecast_score (scored_ms);
CREATE TABLE score_bound (
    model_name     VARCHAR(250)     NOT NULL,
    model_version  VARCHAR(64)      NOT NULL,
    symbol         VARCHAR(64)      NOT NULL,
    as_of          DATE             NOT NULL,
    step           INT              NOT NULL,
    interval_level DOUBLE PRECISION NOT NULL,
    lower_bound    DOUBLE PRECISION NOT NULL,
    upper_bound    DOUBLE PRECISION NOT NULL,
    inside         BOOLEAN          NOT NULL,
    PRIMARY KEY (model_name, model_version, symbol, as_of, step, interval_level)
)
