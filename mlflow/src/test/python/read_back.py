"""Reads back, with MLflow's own Python client, what closecast's Java client wrote; prints one JSON line.

Usage: MLFLOW_TRACKING_URI=... python read_back.py RUN_ID CHILD_RUN_ID MODEL_NAME ALIAS METRIC_KEY ARTIFACT_DIR DEST
"""
import hashlib
import json
import os
import sys

import mlflow
import mlflow.artifacts
from mlflow import MlflowClient


def sha256_tree(root):
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root).replace(os.sep, "/")] = hashlib.sha256(f.read()).hexdigest()
    return out


def main(run_id, child_id, model_name, alias, metric_key, artifact_dir, dest):
    client = MlflowClient()
    run = mlflow.get_run(run_id)
    child = mlflow.get_run(child_id)
    version = client.get_model_version_by_alias(model_name, alias)
    history = client.get_metric_history(run_id, metric_key)
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=artifact_dir, dst_path=dest)
    result = {
        "run": {
            "run_id": run.info.run_id,
            "run_name": run.info.run_name,
            "status": run.info.status,
            "experiment_id": run.info.experiment_id,
            "params": dict(run.data.params),
            "metrics": dict(run.data.metrics),
            "tags": {k: v for k, v in run.data.tags.items()},
        },
        "child": {
            "run_id": child.info.run_id,
            "parent_run_id": child.data.tags.get("mlflow.parentRunId"),
            "run_name": child.info.run_name,
        },
        "model_version": {
            "name": version.name,
            "version": int(version.version),
            "run_id": version.run_id,
            "source": version.source,
            "status": version.status,
            "aliases": list(version.aliases),
            "tags": dict(version.tags),
        },
        "history": [[m.step, m.value, m.timestamp] for m in sorted(history, key=lambda m: (m.step, m.timestamp))],
        "artifacts": sha256_tree(local),
    }
    print("CLOSECAST_JSON " + json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) != 8:
        sys.exit("usage: read_back.py RUN_ID CHILD_RUN_ID MODEL_NAME ALIAS METRIC_KEY ARTIFACT_DIR DEST")
    main(*sys.argv[1:])
