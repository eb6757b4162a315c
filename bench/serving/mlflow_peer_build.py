"""Peer b: saves the weights.json network as an MLflow model directory for `mlflow models serve`.
Usage: python mlflow_peer_build.py OUT_DIR [--flavor pytorch|keras]   (default: pytorch if torch imports, else keras)
The saved model takes raw closes shaped (batch, 60, 1) float32 and returns prices: the min-max scaling and its
inverse are inside the model, so /invocations does the same work as closecast's /v1/predict."""
import argparse
import os
import shutil
import sys

import numpy as np

import lstm_ref


def torch_model(w):
    import torch

    class Forecaster(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(input_size=w["features"], hidden_size=w["units"][0],
                                      num_layers=len(w["units"]), batch_first=True)
            self.head = torch.nn.Linear(w["units"][-1], w["horizon"])
            self.register_buffer("lo", torch.tensor(float(w["scaler"]["min"])))
            self.register_buffer("hi", torch.tensor(float(w["scaler"]["max"])))

        def forward(self, x):
            x = (x - self.lo) / (self.hi - self.lo)
            out, _ = self.lstm(x)
            return self.head(out[:, -1, :]) * (self.hi - self.lo) + self.lo

    if len(set(w["units"])) != 1:
        raise ValueError(f"units: torch.nn.LSTM stacking expects equal units per layer, found {w['units']}")
    m = Forecaster()
    with torch.no_grad():
        for k, lw in enumerate(w["lstm"]):  # PyTorch: weight_ih [4n, in], gates i, f, g, o; two biases
            getattr(m.lstm, f"weight_ih_l{k}").copy_(torch.tensor(np.asarray(lw["W"]).T, dtype=torch.float32))
            getattr(m.lstm, f"weight_hh_l{k}").copy_(torch.tensor(np.asarray(lw["R"]).T, dtype=torch.float32))
            getattr(m.lstm, f"bias_ih_l{k}").copy_(torch.tensor(lw["b"], dtype=torch.float32))
            getattr(m.lstm, f"bias_hh_l{k}").zero_()
        m.head.weight.copy_(torch.tensor(np.asarray(w["dense"]["W"]).T, dtype=torch.float32))
        m.head.bias.copy_(torch.tensor(w["dense"]["b"], dtype=torch.float32))
    return m.eval()


def keras_model(w):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    from keras_peer import build_model  # same builder as peer a
    lo, hi = w["scaler"]["min"], w["scaler"]["max"]
    inner = build_model(w)
    inputs = keras.Input(shape=(w["window"], w["features"]))
    x = keras.layers.Rescaling(1.0 / (hi - lo), offset=-lo / (hi - lo))(inputs)
    y = keras.layers.Rescaling(hi - lo, offset=lo)(inner(x))
    return keras.Model(inputs, y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--flavor", choices=["pytorch", "keras"])
    a = p.parse_args()
    flavor = a.flavor
    if flavor is None:
        try:
            import torch  # noqa: F401
            flavor = "pytorch"
        except Exception as e:  # noqa: BLE001
            print(f"torch does not import ({e}); using the Keras flavor", file=sys.stderr)
            flavor = "keras"
    import mlflow
    from mlflow.models import infer_signature
    w = lstm_ref.load()
    closes = lstm_ref.request_closes(os.path.dirname(os.path.dirname(lstm_ref.HERE)), w["window"])
    example = np.asarray(closes, np.float32).reshape(1, w["window"], 1)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    if flavor == "pytorch":
        import torch
        model = torch_model(w)
        with torch.no_grad():
            y = model(torch.from_numpy(example)).numpy()
        mlflow.pytorch.save_model(model, a.out, signature=infer_signature(example, y), input_example=example)
    else:
        model = keras_model(w)
        y = model.predict(example, verbose=0)
        mlflow.tensorflow.save_model(model, a.out, signature=infer_signature(example, y))
    ref = lstm_ref.forward(w, closes)
    print(f"saved {flavor} MLflow model to {a.out}; its forecast {float(y[0][0]):.6f}, reference {ref[0]:.6f}")
    with open(os.path.join(a.out, "bench-flavor.txt"), "w") as f:
        f.write(flavor + "\n")


if __name__ == "__main__":
    main()
