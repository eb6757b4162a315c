"""Turns one run directory of bench/serving/run.sh into the markdown results table.
Usage: python report.py RUN_DIR OUT_MD   (exit 1 when an answer check failed or a load run had errors)
RUN_DIR holds targets.tsv (name, role, url, settings, startup seconds or "-", shares_weights; role is closecast,
closecast-variant, closecast-build or peer), load.tsv (target, connections, round, 1-minute load at its start),
wrk-NAME-cC-rR.txt (wrk output with a BENCHJSON line, per round R), rss-NAME-cC.txt (summed VmRSS samples in kB),
response-NAME.json (one answer to the benchmark body) and machine.txt."""
import json
import math
import os
import statistics
import sys

import lstm_ref

SCALED_TOL = 1e-5  # on the network's own (min-max scaled) output; float32 nets vs the float64 reference


def first_number(v):
    """The first prediction in an answer: {"predictions": [x]} / {"predictions": [[x]]} / [x] / x."""
    if isinstance(v, dict):
        if "predictions" not in v:
            raise ValueError(f"expected a 'predictions' field, found keys {sorted(v)}")
        return first_number(v["predictions"])
    if isinstance(v, list):
        if not v:
            raise ValueError("expected a non-empty predictions array, found []")
        return first_number(v[0])
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"expected a number, found {v!r}")
    if not math.isfinite(v):
        raise ValueError(f"expected a finite number, found {v}")
    return float(v)


def wrk_result(path):
    with open(path) as f:
        text = f.read()
    for line in text.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line[len("BENCHJSON "):])
    raise ValueError(f"{path}: expected a BENCHJSON line from post.lua, found none (wrk failed?)\n{text[-500:]}")


def rss_stats(path):
    try:
        with open(path) as f:
            kb = [int(x) for x in f.read().split() if x.isdigit() and int(x) > 0]
    except FileNotFoundError:
        return None
    return (statistics.median(kb) / 1024, max(kb) / 1024) if kb else None


def wrk_threads(run):
    p = os.path.join(run, "wrk-threads.txt")  # runs before --wrk-threads used 2 (1 at one connection)
    return open(p).read().strip() if os.path.exists(p) else "2"


def ms(us):
    return f"{us / 1000:.2f}"


