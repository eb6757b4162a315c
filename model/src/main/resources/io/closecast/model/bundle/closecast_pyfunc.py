"""MLflow python_function loader of a closecast model bundle: pure NumPy, no Java.

MLflow imports this module from the bundle's ``code/`` directory (flavor ``python_function``,
``loader_module: closecast_pyfunc``) and calls ``_load_pyfunc(bundle_dir)``. It reads the same files the
Java service reads: ``lstm-weights.bin`` (the network), ``codec.json`` (target transform, features,
fitted scaler, window, horizon). The math is the Java forward pass (``LstmForecaster``) in float64 over
the float32 weights and inputs.

Each target transform, scaler and feature is one small function in a table below, so a new one is one
function and one table entry.
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


# name -> (lookback, extra columns it reads, function)
FEATURES = {
    "TARGET": (None, (), feature_target),
    "LOG_RETURN": (1, (), feature_log_return),
    "LOG_VOLUME": (0, ("Volume",), feature_log_volume),
    "HIGH_LOW_RANGE": (0, ("High", "Low", "Close"), feature_high_low_range),
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

    def predict(self, model_input, params=None):
        """A data frame of consecutive days (the price column, matched case-insensitively, and any columns the
        features need): forecasts the last window, returning the next ``params['horizon']`` prices (default 1)."""
        import pandas as pd

        horizon = int((params or {}).get("horizon", 1) or 1)
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        by_lower = {str(c).lower(): c for c in frame.columns}
        cols = {}
        for name in self.columns:
            if name.lower() not in by_lower:
                raise ValueError(f"input must have a column {name!r} (matched case-insensitively), found "
                                 f"{[str(c) for c in frame.columns]}")
            cols[name] = frame[by_lower[name.lower()]].to_numpy(dtype=np.float64)[None, :]
        prices = cols.pop(self.price_column)
        if self.price_column == "Close" and "HIGH_LOW_RANGE" in self.codec["features"]:
            cols["Close"] = prices
        return self.forecast_windows(prices, horizon, cols)[0]


def _load_pyfunc(data_path):
    return CloseCastModel(data_path)
