-- The adaptive intervals' running miss rates (docs/serving.md, Adaptive intervals): one row per model version and level.
CREATE TABLE adaptive_interval (
    model_name     VARCHAR(250)     NOT NULL,
    model_version  VARCHAR(64)      NOT NULL,
    interval_level DOUBLE PRECISION NOT NULL,
    alpha          DOUBLE PRECISION NOT NULL,
    updates        BIGINT           NOT NULL,
    last_outcome   DATE,
    updated_ms     BIGINT           NOT NULL,
    PRIMARY KEY (model_name, model_version, interval_level)
)
