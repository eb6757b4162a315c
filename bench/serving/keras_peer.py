"""Peer a, "the seeds' stack": FastAPI + uvicorn + Keras 3 model.predict on the weights.json network.
Run: uvicorn keras_peer:app --host 127.0.0.1 --port P --workers N   (from bench/serving/)
POST /predict {"closes": [60 numbers], "horizon": 1} -> {"horizon": 1, "predictions": [price], "naive": [last close]}
GET /health/ready -> 200 once the model is built and has answered one warm-up call (import time).
BENCH_KERAS_CALL=predict (default: what the seeds' code does) or predict_on_batch (Keras' advice for small
batches: no tf.data iterator per call) picks how the model is called."""
import math
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from fastapi import FastAPI, HTTPException  # noqa: E402
from pydantic import BaseModel  # noqa: E402

import lstm_ref  # noqa: E402

W = lstm_ref.load()
LO, HI = W["scaler"]["min"], W["scaler"]["max"]


def build_model(w):
    inputs = keras.Input(shape=(w["window"], w["features"]))
    x = inputs
    for k, n in enumerate(w["units"]):
        x = keras.layers.LSTM(n, return_sequences=k < len(w["units"]) - 1)(x)
    outputs = keras.layers.Dense(w["horizon"])(x)
    model = keras.Model(inputs, outputs)
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    for layer, lw in zip(lstms, w["lstm"]):  # Keras LSTM weights: kernel, recurrent_kernel, bias; gates i, f, c, o
        layer.set_weights([np.asarray(lw["W"], np.float32), np.asarray(lw["R"], np.float32),
                           np.asarray(lw["b"], np.float32)])
    model.layers[-1].set_weights([np.asarray(w["dense"]["W"], np.float32), np.asarray(w["dense"]["b"], np.float32)])
    return model


MODEL = build_model(W)
CALL = os.environ.get("BENCH_KERAS_CALL", "predict")
if CALL == "predict":
    def _run(x):
        return MODEL.predict(x, verbose=0)
elif CALL == "predict_on_batch":
    def _run(x):
        return MODEL.predict_on_batch(x)
else:
    raise ValueError(f"BENCH_KERAS_CALL: expected predict or predict_on_batch, found {CALL!r}")
_run(np.zeros((1, W["window"], W["features"]), np.float32))  # trace the predict function before we say ready


class PredictRequest(BaseModel):
    closes: list[float]
    horizon: int = 1


app = FastAPI(title="closecast bench peer: FastAPI + Keras")


@app.get("/health/ready")
def ready():
    return {"status": "ready", "backend": keras.backend.backend(), "keras": keras.__version__, "call": CALL}


@app.post("/predict")
def predict(req: PredictRequest):
    if len(req.closes) != W["window"]:
        raise HTTPException(400, f"closes: expected {W['window']} numbers, found {len(req.closes)}")
    if req.horizon != W["horizon"]:
        raise HTTPException(400, f"horizon: expected {W['horizon']} (the model's horizon), found {req.horizon}")
    if not all(math.isfinite(v) for v in req.closes):
        raise HTTPException(400, "closes: expected finite numbers, found NaN or infinity")
    x = (np.asarray(req.closes, np.float32).reshape(1, W["window"], 1) - LO) / (HI - LO)
    y = _run(x)[0] * (HI - LO) + LO
    return {"horizon": req.horizon, "predictions": [float(v) for v in y], "naive": [req.closes[-1]] * req.horizon}
