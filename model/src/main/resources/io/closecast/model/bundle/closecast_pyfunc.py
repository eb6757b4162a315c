"""MLflow python_function loader of a closecast model bundle: pure NumPy, no Java.

MLflow imports this module from the bundle's ``code/`` directory (flavor ``python_function``,
``loader_module: closecast_pyfunc``) and calls ``_load_pyfunc(bundle_dir)``. It reads the same files the
Java service reads: ``lstm-weights.bin`` (the network), ``codec.json`` (target transform, features,
fitted scaler, window, horizon). The math is the Java forward pass (``LstmForecaster``) in float64 over
the float32 weights and inputs.

Each target transform, scaler and feature is one small function in a table below, so a new one is one
function and one table entry.

Intervals (``intervals.json``, the bundle's split-conformal calibration) are computed as the Java service computes
them (``ForecastModel.forecastWithIntervals``): the calibration's quantile of each level and step times the scale of
the window, ``forecast * exp(-+ q * scale)``; the scale is the EWMA of the window's absolute daily log returns
(method ``split-conformal-ewma-abs-return``, point networks) or the distribution head's predicted scale of each
step's log price (``split-conformal-predicted-scale``, ``model.distribution`` gaussian or student-t). The network's
outputs are rounded to float32 as the Java forward pass returns them before the scales are taken.
"""
import json
import os
import struct

import numpy as np

WEIGHTS_FILE = "lstm-weights.bin"
CODEC_FILE = "codec.json"
MAGIC = b"CCLSTMW1"
MAGIC_V2 = b"CCLSTMW2"  # adds the distribution key after the head activation
# model.distribution -> outputs per horizon step: locations, then raw scales (softplus), then raw tails
DISTRIBUTIONS = {"point": 1, "gaussian": 2, "student-t": 3}
MIN_SCALE = 1e-4  # Distribution.MIN_SCALE
MAX_HORIZON = 30
INTERVALS_FILE = "intervals.json"
EWMA_METHOD = "split-conformal-ewma-abs-return"  # IntervalCalibration.METHOD
PREDICTED_SCALE_METHOD = "split-conformal-predicted-scale"  # IntervalCalibration.PREDICTED_SCALE_METHOD
NO_INTERVALS = "none"  # ForecastModel.NO_INTERVALS
MIN_VOLATILITY = 1e-4  # IntervalCalibration.MIN_VOLATILITY


# ---------------------------------------------------------------- scalers: (value, offset, scale) -> value

def scale_affine(x, offset, scale):
    return (x - offset) / scale


def unscale_affine(x, offset, scale):
    return x * scale + offset


SCALERS = {
    "STANDARD": (scale_affine, unscale_affine),
    "MIN_MAX": (scale_affine, unscale_affine),
}


# ---------------------------------------------------------------- target transforms

def encode_level(prices):
    """Model values of prices[lookback:] (lookback 0): the prices themselves."""
    return prices


def decode_level(values, last_price):
    return values


def encode_log_return(prices):
    """ln(p[t] / p[t-1]) for t >= 1 (lookback 1)."""
    return np.log(prices[..., 1:] / prices[..., :-1])


def decode_log_return(values, last_price):
    """Compounds forecast returns from the last known price."""
    return last_price[..., None] * np.exp(np.cumsum(values, axis=-1))


def encode_window_relative(prices):
    """p[s] / p[t] - 1 over the window, p[t] its last price (lookback 0): the newest value is always 0."""
    return prices / prices[..., -1:] - 1.0


def decode_window_relative(values, last_price):
    """p[t+h] = p[t] * (1 + y[h])."""
    return last_price[..., None] * (1.0 + values)


# name -> (lookback, encode(prices[..., t]) -> values, decode(values[..., h], last_price[...]) -> prices)
TRANSFORMS = {
    "LEVEL": (0, encode_level, decode_level),
    "LOG_RETURN": (1, encode_log_return, decode_log_return),
    "WINDOW_RELATIVE": (0, encode_window_relative, decode_window_relative),
}


# ---------------------------------------------------------------- features: columns -> one value per row

