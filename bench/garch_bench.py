"""The arch side of garch-bench.sh: per symbol, what bench/GarchBench.java times in Java, done with Kevin Sheppard's
arch in one Python process: the Student-t GARCH(1,1) fitted on the training returns (100 x the daily log returns of
Close, all but the last EVAL_DAYS), then the one-year interval evaluation with the parameters fixed: the one-step
variances of the evaluated days (res.forecast(start=...)), the 80 % and 95 % intervals of the next close, coverage,
Winkler interval score, Kupiec and Christoffersen tests.

    python garch_bench.py DATA_DIR EVAL_DAYS WARMUP REPETITIONS SYMBOL...

Two fits per round: impl=arch, the brief's `fit(disp="off")` (SLSQP at its defaults), and impl=arch-tight, the
`options={"ftol": 1e-12, "maxiter": 2000}` GarchArchAgreementIT holds the Java fit against (GARCH_BENCH_IMPLS=arch
runs only the first). Prints one
`RESULT impl=... symbol=...` line per symbol and impl, as GarchBench.java does.
"""
import csv
import math
import os
import statistics
import sys
import time

import numpy as np
from arch import arch_model
from scipy.stats import chi2

LEVELS = (0.8, 0.95)
IMPLS = {"arch": {}, "arch-tight": {"options": {"ftol": 1e-12, "maxiter": 2000}}}
if os.environ.get("GARCH_BENCH_IMPLS"):
    IMPLS = {k: v for k, v in IMPLS.items() if k in os.environ["GARCH_BENCH_IMPLS"].split(",")}


def load(path, eval_days):
    with open(path, newline="") as f:
        close = np.array([float(row["Close"]) for row in csv.DictReader(f)])
    y = 100 * np.log(close[1:] / close[:-1])
    train = len(y) - eval_days
    return {"y": y, "train": train, "last": close[train:train + eval_days],
            "actual": close[train + 1:train + 1 + eval_days]}


def xlogy(k, p):
    return k * math.log(p) if k > 0 else 0.0


def coverage_tests(missed, level):
    """Kupiec's proportion of failures and Christoffersen's independence and conditional coverage (LR, p)."""
    n = len(missed)
    x = int(missed.sum())
    p = 1 - level
    pi = x / n
    lr_uc = -2 * (xlogy(x, p) + xlogy(n - x, 1 - p) - xlogy(x, pi) - xlogy(n - x, 1 - pi))
    prev, cur = missed[:-1], missed[1:]
    n00 = int(np.sum(~prev & ~cur))
    n01 = int(np.sum(~prev & cur))
    n10 = int(np.sum(prev & ~cur))
    n11 = int(np.sum(prev & cur))
    pi01 = n01 / max(1, n00 + n01)
    pi11 = n11 / max(1, n10 + n11)
    pi1 = (n01 + n11) / max(1, n00 + n01 + n10 + n11)
    lr_ind = -2 * (xlogy(n00, 1 - pi1) + xlogy(n01, pi1) + xlogy(n10, 1 - pi1) + xlogy(n11, pi1)
                   - xlogy(n00, 1 - pi01) - xlogy(n01, pi01) - xlogy(n10, 1 - pi11) - xlogy(n11, pi11))
    lr_uc, lr_ind = max(0.0, lr_uc), max(0.0, lr_ind)
    lr_cc = lr_uc + lr_ind
    return chi2.sf(lr_uc, 1), chi2.sf(lr_cc, 2)


def once(d, fit_options):
    started = time.perf_counter()
    model = arch_model(d["y"], mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    res = model.fit(disp="off", last_obs=d["train"], **fit_options)
    fitted = time.perf_counter()
    train = d["train"]
    # the one-step variance of return t is the forecast made at t - 1, with the fitted parameters fixed
    variance = res.forecast(horizon=1, start=train - 1, reindex=False).variance.values[:-1, 0]
    params = res.params
    sigma = np.sqrt(variance) / 100
    out = {}
    for level in LEVELS:
        q = model.distribution.ppf([(1 - level) / 2, (1 + level) / 2], [params["nu"]])
        lo = d["last"] * np.exp(params["mu"] / 100 + sigma * q[0])
        hi = d["last"] * np.exp(params["mu"] / 100 + sigma * q[1])
        y = d["actual"]
        alpha = 1 - level
        winkler = (hi - lo) + 2 / alpha * np.maximum(lo - y, 0) + 2 / alpha * np.maximum(y - hi, 0)
        missed = (y < lo) | (y > hi)
        kupiec_p, cc_p = coverage_tests(missed, level)
        name = str(round(level * 100))
        out.update({f"coverage_{name}": 1 - missed.mean(), f"interval_score_{name}": winkler.mean(),
                    f"kupiec_p_{name}": kupiec_p, f"christoffersen_cc_p_{name}": cc_p})
    evaluated = time.perf_counter()
    describe = (f"mu={params['mu']:.8f} omega={params['omega']:.8f} alpha={params['alpha[1]']:.8f} "
                f"beta={params['beta[1]']:.8f} nu={params['nu']:.6f} loglik={res.loglikelihood:.6f} "
                + " ".join(f"{k}={v:.6f}" for k, v in out.items()))
    return (fitted - started) * 1e3, (evaluated - fitted) * 1e3, out["interval_score_80"], res, describe


def main():
    data_dir, eval_days, warmup, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    symbols = sys.argv[5:]
    data = {s: load(f"{data_dir}/{s}.csv", eval_days) for s in symbols}
    sink = 0.0
    first = {}
    for i in range(max(1, warmup)):
        for impl, options in IMPLS.items():
            for s in symbols:
                fit_ms, eval_ms, score, _, _ = once(data[s], options)
                if i == 0:
                    first[impl, s] = fit_ms + eval_ms
                sink += score
    times = {(impl, s): ([], []) for impl in IMPLS for s in symbols}
    last = {}
    for _ in range(reps):
        for impl, options in IMPLS.items():
            for s in symbols:
                fit_ms, eval_ms, score, res, describe = once(data[s], options)
                times[impl, s][0].append(fit_ms)
                times[impl, s][1].append(eval_ms)
                last[impl, s] = (res, describe)
                sink += score
    for (impl, s), (fit, ev) in times.items():
        res, describe = last[impl, s]
        total = [a + b for a, b in zip(fit, ev)]
        fmt = lambda v: "[" + ",".join(f"{x:.3f}" for x in v) + "]"
        print(f"RESULT impl={impl} symbol={s} train={data[s]['train']} eval_days={eval_days} fit_ms={fmt(fit)} "
              f"eval_ms={fmt(ev)} total_ms={fmt(total)} median_total_ms={statistics.median(total):.3f} "
              f"first_ms={first[impl, s]:.3f} "
              f"evaluations={res.optimization_result.nfev} convergence_flag={res.convergence_flag} {describe}")
    if sink == 42:
        print("(never printed)")


if __name__ == "__main__":
    main()
