#!/usr/bin/env python3
"""Writes docs/quality.md's generated part from a bench/quality.sh results directory (standard library only).

    python3 bench/quality_report.py bench/results/quality-2026-12-07 docs/quality.md

Reads meta.json and every <config>.run.json (a training run's metrics, params and tags as MLflow's runs/get returns
them, with the config, the wall time and when it finished) and replaces the text between the page's quality.sh
markers. Every number printed is a metric of those runs; nothing is computed here but comparisons and counts.
"""
import glob
import json
import os
import subprocess
import sys

LEVELS = ("80", "95")
METHODS = (("", "model"), ("garch_", "GARCH(1,1)"), ("ewma_", "EWMA 0.94"), ("baseline_", "constant"))
ALPHA = 0.05
# the order the configs are shown in (the script trains the quick ones first)
ORDER = ("configs/petr4.yaml", "configs/msft.yaml", "configs/quickstart.yaml", "configs/quickstart.yaml@sweep",
         "configs/quickstart-interval.yaml@sweep", "configs/fleet.yaml#MSFT", "configs/fleet.yaml#AAPL",
         "configs/fleet.yaml#PETR4.SA", "configs/fleet.yaml#MSFT@sweep", "configs/fleet.yaml#AAPL@sweep",
         "configs/fleet.yaml#PETR4.SA@sweep", "bench/serving/closecast-model.yaml")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(results):
    runs = []
    for path in glob.glob(os.path.join(results, "*.run.json")):
        d = json.load(open(path))
        d["m"], d["t"], d["p"] = d["metrics"], d["tags"], d["params"]
        runs.append(d)
    rank = {c: i for i, c in enumerate(ORDER)}
    runs.sort(key=lambda d: (rank.get(d["config"], len(ORDER)), d["config"]))
    return runs


def f(x, digits=3):
    return "-" if x is None else ("%." + str(digits) + "f") % x


def pct(x):
    return "-" if x is None else "%.1f %%" % (100 * x)


def p3(x):
    """A p-value, plain."""
    return "-" if x is None else "%.3f" % x if x >= 0.001 else "<0.001"


def pv(x):
    """A p-value; bold where it rejects at 5 %."""
    if x is None:
        return "-"
    s = "%.3f" % x if x >= 0.001 else "<0.001"
    return "**%s**" % s if x < ALPHA else s


def periods(d, folds):
    """(label, metric prefix, days text) for the test period and each fold."""
    out = [("test period", "", d["t"].get("closecast.data.test_range", "?"))]
    for k in range(1, folds + 1):
        tag = d["t"].get("closecast.fold%d" % k)
        if tag is not None:
            out.append(("fold %d" % k, "fold%d_" % k, tag.split("test ")[-1]))
    return out


def label(d):
    config = d["config"]
    config, sweep, _ = config.partition("@")
    path, _, symbol = config.partition("#")
    what = (" (%s, the best trial of its sweep run alone)" % symbol if symbol else " (the sweep's best trial)") \
        if sweep else " (%s)" % symbol if symbol else ""
    return "%s `%s`%s" % (d["p"].get("data.symbol", symbol or "?"), path, what)


def chosen(d, results):
    """For a sweep's best trial: the values it chose for the keys the sweep varied, from the run's params."""
    if "@sweep" not in d["config"]:
        return ""
    path, _, symbol = d["config"].split("@")[0].partition("#")
    name = os.path.basename(path)[:-len(".yaml")] + ("-" + symbol if symbol else "") + "-sweep"  # as quality.sh names it
    keys, inside, metric = [], False, "its metric"
    for line in open(os.path.join(results, name + ".yaml")):
        if line.startswith("  metric:"):
            metric = line.split(":", 1)[1].split("#")[0].strip()
        if line.strip().startswith("space:"):
            inside = True
        elif inside and line.startswith("    ") and ":" in line:
            keys.append(line.strip().split(":", 1)[0])
        elif inside and line.strip() and not line.startswith("    "):
            inside = False
    def short(v):
        try:
            return "%.4g" % float(v)
        except ValueError:
            return v
    return "`%s`; it chose %s" % (metric, ", ".join("%s %s" % (k, short(d["p"].get(k, "?"))) for k in keys))


def reads(mase, p):
    if mase is None:
        return "-"
    if mase < 1 and p is not None and p < ALPHA:
        return "beats naive (significant)"
    return "below naive, not significant" if mase < 1 else "does not beat naive"


def calibration(m, pre, method=""):
    """Per level: the tests that reject at 5 % (empty: passes), or None where a statistic is missing."""
    out = {}
    for level in LEVELS:
        rejects = []
        for key, name in (("kupiec_p", "Kupiec"), ("christoffersen_ind_p", "independence"),
                          ("christoffersen_cc_p", "cond. coverage")):
            p = m.get("%s%stest_%s_%s" % (pre, method, key, level))
            if p is None:
                rejects.append(name + " n/a")
            elif p < ALPHA:
                rejects.append("%s p %s" % (name, p3(p)))
        out[level] = rejects
    return out


