"""The report of bench/spark-sweep.sh: its CSV (one row per sweep) and, from MLflow, where each sweep's time went.

    spark_sweep_report.py CSV MACHINE ROUNDS > REPORT.md     (MLFLOW_TRACKING_URI: the server the sweeps logged to)

Start-up: from the parent run's start (the sweep is set up) to the first trial run's start (local: the first trial's
thread; Spark: the context, the executors' JVMs, the first task). Idle per trial: the slots' time from the first
trial's start to the last one's end that no trial run covered, per trial (on Spark: job submission, task
deserialization, a fresh MLflow client and sweep-file parse per task).
"""
import csv
import statistics
import sys

from mlflow import MlflowClient

SLOTS = {"local-p2": 2, "spark-1w": 1, "spark-2w": 2}


def timeline(client, experiment, slots):
    e = client.get_experiment_by_name(experiment)
    runs = client.search_runs([e.experiment_id], max_results=1000)
    parent = [r for r in runs if r.data.tags.get("closecast.kind") == "sweep"][0]
    trials = [r for r in runs if "closecast.trial_index" in r.data.tags and r.info.end_time]
    first = min(r.info.start_time for r in trials)
    last = max(r.info.end_time for r in trials)
    busy = sum(r.info.end_time - r.info.start_time for r in trials)
    return {"startup": (first - parent.info.start_time) / 1000,
            "idle": (slots * (last - first) - busy) / 1000 / len(trials),
            "span": (last - first) / 1000,
            "trial": statistics.median((r.info.end_time - r.info.start_time) / 1000 for r in trials)}


def main(path, machine, rounds):
    client = MlflowClient()
    rows = list(csv.DictReader(open(path)))
    by = {}
    for r in rows:
        r.update(timeline(client, r["experiment"], SLOTS[r["variant"]]))
        by.setdefault(r["variant"], []).append(r)

    def med(v, key):
        return statistics.median(float(r[key]) for r in by[v])

    n = int(rows[0]["trials"])
    stamp = path.split("/")[-1][len("spark-sweep-"):-len(".csv")]
    print(f"# Sweeps on Spark vs local threads ({stamp} UTC)\n")
    print(f"`bench/spark-sweep.sh {rounds}`: {n} trials (the quickstart space, 4 epochs, no pruning), {rounds} rounds, the")
    print("variants interleaved and rotated; whole `bin/closecast sweep` commands timed. Machine: " + machine + ".\n")
    print("| variant | slots | wall per round (s) | median wall (s) | trials / hour | start-up (s) | trial run (s) | idle per trial (s) | overhead per trial vs local-p2 |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for v in ["local-p2", "spark-1w", "spark-2w"]:
        walls = ", ".join(r["wall_s"] for r in by[v])
        over = "-" if v == "local-p2" else f"{(med(v, 'wall_s') - med('local-p2', 'wall_s')) / n:+.1f} s"
        print(f"| {v} | {SLOTS[v]} | {walls} | {med(v, 'wall_s'):.1f} | {n * 3600 / med(v, 'wall_s'):.0f} | "
              f"{med(v, 'startup'):.1f} | {med(v, 'trial'):.2f} | {med(v, 'idle'):.1f} | {over} |")
    print("\nMedians over the rounds. Start-up: parent run start to first trial start; trial run: a trial's MLflow run,")
    print("start to end; idle per trial: slot time between the first trial's start and the last one's end not covered by")
    print("a trial run, per trial; overhead per trial: (median wall - local-p2's) / trials.\n")
    print("| round | variant | wall (s) | start-up (s) | first trial start to last end (s) | idle per trial (s) |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['round']} | {r['variant']} | {r['wall_s']} | {r['startup']:.1f} | {r['span']:.1f} | {r['idle']:.1f} |")


if __name__ == "__main__":
    main(*sys.argv[1:4])