def feature_target(cols, codec):
    lookback, encode, _ = TRANSFORMS[codec["transform"]]
    values = encode(cols["price"])
    return np.concatenate([np.zeros(values.shape[:-1] + (lookback,)), values], axis=-1)


def feature_log_return(cols, codec):
    p = cols["price"]
    return np.concatenate([np.zeros(p.shape[:-1] + (1,)), np.log(p[..., 1:] / p[..., :-1])], axis=-1)


def feature_log_volume(cols, codec):
    return np.log1p(np.maximum(0.0, cols["Volume"]))


def feature_high_low_range(cols, codec):
    return (cols["High"] - cols["Low"]) / cols["Close"]


GARMAN_KLASS_CLOSE = 2.0 * np.log(2.0) - 1.0
RANGE_TOLERANCE = 1e-9  # PriceChecks.RANGE_TOLERANCE


def feature_garman_klass(cols, codec):
    """sqrt(0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2) per bar (ForecastCodec.garmanKlass); a bar whose Open, High, Low
    or Close is missing or not positive, or whose Open or Close lies outside [Low, High], is refused by name."""
    o, h, low, c = cols["Open"], cols["High"], cols["Low"], cols["Close"]
    with np.errstate(invalid="ignore"):
        positive = np.isfinite(o + h + low + c) & (o > 0) & (h > 0) & (low > 0) & (c > 0)
        t = 1.0 + RANGE_TOLERANCE
        inside = (o * t >= low) & (o <= h * t) & (c * t >= low) & (c <= h * t)
    for ok, expected in ((positive, "Open, High, Low and Close as finite numbers > 0"),
                         (inside, "Low <= Open <= High and Low <= Close <= High")):
        if not np.all(ok):
            i = np.unravel_index(np.argmin(ok), ok.shape)
            raise ValueError(f"feature GARMAN_KLASS needs {expected}, found Open={o[i]} High={h[i]} Low={low[i]} "
                             f"Close={c[i]} (row {i[-1]} of the window)")
    u, k = np.log(h / low), np.log(c / o)
    return np.sqrt(np.maximum(0.0, 0.5 * u * u - GARMAN_KLASS_CLOSE * k * k))


# name -> (lookback, extra columns it reads, function)
FEATURES = {
    "TARGET": (None, (), feature_target),
    "LOG_RETURN": (1, (), feature_log_return),
    "LOG_VOLUME": (0, ("Volume",), feature_log_volume),
    "HIGH_LOW_RANGE": (0, ("High", "Low", "Close"), feature_high_low_range),
    "GARMAN_KLASS": (0, ("Open", "High", "Low", "Close"), feature_garman_klass),
}

# The price column each target reads, spelled as in the model's signature and input example.
TARGET_COLUMNS = {"CLOSE": "Close", "ADJ_CLOSE": "Adj Close"}

