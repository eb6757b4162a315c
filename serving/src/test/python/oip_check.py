"""Drives a running closecast service with NVIDIA Triton's HTTP client of the Open Inference Protocol (KServe v2).

    oip_check.py HOST:PORT API_KEY MODEL

Prints one line `CLOSECAST_JSON {...}` with what each call answered; OipIT compares it with the Java side.
"""
import json
import sys

import numpy as np
import tritonclient.http as http
from tritonclient.utils import InferenceServerException

url, key, model = sys.argv[1], sys.argv[2], sys.argv[3]
headers = {"X-API-Key": key}
client = http.InferenceServerClient(url=url)
out = {}

out["server_live"] = client.is_server_live()
out["server_ready"] = client.is_server_ready()
out["server_metadata"] = client.get_server_metadata()
out["model_ready"] = client.is_model_ready(model, headers=headers)
out["model_metadata"] = client.get_model_metadata(model, headers=headers)


def infer(array, datatype, binary, parameters=None, outputs=None, version=""):
    tensor = http.InferInput("closes", list(array.shape), datatype)
    tensor.set_data_from_numpy(array, binary_data=binary)
    requested = None if outputs is None else [http.InferRequestedOutput(o, binary_data=binary) for o in outputs]
    # a copy: the client adds Inference-Header-Content-Length to the dict it is given, which would outlive this call
    result = client.infer(model, [tensor], model_version=version, outputs=requested, headers=dict(headers),
                          parameters=parameters, request_id="py-1")
    response = result.get_response()
    answer = {"model_version": response["model_version"], "id": response.get("id")}
    for o in response["outputs"]:
        answer[o["name"]] = {"shape": o["shape"], "data": result.as_numpy(o["name"]).ravel().tolist()}
    return answer


one = np.array([1.0, 100.0, 101.0, 102.0, 103.0, 104.0], dtype=np.float64)
batch = np.array([[100, 101, 102, 103, 104], [50, 50, 50, 50, 54]], dtype=np.float32)
# the client's default: binary tensor data after the JSON, no outputs named
out["one_binary_fp64"] = infer(one, "FP64", True, parameters={"horizon": 3})
out["one_json_fp64"] = infer(one, "FP64", False, parameters={"horizon": 3}, version="1")
out["batch_json_fp32_intervals"] = infer(batch, "FP32", False, parameters={"horizon": 2, "intervals": True})
out["batch_binary_fp32_outputs"] = infer(batch, "FP32", True, parameters={"horizon": 2}, outputs=["forecast", "upper"])

errors = {}
for name, call in {
    "datatype": lambda: infer(np.array([1, 2, 3, 4, 5], dtype=np.int32), "INT32", False),
    "shape": lambda: infer(np.array([1.0, 2.0, 3.0], dtype=np.float64), "FP64", False),
    "nan": lambda: infer(np.array([1.0, 2.0, np.nan, 4.0, 5.0], dtype=np.float64), "FP64", False),
    "nan_binary": lambda: infer(np.array([1.0, 2.0, np.nan, 4.0, 5.0], dtype=np.float64), "FP64", True),
    "unknown_model": lambda: client.get_model_metadata("no-such-model", headers=headers),
    "no_key": lambda: client.get_model_metadata(model),
}.items():
    try:
        call()
        errors[name] = {"status": None}
    except InferenceServerException as e:
        errors[name] = {"status": e.status(), "message": e.message()}
out["errors"] = errors
client.close()
print("CLOSECAST_JSON " + json.dumps(out))
