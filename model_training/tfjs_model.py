"""Read an exported TF.js layers model back into tf_keras, decoding its (quantised) weights exactly as
TF.js does, so the server runs the very weights the browser runs.

Kept free of the tensorflowjs package: the web server then starts without the converter's imports.
"""

import json
from pathlib import Path

import numpy as np
import tf_keras as keras

QUANTISED = {"uint8": np.uint8, "uint16": np.uint16, "float16": np.float16}


def decode_weights(manifest, read_file):
    """{name: float32 array} from a weightsManifest; read_file(path) -> bytes."""
    weights = {}
    for group in manifest:
        data = b"".join(read_file(path) for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"], dtype=np.int64))
            quantization = spec.get("quantization")
            dtype = np.dtype(QUANTISED[quantization["dtype"]] if quantization else spec["dtype"])
            values = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
            offset += count * dtype.itemsize
            if quantization and quantization["dtype"] != "float16":
                values = values * quantization["scale"] + quantization["min"]  # TF.js: float64, then float32
            weights[spec["name"]] = values.astype(np.float32).reshape(spec["shape"])
    return weights


def load_tfjs_model(model_dir):
    """model.json + weight shards in model_dir -> a tf_keras model with the decoded weights."""
    folder = Path(model_dir)
    model_json = json.loads((folder / "model.json").read_text())
    model = keras.models.model_from_json(json.dumps(model_json["modelTopology"]["model_config"]))
    weights = decode_weights(model_json["weightsManifest"], lambda path: (folder / path).read_bytes())
    names = [w.name.removesuffix(":0") for w in model.weights]
    missing = sorted(set(names) - set(weights))
    if missing:
        raise ValueError(f"model.json has no weights for {', '.join(missing)}")
    model.set_weights([weights[name] for name in names])
    return model


def read_metadata(model_dir):
    return json.loads((Path(model_dir) / "metadata.json").read_text())