def main():
    run, out = sys.argv[1], sys.argv[2]
    conns = [int(c) for c in open(os.path.join(run, "connections.txt")).read().split()]
    targets = []
    with open(os.path.join(run, "targets.tsv")) as f:
        for line in f:
            name, role, url, settings, startup, shares = line.rstrip("\n").split("\t")
            targets.append(dict(name=name, role=role, url=url, settings=settings, startup=startup,
                                shares=shares == "yes"))
    w = lstm_ref.load()
    body = json.load(open(os.path.join(run, "body.json")))
    ref = lstm_ref.forward(w, body["closes"])[0]
    span = w["scaler"]["max"] - w["scaler"]["min"]
    failed = []

    # answer checks
    check_rows = []
    for t in targets:
        try:
            got = first_number(json.load(open(os.path.join(run, f"response-{t['name']}.json"))))
            if t["shares"]:
                d = abs(got - ref) / span
                ok = d <= SCALED_TOL
                verdict = f"{'OK' if ok else 'FAIL'}: equals the reference within {d:.1e} (scaled), {abs(got - ref):.1e} (price)"
                if not ok:
                    failed.append(f"{t['name']}: answer {got} differs from the reference {ref}")
            else:
                verdict = "OK: a finite number (own model, not compared)"
            check_rows.append(f"| {t['name']} | {got:.6f} | {verdict} |")
        except Exception as e:  # noqa: BLE001
            failed.append(f"{t['name']}: {e}")
            check_rows.append(f"| {t['name']} | - | FAIL: {e} |")

    # load results: medians over rounds
    rounds = int(open(os.path.join(run, "rounds.txt")).read())
    res = {}
    for t in targets:
        for c in conns:
            rs = []
            for r in range(1, rounds + 1):
                p = os.path.join(run, f"wrk-{t['name']}-c{c}-r{r}.txt")
                if not os.path.exists(p):
                    continue
                x = wrk_result(p)
                x["rps"] = x["requests"] / (x["duration_us"] / 1e6)
                x["round"] = r
                x["errors"] = sum(x[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors",
                                                 "timeouts"))
                rs.append(x)
                if x["errors"]:
                    failed.append(f"{t['name']} c={c} round {r}: {x['errors']} errors (non-2xx {x['status_errors']}, "
                                  f"timeouts {x['timeouts']}, read {x['read_errors']}, connect {x['connect_errors']})")
            if rs:
                res[(t["name"], c)] = {
                    "rps": statistics.median(x["rps"] for x in rs), "rps_min": min(x["rps"] for x in rs),
                    "rps_max": max(x["rps"] for x in rs), "n": len(rs),
                    "p50_us": statistics.median(x["p50_us"] for x in rs),
                    "p99_us": statistics.median(x["p99_us"] for x in rs),
                    "errors": sum(x["errors"] for x in rs),
                    "requests": statistics.median(x["requests"] for x in rs),
                    "rss": rss_stats(os.path.join(run, f"rss-{t['name']}-c{c}.txt")),
                    "rounds": {x["round"]: x for x in rs}}

    peers = [t for t in targets if t["role"] == "peer"]
    closecast = [t for t in targets if t["role"] == "closecast"]
    lines = [f"# Serving benchmark: closecast vs the peers a user would pick", "",
             f"Run `{os.path.basename(run)}`; wrk for {open(os.path.join(run, 'duration.txt')).read().strip()} per "
             f"concurrency level and round, {rounds} round(s), medians shown (req/s min-max over rounds in brackets); "
             f"after a short warm-up; each target started fresh and stopped after, the peers one at a time, the closecast "
             f"targets side by side with their rounds interleaved; wrk with "
             f"{wrk_threads(run)} thread(s) per level (at most one per connection).",
             "Body: 60 real PETR4.SA closes (the last 60 rows of data/PETR4.SA.csv), horizon 1.", "",
             "## Throughput and latency", "",
             "| target | connections | req/s (min-max) | p50 ms | p99 ms | answers per round | errors | RSS median / max under load (MiB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for t in targets:
        for c in conns:
            r = res.get((t["name"], c))
            if r is None:
                lines.append(f"| {t['name']} | {c} | - | - | - | - | not run | - |")
                continue
            rss = f"{r['rss'][0]:.0f} / {r['rss'][1]:.0f}" if r["rss"] else "-"
            lines.append(f"| {t['name']} | {c} | {r['rps']:.1f} ({r['rps_min']:.1f}-{r['rps_max']:.1f}) | "
                         f"{ms(r['p50_us'])} | {ms(r['p99_us'])} | {r['requests']:.0f}{' (*)' if r['requests'] < 2 * c else ''} | "
                         f"{r['errors']} | {rss} |")
    if any(r["requests"] < 2 * c for (n, c), r in res.items()):
        lines += ["", "(*) fewer answers per round than 2 x connections: requests still waiting when wrk stopped are "
                      "not in the latencies, so p50/p99 understate the wait at that level."]
    if closecast and peers:
        cc = closecast[0]["name"]
        lines += ["", f"## {cc} throughput / best peer's throughput", "", "| connections | best peer (median req/s) | closecast / best peer |",
                  "|---:|---|---:|"]
        for c in conns:
            pr = [(res[(p['name'], c)]["rps"], p["name"]) for p in peers if (p["name"], c) in res]
            if (cc, c) in res and pr:
                best = max(pr)
                lines.append(f"| {c} | {best[1]} ({best[0]:.1f} req/s) | {res[(cc, c)]['rps'] / best[0]:.2f}x |")
    others = [t for t in targets if t["role"] in ("closecast-variant", "closecast-build")]
    if closecast and others:
        cc = closecast[0]["name"]
        lines += ["", f"## {cc} beside its variants (other JVM flags) and other builds (another checkout), settings below", "",
                  "Started side by side, rounds interleaved (each round runs every target in turn, the order reversed "
                  "every other round): the per-round ratios compare minutes the targets shared.", "",
                  "| target | connections | req/s target / closecast: median of per-round ratios (rounds) "
                  "| p50 ms closecast / target | p99 ms closecast / target | p50 target / closecast: median of per-round ratios |",
                  "|---|---:|---:|---:|---:|---:|"]
        for v in others:
            for c in conns:
                a, b = res.get((cc, c)), res.get((v["name"], c))
                if a and b:
                    paired = sorted(set(a["rounds"]) & set(b["rounds"]))
                    rps_ratios = [b["rounds"][r]["rps"] / a["rounds"][r]["rps"] for r in paired]
                    p50_ratios = [b["rounds"][r]["p50_us"] / a["rounds"][r]["p50_us"] for r in paired]
                    lines.append(f"| {v['name']} | {c} | {statistics.median(rps_ratios):.2f}x "
                                 f"({' / '.join(f'{x:.2f}' for x in rps_ratios)}) | "
                                 f"{ms(a['p50_us'])} / {ms(b['p50_us'])} | {ms(a['p99_us'])} / {ms(b['p99_us'])} | "
                                 f"{statistics.median(p50_ratios):.2f}x ({' / '.join(f'{x:.2f}' for x in p50_ratios)}) |")
    lines += ["", "## Targets, settings, start-up", "", "| target | role | endpoint | settings | start-up to ready (s) |",
              "|---|---|---|---|---:|"]
    for t in targets:
        lines.append(f"| {t['name']} | {t['role']} | `{t['url']}` | {t['settings']} | {t['startup']} |")
    lines += ["", f"## Answer check (reference: float64 NumPy forward pass of weights.json = {ref:.6f}; "
                  f"tolerance {SCALED_TOL:g} on the scaled output)", "", "| target | first prediction | check |",
              "|---|---:|---|"] + check_rows
    lines += ["", "## Machine", "", "```", open(os.path.join(run, "machine.txt")).read().rstrip()]
    load_path = os.path.join(run, "load.tsv")  # one line per measured round: target, connections, round, load
    if os.path.exists(load_path):
        loads = [float(line.split("\t")[3]) for line in open(load_path) if line.strip()]
        if loads:
            lines.append(f"1-minute load average as each measured round started: min {min(loads):.2f}, "
                         f"median {statistics.median(loads):.2f}, max {max(loads):.2f} ({len(loads)} rounds)")
    lines += ["```"]
    if failed:
        lines += ["", "## Problems", ""] + [f"- {x}" for x in failed]
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
