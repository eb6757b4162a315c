"""The benchmark network, shared by every peer: load weights.json, build the request body, and a float64 NumPy
forward pass used as the reference answer.

weights.json (written by make_weights.py) holds one equivalent network for every implementation:
  {"format": "closecast-bench-lstm/1", "window": 60, "features": 1, "units": [32, 32], "horizon": 1, "seed": S,
   "scaler": {"min": m, "max": M},          # min-max scaling of the close price: x' = (x - min) / (max - min)
   "lstm": [ {"W": [in][4*units], "R": [units][4*units], "b": [4*units]}, ... ],   # gate order i, f, g, o
   "dense": {"W": [units][horizon], "b": [horizon]}}
W is input -> gates, R is hidden -> gates, b one bias (Keras layout: kernel, recurrent_kernel, bias; PyTorch takes
W.T as weight_ih, R.T as weight_hh, b as bias_ih and zeros as bias_hh). Per step:
  z = x W + h R + b;  i = sig(z_i); f = sig(z_f); g = tanh(z_g); o = sig(z_o);  c = f*c + i*g;  h = o*tanh(c)
The dense head reads the last step's h of the last LSTM layer; the output is inverse-scaled to a price.
"""
import csv
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(HERE, "weights.json")


def load(path=WEIGHTS):
    with open(path) as f:
        w = json.load(f)
    if w.get("format") != "closecast-bench-lstm/1":
        raise ValueError(f"{path}: expected format closecast-bench-lstm/1, found {w.get('format')!r}")
    return w


def closes_from_csv(path, column="Close"):
    with open(path, newline="") as f:
        return [float(r[column]) for r in csv.DictReader(f)]


def request_closes(root, window=60):
    """The body's closes: the last `window` closes of the bundled PETR4.SA data (real prices)."""
    return closes_from_csv(os.path.join(root, "data", "PETR4.SA.csv"))[-window:]


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def forward(w, closes):
    """Reference forecast (float64) for one window of raw closes; returns a list of `horizon` prices."""
    lo, hi = w["scaler"]["min"], w["scaler"]["max"]
    seq = (np.asarray(closes, dtype=np.float64).reshape(-1, 1) - lo) / (hi - lo)
    for layer in w["lstm"]:
        W, R, b = (np.asarray(layer[k], dtype=np.float64) for k in ("W", "R", "b"))
        n = R.shape[0]
        h, c, out = np.zeros(n), np.zeros(n), []
        for x in seq:
            z = x @ W + h @ R + b
            i, f, g, o = _sig(z[:n]), _sig(z[n:2 * n]), np.tanh(z[2 * n:3 * n]), _sig(z[3 * n:])
            c = f * c + i * g
            h = o * np.tanh(c)
            out.append(h)
        seq = np.asarray(out)
    y = seq[-1] @ np.asarray(w["dense"]["W"]) + np.asarray(w["dense"]["b"])
    return list(y * (hi - lo) + lo)
