"""Fits the Student-t GARCH(1,1) closecast fits in Java (io.closecast.model.risk.StudentTGarch) with the arch package,
on the same returns: 100 x the daily log returns of a price file's Close column, the first N of them. Prints JSON:
the estimate (in percent units), the log-likelihood, the one-step conditional variances of the fitted returns and the
forecast of the next one, and the seconds the fit took.

    python garch_peer.py FILE.csv N
"""
import csv
import json
import math
import sys
import time

import numpy as np
from arch import arch_model


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    with open(path, newline="") as f:
        close = [float(row["Close"]) for row in csv.DictReader(f)]
    y = np.array([100 * math.log(close[t + 1] / close[t]) for t in range(min(n, len(close) - 1))])
    started = time.perf_counter()
    model = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    res = model.fit(disp="off", options={"ftol": 1e-12, "maxiter": 2000})
    seconds = time.perf_counter() - started
    variances = (res.conditional_volatility ** 2).tolist()
    forecast = float(res.forecast(horizon=1, reindex=False).variance.values[-1, 0])
    print(json.dumps({
        "observations": int(len(y)),
        "mu": float(res.params["mu"]), "omega": float(res.params["omega"]),
        "alpha": float(res.params["alpha[1]"]), "beta": float(res.params["beta[1]"]), "nu": float(res.params["nu"]),
        "log_likelihood": float(res.loglikelihood), "convergence_flag": int(res.convergence_flag),
        "variances": variances, "next_variance": forecast, "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