def vs_garch(m, pre):
    """Per level: (model score, GARCH score, DM p better) or None without GARCH."""
    out = {}
    for level in LEVELS:
        s, g = m.get(pre + "test_interval_score_" + level), m.get(pre + "garch_test_interval_score_" + level)
        out[level] = None if s is None or g is None else (
            s, g, m.get(pre + "test_dm_garch_interval_score_%s_p_better" % level))
    return out


def verdict_row(d):
    """One table row per config: the point verdict, the coverage tests, the scores beside GARCH(1,1)'s."""
    m = d["m"]
    cal = calibration(m, "")
    gcal = calibration(m, "", "garch_")
    vs = vs_garch(m, "")
    point = "%s (%s), %s" % (f(m.get("test_mase"), 4), p3(m.get("test_dm_abs_p_better")),
                             reads(m.get("test_mase"), m.get("test_dm_abs_p_better")))
    coverage = " / ".join(pct(m.get("test_coverage_" + l)) for l in LEVELS)

    def tests(c):
        if all(not c[l] for l in LEVELS):
            return "pass"
        return "**fail**: " + "; ".join("%s %% %s" % (l, ", ".join(c[l])) for l in LEVELS if c[l])
    scores = []
    for l in LEVELS:
        if vs[l] is None:
            scores.append("no GARCH")
        else:
            s_, g, p = vs[l]
            scores.append("%s vs %s (%+.1f %%, DM p %s)" % (f(s_), f(g), 100 * (s_ / g - 1), p3(p)))
    below = [l for l in LEVELS if vs[l] is not None and vs[l][0] < vs[l][1]]
    word = "**both levels**" if len(below) == 2 else ("%s %% only" % below[0] if below else "neither")
    return "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        label(d), d["t"].get("closecast.data.test_range", "?"), "%d" % m["test_days"] if "test_days" in m else "-",
        point, coverage, tests(cal), tests(gcal) if m.get("garch_fitted") == 1.0 else "not fitted",
        scores[0], scores[1], word)


def fold_counts(d, folds):
    """Over the folds: how many pass the coverage tests at both levels, how many score below GARCH at both."""
    passed = below = n = 0
    for _, pre, _ in periods(d, folds)[1:]:
        n += 1
        cal = calibration(d["m"], pre)
        passed += all(not cal[l] for l in LEVELS)
        vs = vs_garch(d["m"], pre)
        below += all(vs[l] is not None and vs[l][0] < vs[l][1] for l in LEVELS)
    return passed, below, n


def point_rows(d, folds, test_days):
    rows = []
    for name, pre, days in periods(d, folds):
        m = d["m"]
        n = m.get(pre + "test_days", test_days if pre else None)
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label(d), name, days, "-" if n is None else "%d" % n, f(m.get(pre + "test_mae"), 3),
            f(m.get(pre + "test_rmse"), 3), "-" if m.get(pre + "test_mape") is None else "%.2f %%" % m[pre + "test_mape"], f(m.get(pre + "naive_test_mae"), 3),
            f(m.get(pre + "test_mase"), 4), f(m.get(pre + "test_dm_abs_p_better")),
            f(m.get(pre + "test_dm_sq_p_better")), f(m.get(pre + "test_r2"), 4), f(m.get(pre + "naive_test_r2"), 4),
            f(m.get(pre + "test_directional_accuracy")), f(m.get(pre + "test_majority_sign_accuracy")),
            f(m.get(pre + "test_up_share")), reads(m.get(pre + "test_mase"), m.get(pre + "test_dm_abs_p_better"))))
    return rows


