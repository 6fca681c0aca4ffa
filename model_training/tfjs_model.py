"""Read an exported TF.js layers model back into tf_keras, decoding its (quantised) weights exactly as
TF.js does, so evaluation and the parity check score the very weights the browser runs.

The web server does not use this: it runs the same weights with numpy (model_training/core/sketch_model.py).
"""

import json
from pathlib import Path

import tf_keras as keras

from model_training.core.model_package import decode_weights


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
