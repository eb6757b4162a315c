"""Reference figures for ForecastEvaluationTest and DieboldMarianoTest, computed with NumPy and SciPy.

Run once; the output is committed (forecast-evaluation-reference-v1.json) so the Java tests need no Python:

    /work/main/registry-server/.venv/bin/python model/src/test/python/forecast_evaluation_reference.py \
        > model/src/test/resources/io/closecast/model/evaluation/forecast-evaluation-reference-v1.json

The Diebold-Mariano statistic is written out from its definition (Diebold & Mariano 1995; Harvey, Leybourne &
Newbold 1997, the form of R's forecast::dm.test) with NumPy; p-values come from scipy.stats.t.
"""
import json
import sys

import numpy as np
import scipy
from scipy import special, stats


def dm_test(e1, e2, h, power):
    d = np.abs(e1) ** power - np.abs(e2) ** power
    n = len(d)
    dbar = d.mean()
    gamma = [np.sum((d[k:] - dbar) * (d[:n - k] - dbar)) / n for k in range(h)]
    var = (gamma[0] + 2 * sum(gamma[1:])) / n
    dm = dbar / np.sqrt(var)
    k = np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    stat = dm * k
    return {
        "stat": float(stat),
        "p_better": float(stats.t.cdf(stat, df=n - 1)),
        "p_worse": float(stats.t.sf(stat, df=n - 1)),
        "p_two_sided": float(2 * stats.t.sf(abs(stat), df=n - 1)),
    }


def main():
    rng = np.random.default_rng(20261201)
    n_train, n_eval, horizon = 120, 80, 3
    steps = rng.normal(0.05, 1.0, n_train + n_eval + horizon)
    prices = 100 + np.cumsum(steps)
    train = prices[:n_train]
    changes = np.diff(train)
    drift = (train[-1] - train[0]) / (n_train - 1)
    majority = 1 if np.sum(changes > 0) >= np.sum(changes < 0) else -1
    origins = np.arange(n_train - 1, n_train - 1 + n_eval)
    last = prices[origins]
    actual = np.stack([prices[origins + h + 1] for h in range(horizon)], axis=1)
    # A forecast with some skill: part of the true move plus noise.
    predicted = last[:, None] + 0.4 * (actual - last[:, None]) + rng.normal(0, 0.8, actual.shape)

    steps_out = []
    for h in range(horizon):
        a, p = actual[:, h], predicted[:, h]
        e, ne = p - a, last - a
        de = last + (h + 1) * drift - a
        mae, nmae = np.mean(np.abs(e)), np.mean(np.abs(ne))
        sign_a = np.sign(a - last)
        steps_out.append({
            "step": h + 1,
            "mae": float(mae),
            "rmse": float(np.sqrt(np.mean(e ** 2))),
            "mape": float(100 * np.mean(np.abs(e / a))),
            "mase": float(mae / nmae),
            "naive_mae": float(nmae),
            "drift_mae": float(np.mean(np.abs(de))),
            "directional_accuracy": float(np.mean(np.sign(p - last) == sign_a)),
            "forecast_up_share": float(np.mean(p > last)),
            "up_share": float(np.mean(sign_a > 0)),
            "majority_sign_accuracy": float(np.mean(sign_a == majority)),
            "dm_abs": dm_test(e, ne, h + 1, 1),
            "dm_sq": dm_test(e, ne, h + 1, 2),
        })

    t_cdf = [{"t": t, "df": df, "cdf": float(stats.t.cdf(t, df))}
             for t in (-3.5, -1.7, -0.2, 0.0, 0.9, 2.1, 4.0) for df in (1, 4, 29, 79, 499)]
    betainc = [{"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x))}
               for x in (0.01, 0.3, 0.77, 0.99) for a, b in ((0.5, 0.5), (2.0, 0.5), (40.0, 0.5), (3.5, 7.25))]
    json.dump({
        "generator": "model/src/test/python/forecast_evaluation_reference.py",
        "numpy": np.__version__, "scipy": scipy.__version__,
        "training_prices": train.tolist(),
        "last": last.tolist(), "actual": actual.tolist(), "predicted": predicted.tolist(),
        "drift": float(drift), "majority_sign": majority,
        "steps": steps_out, "student_t_cdf": t_cdf, "regularized_beta": betainc,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