def interval_table(d, folds):
    m = d["m"]
    head = ["| part, days | method |"]
    rule = ["|---|---|"]
    for level in LEVELS:
        head.append(" coverage %s (misses) | score %s | Kupiec p | indep. p | cond. cov. p | DM p vs GARCH |" % (level, level))
        rule.append("---|---|---|---|---|---|")
    lines = ["".join(head), "".join(rule)]
    for name, pre, days in periods(d, folds):
        scores = {l: [m.get("%s%stest_interval_score_%s" % (pre, meth, l)) for meth, _ in METHODS] for l in LEVELS}
        for meth, mname in METHODS:
            cells = ["%s, %s" % (name, days) if meth == "" else "", mname]
            for level in LEVELS:
                k = lambda s: "%s%stest_%s_%s" % (pre, meth, s, level)
                score = m.get(k("interval_score"))
                best = score is not None and score == min((s for s in scores[level] if s is not None), default=None)
                misses = m.get(k("misses"))
                cells += ["%s (%s)" % (pct(m.get(k("coverage"))), "-" if misses is None else "%d" % misses),
                          ("**%s**" if best else "%s") % f(score), pv(m.get(k("kupiec_p"))),
                          pv(m.get(k("christoffersen_ind_p"))), pv(m.get(k("christoffersen_cc_p"))),
                          "" if meth == "garch_" else f(m.get(k("dm_garch_interval_score") + "_p_better"))]
            lines.append("| " + " | ".join(cells) + " |")
    garch = [(name, pre) for name, pre, _ in periods(d, folds)]
    est = []
    for name, pre in garch:
        if m.get(pre + "garch_fitted") == 1.0:
            est.append("%s alpha %s, beta %s, nu %s" % (name, f(m.get(pre + "garch_alpha"), 4),
                                                       f(m.get(pre + "garch_beta"), 4), f(m.get(pre + "garch_nu"), 2)))
        else:
            est.append("%s: not fitted" % name)
    lines.append("")
    lines.append("GARCH(1,1) fitted on each part's training days: " + "; ".join(est) + ".")
    return lines


def commits(sessions):
    """The commits the sessions ran at, in order; with a note when the code under test is the same in all."""
    seen = []
    for x in sessions:
        if x["commit"] not in seen:
            seen.append(x["commit"])
    if len(seen) == 1:
        return "commit " + seen[0]
    try:
        changed = subprocess.run(["git", "diff", "--name-only", seen[0], seen[-1], "--", ".", ":!bench", ":!docs",
                                  ":!*.md", ":!.gitignore"], capture_output=True, text=True, cwd=ROOT, check=True)
        same = not changed.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        same = False
    return "commits " + ", ".join(seen) + (" (the same code: they differ in bench/ and docs only)" if same else "")