HEAD_ACTIVATIONS = {
    "identity": lambda v: v,
    "relu": lambda v: np.maximum(v, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
}


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


# ---------------------------------------------------------------- the weights file (see LstmWeights.java)

class _Reader:
    def __init__(self, data, path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, fmt):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ValueError(f"{self.path}: expected {size} more bytes at offset {self.pos}, found end of file")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def utf(self):
        (length,) = self.take(">H")
        return self.take(f"{length}s")[0].decode("utf-8")

    def int(self):
        return self.take(">i")[0]

    def ints(self):
        n = self.int()
        if not 0 <= n <= 1024:
            raise ValueError(f"{self.path}: layer count must be in [0, 1024], found {n}")
        return list(self.take(f">{n}i"))

    def floats(self, shape):
        n = int(np.prod(shape))
        if self.pos + 4 * n > len(self.data):
            raise ValueError(f"{self.path}: expected {n} floats at offset {self.pos}, found end of file")
        a = np.frombuffer(self.data, dtype=">f4", count=n, offset=self.pos).astype(np.float64).reshape(shape)
        self.pos += 4 * n
        return a


def read_weights(path):
    """The network as {features, horizon, activation, lstm: [(W, RW, b)], dense: [(W, b)], output: (W, b)}."""
    with open(path, "rb") as f:
        r = _Reader(f.read(), path)
    magic = r.take("8s")[0]
    if magic not in (MAGIC, MAGIC_V2):
        raise ValueError(f"{path} must start with {MAGIC!r} or {MAGIC_V2!r}, found {magic!r}")
    features, horizon = r.int(), r.int()
    r.take(">d")  # dropout, informational
    activation = r.utf()
    if activation not in HEAD_ACTIVATIONS:
        raise ValueError(f"{path}: head activation must be one of {sorted(HEAD_ACTIVATIONS)}, found {activation!r}")
    distribution = r.utf() if magic == MAGIC_V2 else "point"
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"{path}: distribution must be one of {sorted(DISTRIBUTIONS)}, found {distribution!r}")
    outputs = horizon * DISTRIBUTIONS[distribution]
    lstm_units, dense_units = r.ints(), r.ints()
    width, lstm, dense = features, [], []
    for u in lstm_units:
        lstm.append((r.floats((width, 4 * u)), r.floats((u, 4 * u)), r.floats((4 * u,))))
        width = u
    for u in dense_units:
        dense.append((r.floats((width, u)), r.floats((u,))))
        width = u
    output = (r.floats((width, outputs)), r.floats((outputs,)))
    if r.pos != len(r.data):
        raise ValueError(f"{path} has {len(r.data) - r.pos} bytes after the output layer, expected end of file")
    return {"features": features, "horizon": horizon, "activation": activation, "distribution": distribution,
            "lstm": lstm, "dense": dense, "output": output}


def forward(net, x):
    """Scaled outputs [n, outputs] of windows x [n, steps, features]: LSTM layers (DL4J gate order: block input,
    forget, output, input), the last step's output through the dense head, then the linear output layer. A point
    network has horizon outputs; a distribution head the horizon's locations, then raw scales (and raw tails)."""
    n, steps, _ = x.shape
    seq = x
    for w, rw, b in net["lstm"]:
        u = rw.shape[0]
        projected = seq @ w + b
        h = np.zeros((n, u))
        c = np.zeros((n, u))
        outputs = np.empty((n, steps, u))
        for t in range(steps):
            a = projected[:, t, :] + h @ rw
            block, forget, out, inp = np.tanh(a[:, :u]), sigmoid(a[:, u:2 * u]), sigmoid(a[:, 2 * u:3 * u]), \
                sigmoid(a[:, 3 * u:])
            c = forget * c + inp * block
            h = out * np.tanh(c)
            outputs[:, t, :] = h
        seq = outputs
    top = seq[:, -1, :]
    act = HEAD_ACTIVATIONS[net["activation"]]
    for w, b in net["dense"]:
        top = act(top @ w + b)
    w, b = net["output"]
    return top @ w + b


# ---------------------------------------------------------------- intervals (see IntervalCalibration.java)

def level_name(level):
    """0.8 -> "80", 0.975 -> "97_5" (IntervalSpec.levelName)."""
    text = f"{round(level * 100, 10):.10f}".rstrip("0").rstrip(".")
    return text.replace(".", "_")


def softplus32(raw):
    """Distribution.softplus in float32: raw above 20 as is, else (float) log1p(exp(raw))."""
    raw = raw.astype(np.float32)
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(raw.astype(np.float64))).astype(np.float32)
    return np.where(raw > np.float32(20), raw, soft)


def window_log_returns(codec, target):
    """IntervalCalibration.logReturns: the daily log returns within each encoded window [n, steps] of the target
    feature (scaled as encoded), unscaled; NaN where a price is not > 0."""
    _, unscale = SCALERS[codec["scaler"]["kind"]]
    values = unscale(target, codec["scaler"]["offset"][0], codec["scaler"]["scale"][0])
    if codec["transform"] == "LOG_RETURN":
        return values
    prices = values if codec["transform"] == "LEVEL" else 1.0 + values
    prev, cur = prices[:, :-1], prices[:, 1:]
    ok = (prev > 0) & (cur > 0)
    return np.where(ok, np.log(np.where(ok, cur, 1.0) / np.where(ok, prev, 1.0)), np.nan)


