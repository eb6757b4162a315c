"""Writes weights.json: a random but seeded 2 x LSTM(32) + Dense(1) network for a 60 x 1 window, with a min-max
scaler fitted on the training part (first 70%, chronological) of the bundled PETR4.SA closes.
Usage: python make_weights.py [--seed 42] [--out weights.json]"""
import argparse
import json
import os

import numpy as np

import lstm_ref


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default=lstm_ref.WEIGHTS)
    a = p.parse_args()
    root = os.path.dirname(os.path.dirname(lstm_ref.HERE))
    closes = lstm_ref.closes_from_csv(os.path.join(root, "data", "PETR4.SA.csv"))
    train = closes[: int(len(closes) * 0.7)]
    rng = np.random.default_rng(a.seed)
    window, units, horizon = 60, [32, 32], 1
    layers, n_in = [], 1
    for n in units:
        # Glorot-uniform-like scale so the activations stay in a useful range.
        lim_w, lim_r = np.sqrt(6.0 / (n_in + 4 * n)), np.sqrt(6.0 / (n + 4 * n))
        b = np.zeros(4 * n)
        b[n:2 * n] = 1.0  # forget-gate bias 1, as Keras' unit_forget_bias does
        layers.append({"W": rng.uniform(-lim_w, lim_w, (n_in, 4 * n)).round(6).tolist(),
                       "R": rng.uniform(-lim_r, lim_r, (n, 4 * n)).round(6).tolist(),
                       "b": b.tolist()})
        n_in = n
    lim_d = np.sqrt(6.0 / (n_in + horizon))
    w = {"format": "closecast-bench-lstm/1", "window": window, "features": 1, "units": units, "horizon": horizon,
         "seed": a.seed, "gate_order": "i,f,g,o",
         "scaler": {"min": min(train), "max": max(train), "fitted_on": "PETR4.SA.csv Close, first 70% of rows"},
         "lstm": layers,
         "dense": {"W": rng.uniform(-lim_d, lim_d, (n_in, horizon)).round(6).tolist(), "b": [0.0] * horizon}}
    with open(a.out, "w") as f:
        json.dump(w, f, separators=(",", ":"))
    print(f"wrote {a.out}: reference forecast for the last 60 PETR4 closes = "
          f"{[float(v) for v in lstm_ref.forward(w, closes[-window:])]}")


if __name__ == "__main__":
    main()
