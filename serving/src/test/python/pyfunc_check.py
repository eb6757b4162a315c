"""Uses a closecast model version the way an MLflow user does, with no Java: MLflow's Python client, the
python_function flavor, `mlflow models predict` and `mlflow models serve --env-manager local`. Prints one
line `CLOSECAST_JSON {...}` with what each answered; the Java IT compares it with the Java service.

Usage: MLFLOW_TRACKING_URI=... python pyfunc_check.py MODEL_NAME VERSION WINDOWS_JSON WORK_DIR SERVE_PORT
       python pyfunc_check.py --local BUNDLE_DIR WINDOWS_JSON     (only mlflow.pyfunc.load_model(BUNDLE_DIR) on the windows)
       python pyfunc_check.py --local BUNDLE_DIR WINDOWS_JSON H [PORT]   (the same, each window with its intervals,
           horizon H; with PORT also MLflow's ScoringServerClient against the closecast service there, first 3 windows)
       python pyfunc_check.py --local-frames BUNDLE_DIR FRAMES_JSON   (a model with bar features: each frame through
           mlflow.pyfunc.load_model(BUNDLE_DIR).predict and the loader's own encode, its scaled inputs)
WINDOWS_JSON holds {"windows": [[price, ...], ...]} (oldest first); each window is forecast one day ahead.
FRAMES_JSON holds {"frames": [{"Open": [...], "High": [...], ...}, ...], "refused": {...}}: bars oldest first; the
"refused" frame must be refused by the loader (its error message is reported).
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import Model, convert_input_example_to_serving_input


def http(url, body=None):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def mlflow_cli(*args, **kwargs):
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.Popen([sys.executable, "-m", "mlflow", *args], env=env, start_new_session=True, **kwargs)


def main(name, version, windows_json, work, port):
    tracking = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
    client = MlflowClient()
    uri = f"models:/{name}/{version}"
    result = {"download_uri": client.get_model_version_download_uri(name, version)}
    result["get_artifact_status"], mlmodel = http(
        f"{tracking}/model-versions/get-artifact?name={name}&version={version}&path=MLmodel")
    result["signature_inputs"] = [c["name"] for c in json.loads(Model.load(uri).signature.inputs.to_json())]

    local = mlflow.artifacts.download_artifacts(uri, dst_path=os.path.join(work, "bundle"))
    example = Model.load(local).load_input_example(local)
    payload = convert_input_example_to_serving_input(example)
    result["serving_payload"] = json.loads(payload)

    model = mlflow.pyfunc.load_model(uri)
    result["pyfunc_example"] = [float(v) for v in model.predict(example)]
    result["pyfunc_example_horizon_3"] = [float(v) for v in model.predict(example, params={"horizon": 3})]
    with open(windows_json, encoding="utf-8") as f:
        windows = json.load(f)["windows"]
    column = result["signature_inputs"][0]
    result["pyfunc_windows"] = [float(model.predict(pd.DataFrame({column: w}))[0]) for w in windows]

    payload_file = os.path.join(work, "payload.json")
    with open(payload_file, "w", encoding="utf-8") as f:
        f.write(payload)
    out_file = os.path.join(work, "predict-out.json")
    predict = mlflow_cli("models", "predict", "-m", local, "-i", payload_file, "-t", "json", "-o", out_file,
                         "--env-manager", "local", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = predict.communicate(timeout=300)[0].decode("utf-8", "replace")
    result["models_predict_exit"] = predict.returncode
    result["models_predict"] = json.load(open(out_file, encoding="utf-8")) if predict.returncode == 0 else output

    log = open(os.path.join(work, "serve.log"), "wb")
    serve = mlflow_cli("models", "serve", "-m", local, "-h", "127.0.0.1", "-p", str(port), "--env-manager", "local",
                       stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180
        status = None
        while time.time() < deadline and serve.poll() is None:
            try:
                status = http(f"http://127.0.0.1:{port}/ping")[0]
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        result["serve_ping"] = status
        result["serve_status"], body = http(f"http://127.0.0.1:{port}/invocations", payload.encode("utf-8"))
        result["serve_answer"] = json.loads(body) if result["serve_status"] == 200 else body
    finally:
        # the server's workers are its children: stop the whole process group it leads
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
    print("CLOSECAST_JSON " + json.dumps(result))


def scoring_client(port, column, windows, horizon):
    """MLflow's own scoring client (what `mlflow models serve` users call) against closecast's /invocations: it must
    accept the answer (PredictionsResponse) with interval_method and intervals beside the predictions."""
    from mlflow.pyfunc.scoring_server.client import ScoringServerClient

    client = ScoringServerClient("127.0.0.1", port)
    answers = []
    for w in windows:
        response = client.invoke(pd.DataFrame({column: w}), params={"horizon": horizon, "intervals": True})
        answers.append({"predictions": response.get_predictions(predictions_format="ndarray").tolist(),
                        "interval_method": response["interval_method"], "intervals": response["intervals"]})
    return answers


def local(bundle, windows_json, horizon=None, port=None):
    model = mlflow.pyfunc.load_model(bundle)
    column = json.loads(Model.load(bundle).signature.inputs.to_json())[0]["name"]
    with open(windows_json, encoding="utf-8") as f:
        windows = json.load(f)["windows"]
    result = {}
    if horizon is None:
        result["pyfunc_windows"] = [float(model.predict(pd.DataFrame({column: w}))[0]) for w in windows]
    else:
        # the intervals through MLflow's own params: one data frame per window, as columns
        result["pyfunc_intervals"] = [
            model.predict(pd.DataFrame({column: w}), params={"horizon": horizon, "intervals": True}).to_dict("list")
            for w in windows]
    if port is not None:
        result["scoring_client"] = scoring_client(port, column, windows[:3], horizon)
    print("CLOSECAST_JSON " + json.dumps(result))


def local_frames(bundle, frames_json):
    sys.path.insert(0, os.path.join(bundle, "code"))
    import closecast_pyfunc

    loader = closecast_pyfunc.CloseCastModel(bundle)
    model = mlflow.pyfunc.load_model(bundle)
    with open(frames_json, encoding="utf-8") as f:
        given = json.load(f)
    result = {"pyfunc_frames": [], "encoded": []}
    for frame in given["frames"]:
        result["pyfunc_frames"].append(float(model.predict(pd.DataFrame(frame))[0]))
        cols = {name: np.asarray(frame[name], dtype=np.float64)[None, :] for name in loader.columns}
        cols["price"] = cols[loader.price_column]
        result["encoded"].append(loader.encode(cols)[0].tolist())
    try:
        model.predict(pd.DataFrame(given["refused"]))
        result["refused"] = None
    except Exception as e:  # MLflow may wrap the loader's ValueError; its message is what a user reads
        result["refused"] = str(e)
    print("CLOSECAST_JSON " + json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "--local-frames":
        local_frames(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--local":
        local(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else None,
              int(sys.argv[5]) if len(sys.argv) > 5 else None)
    else:
        main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