def main():
    results, out = sys.argv[1:3]
    meta = json.load(open(os.path.join(results, "meta.json")))
    folds = meta["folds"]
    runs = load(results)
    rel = os.path.relpath(os.path.abspath(results), ROOT)
    s0 = meta["sessions"][0]
    machine = "%s, %s cores, %s" % (s0["cpu"], s0["cores"], s0["os"])
    done = [d["config"] for d in runs]
    wall = sum(d.get("wall_seconds", 0) for d in runs)
    finished = sorted(d["finished"] for d in runs)
    when = "%s to %s" % (finished[0], finished[-1][11:]) if finished else "-"

    calibrated = [d for d in runs if all(not c for c in calibration(d["m"], "").values())]
    failing = [d for d in runs if d not in calibrated]
    winners = [d for d in runs if all(v is not None and v[0] < v[1] for v in vs_garch(d["m"], "").values())]

    text = []
    sessions = meta["sessions"]
    loads = sorted(x.get("load", 0) for x in sessions)
    text.append("Made by `bench/quality.sh` (%s; %s; %s; %s, load average %s at %s); raw outputs, one "
                "trained YAML, training log and MLflow run (every metric, as JSON) per config, in `%s/`. Training "
                "took %d s of wall time for %d configs, each trained %d times (the test split and %d walk-forward "
                "folds of %d days; a sweep: each trial so). Every row below is from this run." % (
                    when, machine, commits(sessions),
                    "one session" if len(sessions) == 1 else "%d sessions, each training only the configs not yet done"
                    % len(sessions),
                    "%.1f" % loads[0] if len(loads) == 1 else "%.1f-%.1f" % (loads[0], loads[-1]),
                    "its start" if len(sessions) == 1 else "their starts",
                    rel, wall, len(runs), folds + 1, folds, meta["test_days"]))
    failed = sorted(open(p).read().strip() for p in glob.glob(os.path.join(results, "*.failed")))
    if failed:
        text.append("")
        text.append("**Not measured in this run** (the training or sweep failed; its log is in the directory above): "
                    + ", ".join("`%s`" % c for c in failed) + ".")
    text.append("")
    text.append("## Verdict per config (held-out test period)")
    text.append("Against the targets: every shipped config's 80 % and 95 % next-day intervals pass Kupiec and "
                "Christoffersen (independence and conditional coverage) at 5 % on its test period, and at least "
                "one shipped config's interval score is below GARCH(1,1)'s at both levels.")
    text.append("")
    text.append("| config | test period | days | point: MASE (DM p), reads as | coverage 80 / 95 | Kupiec and "
                "Christoffersen at 5 % | GARCH(1,1)'s own | score 80 vs GARCH | score 95 vs GARCH | below GARCH at |")
    text.append("|---|---|---|---|---|---|---|---|---|---|")
    text += [verdict_row(d) for d in runs]
    text.append("")
    text.append("**Calibration target: %s.** %d of %d configs pass all three tests at both levels%s." % (
        "met" if not failing else "not met", len(calibrated), len(runs),
        "" if not failing else "; failing: " + ", ".join(label(d) for d in failing)))
    text.append("")
    significant = [d for d in winners if all(v[2] is not None and v[2] < ALPHA for v in vs_garch(d["m"], "").values())]
    text.append("**GARCH target: %s.** %s" % (
        "met" if winners else "not met",
        ("Below GARCH(1,1)'s at both levels: %s; significantly (DM p < 0.05 at both levels): %s." % (
            ", ".join(label(d) for d in winners), ", ".join(label(d) for d in significant) or "none")) if winners else
        "No config's interval score is below GARCH(1,1)'s at both levels on its test period."))
    text.append("")
    text.append("The same two questions on the %d-day walk-forward folds (weak evidence each: %d days hold %d expected "
                "misses at 80 %%, %d at 95 %%):" % (meta["test_days"], meta["test_days"], round(meta["test_days"] * 0.2),
                                                    round(meta["test_days"] * 0.05)))
    text.append("")
    text.append("| config | folds whose intervals pass all three tests at both levels | rejections | folds scoring below "
                "GARCH(1,1) at both levels |")
    text.append("|---|---|---|---|")
    for d in runs:
        passed, below, n = fold_counts(d, folds)
        rejections = []
        for name, pre, _ in periods(d, folds)[1:]:
            cal = calibration(d["m"], pre)
            rejections += ["%s, %s %% (coverage %s): %s" % (name, l, pct(d["m"].get(pre + "test_coverage_" + l)),
                                                              ", ".join(cal[l])) for l in LEVELS if cal[l]]
        text.append("| %s | %d of %d | %s | %d of %d |" % (label(d), passed, n, "; ".join(rejections) or "none",
                                                          below, n))
    text.append("")
    text.append("## Point forecasts against naive (tomorrow = today)")
    text.append("**MAE** and **RMSE** in price units, **MAPE** in percent of the price; naive's MAE on the same days "
                "beside them; **MASE** is the two MAEs' ratio (below 1 beats naive); "
                "**DM p** the one-sided Diebold-Mariano p-value (HLN-corrected) that the model is more accurate than "
                "naive, for absolute and squared errors. **R²** on prices is near 1 for anything that follows the "
                "level, naive included: only the gap to naive's R² says something (see \"R² on prices\" below). "
                "**Direction** is the share of days whose up/down move the model called right, beside the "
                "**majority** sign's and the **up share**: a direction equal to one of them says nothing.")
    text.append("")
    text.append("| config | part | dates | days | MAE | RMSE | MAPE | naive MAE | MASE | DM p abs | DM p sq | R² | naive R² "
                "| direction | majority | up share | reads as |")
    text.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for d in runs:
        text += point_rows(d, folds, meta["test_days"])
    text.append("")
    text.append("A fold of %d days is short: its DM p-values are weak evidence either way. The promotion gate therefore "
                "asks for at least 120 out-of-sample days (README, \"Is a model worth promoting?\")." % meta["test_days"])
    text.append("")
    text.append("## Next-day intervals beside GARCH(1,1), RiskMetrics EWMA and the constant-width baseline")
    text.append("The same days per row group, method `model` the config's own split-conformal intervals; GARCH(1,1) "
                "(Student-t, fitted on the part's training days, filtered with fixed parameters), EWMA (lambda "
                "0.94, normal) and the constant width (naive times the training returns' quantiles) beside it "
                "(section \"Risk forecasts beside GARCH(1,1)\" below). **Score**: mean Winkler interval score in "
                "price units, lower is better, the lowest of the four in bold. **Kupiec p**, Christoffersen "
                "**indep. p** and **cond. cov. p**: in bold where they reject at 5 %. **DM p vs GARCH**: one-sided "
                "Diebold-Mariano p-value that the method's interval scores are lower than GARCH's (small: better "
                "than GARCH; near 1: worse).")
    for d in runs:
        text.append("")
        text.append("### %s" % label(d))
        text.append("Finished %s after %d s of wall time%s." % (
            d["finished"], d.get("wall_seconds", 0), " (the whole sweep)" if "@sweep" in d["config"] else ""))
        text.append("")
        if chosen(d, results):
            text.append("The trial the sweep chose on its validation metric %s (the test period and folds below "
                        "played no part in the choice)." % chosen(d, results))
            text.append("")
        text += interval_table(d, folds)
    text.append("")
    begin, end = "<!-- quality.sh:begin -->\n", "<!-- quality.sh:end -->\n"
    body = "\n".join(text) + "\n"
    try:
        page = open(out).read()
    except OSError:
        page = ""
    if begin in page and end in page:
        page = page[:page.index(begin) + len(begin)] + body + page[page.index(end):]
    else:
        page = "# Forecast quality\n\n" + begin + body + end
    open(out, "w").write(page)
    print(out)


if __name__ == "__main__":
    main()