def ewma_abs(returns, lam):
    """IntervalCalibration.volatility: sum lam^age |r| / sum lam^age over the finite returns of each row (age 0 the
    last), at least MIN_VOLATILITY."""
    n = returns.shape[1]
    weights = np.empty(n)
    w = 1.0
    for i in range(n - 1, -1, -1):  # the same products as the Java loop
        weights[i] = w
        w *= lam
    finite = np.isfinite(returns)
    total = np.where(finite, weights, 0.0).sum(axis=1)
    weighted = np.where(finite, weights * np.abs(np.where(finite, returns, 0.0)), 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        vol = np.where(total == 0, MIN_VOLATILITY, weighted / np.where(total == 0, 1.0, total))
    return np.maximum(MIN_VOLATILITY, vol)


def log_price_scales(codec, outputs32, distribution):
    """ForecastCodec.logPriceScales of a distribution head's float32 outputs [n, parameters * horizon]: the scale of
    each trained step's log price [n, horizon], at least MIN_VOLATILITY."""
    horizon = codec["horizon"]
    location = outputs32[:, :horizon]
    scaled = softplus32(outputs32[:, horizon:2 * horizon]) + np.float32(MIN_SCALE)  # float32 sum, as Java's
    _, unscale = SCALERS[codec["scaler"]["kind"]]
    spread = codec["scaler"]["scale"][0]
    sigma = scaled.astype(np.float64) * spread
    value = unscale(location.astype(np.float64), codec["scaler"]["offset"][0], spread)
    if codec["transform"] == "LOG_RETURN":
        s = np.sqrt(np.cumsum(sigma * sigma, axis=1))
    elif codec["transform"] == "WINDOW_RELATIVE":
        s = sigma / np.maximum(1.0 + value, 1e-6)
    else:
        s = sigma / np.maximum(value, 1e-6)
    return np.maximum(MIN_VOLATILITY, s)


def read_intervals(path, distribution):
    """The bundle's calibration (IntervalCalibration JSON), checked as the Java loader checks it."""
    with open(path, encoding="utf-8") as f:
        c = json.load(f)
    if c.get("method") not in (EWMA_METHOD, PREDICTED_SCALE_METHOD):
        raise ValueError(f"{path}: method must be {EWMA_METHOD} or {PREDICTED_SCALE_METHOD}, found {c.get('method')!r}")
    if c["method"] == PREDICTED_SCALE_METHOD and distribution == "point":
        raise ValueError(f"{path}: intervals of method {c['method']} need a distribution head, found a point network")
    q = np.asarray(c["quantiles"], dtype=np.float64)
    if q.ndim != 2 or q.shape[0] != len(c["levels"]) or q.shape[1] < 1 or not np.all(np.isfinite(q)) or np.any(q < 0):
        raise ValueError(f"{path}: quantiles must be one row of >= 1 finite values >= 0 per level, found {c['quantiles']}")
    return {"method": c["method"], "levels": [float(v) for v in c["levels"]], "lambda": float(c["ewmaLambda"]),
            "quantiles": q}


def quantile(calibration, level_index, step):
    """IntervalCalibration.quantile: beyond the calibrated steps the last one times sqrt(step / steps)."""
    q = calibration["quantiles"][level_index]
    steps = len(q)
    return q[step] if step < steps else q[steps - 1] * np.sqrt((step + 1) / steps)


def interval_bounds(calibration, forecast, scales):
    """IntervalCalibration.intervals: per level (lower, upper) [n, horizon] around forecast [n, horizon], step h
    scaled by scales[:, min(h, last)]."""
    out = []
    for li, level in enumerate(calibration["levels"]):
        half = np.empty_like(forecast)
        for h in range(forecast.shape[1]):
            half[:, h] = quantile(calibration, li, h) * scales[:, min(h, scales.shape[1] - 1)]
        out.append((level, forecast * np.exp(-half), forecast * np.exp(half)))
    return out


# ---------------------------------------------------------------- the model

class CloseCastModel:
    """Forecasts the next closing prices from a data frame of consecutive days (oldest first)."""

    def __init__(self, bundle_dir):
        with open(os.path.join(bundle_dir, CODEC_FILE), encoding="utf-8") as f:
            self.codec = json.load(f)
        self.net = read_weights(os.path.join(bundle_dir, WEIGHTS_FILE))
        codec = self.codec
        for key, table in (("transform", TRANSFORMS), ("features", FEATURES)):
            names = codec[key] if isinstance(codec[key], list) else [codec[key]]
            for name in names:
                if name not in table:
                    raise ValueError(f"codec.json {key} must be one of {sorted(table)}, found {name!r}")
        if codec["scaler"]["kind"] not in SCALERS:
            raise ValueError(f"codec.json scaler.kind must be one of {sorted(SCALERS)}, found {codec['scaler']['kind']!r}")
        if self.net["features"] != len(codec["features"]) or self.net["horizon"] != codec["horizon"]:
            raise ValueError(f"bundle is inconsistent: the network predicts {self.net['horizon']} steps from "
                             f"{self.net['features']} features, the codec expects {codec['horizon']} from "
                             f"{len(codec['features'])}")
        self.window, self.horizon = codec["window"], codec["horizon"]
        self.price_column = TARGET_COLUMNS[codec["target"]]
        self.lookback = max(TRANSFORMS[codec["transform"]][0] if lb is None else lb
                            for lb, _, _ in (FEATURES[f] for f in codec["features"]))
        self.required_history = self.window + self.lookback
        self.columns = [self.price_column] + sorted({c for f in codec["features"] for c in FEATURES[f][1]}
                                                    - {self.price_column})
        path = os.path.join(bundle_dir, INTERVALS_FILE)
        self.intervals = read_intervals(path, self.net["distribution"]) if os.path.isfile(path) else None

    def interval_method(self):
        """The method of this version's intervals, as the service's ``interval_method`` says it."""
        return self.intervals["method"] if self.intervals else NO_INTERVALS

    def predicted_scales(self, prices):
        """A distribution head's scales [n, horizon] (scaled target units: softplus(raw) + MIN_SCALE) for price
        windows [n, >= required_history]; a point network has none."""
        if self.net["distribution"] == "point":
            raise ValueError("a point network predicts no scale (model.distribution is point)")
        prices = np.asarray(prices, dtype=np.float64)[:, -self.required_history:]
        raw = forward(self.net, self.encode({"price": prices}))[:, self.horizon:2 * self.horizon]
        return np.logaddexp(0.0, raw) + MIN_SCALE

    def max_horizon(self):
        return max(MAX_HORIZON, self.horizon) if len(self.codec["features"]) == 1 else self.horizon

    def encode(self, cols):
        """Scaled inputs [n, window, features] from columns of [n, required_history] values."""
        scale, _ = SCALERS[self.codec["scaler"]["kind"]]
        offset, spread = self.codec["scaler"]["offset"], self.codec["scaler"]["scale"]
        rows = []
        for k, name in enumerate(self.codec["features"]):
            values = FEATURES[name][2](cols, self.codec)[..., self.lookback:]
            rows.append(scale(values, offset[k], spread[k]).astype(np.float32).astype(np.float64))
        return np.stack(rows, axis=-1)

    def decode(self, scaled, last_price):
        _, unscale = SCALERS[self.codec["scaler"]["kind"]]
        values = unscale(scaled, self.codec["scaler"]["offset"][0], self.codec["scaler"]["scale"][0])
        return TRANSFORMS[self.codec["transform"]][2](values, last_price)

    def forecast_windows(self, prices, horizon=1, extra=None):
        """Forecasts [n, horizon] from price windows [n, >= required_history] (oldest first); beyond the trained
        horizon (price-only models), forecasts are appended to the history and the network is asked again."""
        prices = np.asarray(prices, dtype=np.float64)
        if prices.ndim != 2 or prices.shape[1] < self.required_history:
            raise ValueError(f"{self.price_column} must hold at least {self.required_history} values per window "
                             f"(window {self.window} + lookback {self.lookback}), found shape {prices.shape}")
        if not (np.all(np.isfinite(prices)) and np.all(prices > 0)):
            raise ValueError(f"{self.price_column} prices must be finite numbers > 0")
        if not 1 <= horizon <= self.max_horizon():
            raise ValueError(f"horizon must be between 1 and {self.max_horizon()}, found {horizon}")
        history = prices[:, -self.required_history:]
        extra = {name: np.asarray(v, dtype=np.float64)[:, -self.required_history:] for name, v in (extra or {}).items()}
        result = np.empty((prices.shape[0], 0))
        while result.shape[1] < horizon:
            cols = dict(extra, price=history)
            step = self.decode(forward(self.net, self.encode(cols))[:, :self.horizon], history[:, -1])
            result = np.concatenate([result, step], axis=1)
            history = np.concatenate([history, step], axis=1)[:, -self.required_history:]
        return result[:, :horizon]

    def forecast_with_intervals(self, prices, horizon=1, extra=None):
        """forecast_windows with the intervals the service answers for the same windows: ``{"predictions": [n, h],
        "intervals": [{"level", "lower": [n, h], "upper": [n, h]}, ...], "interval_method"}`` (no intervals, method
        ``none``, for a bundle without a calibration)."""
        forecast = self.forecast_windows(prices, horizon, extra)
        result = {"predictions": forecast, "intervals": [], "interval_method": self.interval_method()}
        if not self.intervals:
            return result
        history = np.asarray(prices, dtype=np.float64)[:, -self.required_history:]
        cols = dict({name: np.asarray(v, dtype=np.float64)[:, -self.required_history:]
                     for name, v in (extra or {}).items()}, price=history)
        x = self.encode(cols)  # the first step's input, as the service encodes the window once
        if self.intervals["method"] == PREDICTED_SCALE_METHOD:
            outputs32 = forward(self.net, x).astype(np.float32)
            scales = log_price_scales(self.codec, outputs32, self.net["distribution"])
        else:
            scales = ewma_abs(window_log_returns(self.codec, x[:, :, 0]), self.intervals["lambda"])[:, None]
        result["intervals"] = [{"level": level, "lower": lower, "upper": upper}
                               for level, lower, upper in interval_bounds(self.intervals, forecast, scales)]
        return result

    def predict(self, model_input, params=None):
        """A data frame of consecutive days (the price column, matched case-insensitively, and any columns the
        features need): forecasts the last window, returning the next ``params['horizon']`` prices (default 1).
        With ``params['intervals']`` true, a data frame instead, one row per step: ``step``, ``prediction``, per level
        ``lower_80``, ``upper_80``, ... (the service's intervals) and ``interval_method``."""
        import pandas as pd

        horizon = int((params or {}).get("horizon", 1) or 1)
        intervals = bool((params or {}).get("intervals", False))
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        by_lower = {str(c).lower(): c for c in frame.columns}
        cols = {}
        for name in self.columns:
            if name.lower() not in by_lower:
                raise ValueError(f"input must have a column {name!r} (matched case-insensitively), found "
                                 f"{[str(c) for c in frame.columns]}")
            cols[name] = frame[by_lower[name.lower()]].to_numpy(dtype=np.float64)[None, :]
        prices = cols.pop(self.price_column)
        if any(self.price_column in FEATURES[f][1] for f in self.codec["features"]):
            cols[self.price_column] = prices
        if not intervals:
            return self.forecast_windows(prices, horizon, cols)[0]
        f = self.forecast_with_intervals(prices, horizon, cols)
        frame = {"step": np.arange(1, horizon + 1), "prediction": f["predictions"][0]}
        for band in f["intervals"]:
            frame["lower_" + level_name(band["level"])] = band["lower"][0]
            frame["upper_" + level_name(band["level"])] = band["upper"][0]
        frame["interval_method"] = [f["interval_method"]] * horizon
        return pd.DataFrame(frame)


def _load_pyfunc(data_path):
    return CloseCastModel(data_path)
