"""Server-side inference with the exported model: the same model.json, weights and metadata.json the
browser loads, read once per process."""

import logging
import time
from pathlib import Path

import numpy as np

from model_training.strokes import normalize

log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """The model files are missing or unreadable; the message says which and why."""


class Predictor:
    """Loads the exported model once; `error` says why when it could not."""

    def __init__(self, model_dir):
        self.model_dir = Path(model_dir)
        self.metadata = None
        self.layers = []  # name, type, output shape, parameters: for the learn pages
        self.error = None
        self._model = None
        try:
            self._load()
        except Exception as error:  # any failure leaves the app up, without predictions
            self.error = f"model not loaded from {self.model_dir}: {type(error).__name__}: {error}"
            log.error(self.error)

    def _load(self):
        # Imported here so that a broken TensorFlow install degrades predictions, not the whole app.
        import tensorflow as tf

        from model_training.tfjs_model import load_tfjs_model, read_metadata

        self.metadata = read_metadata(self.model_dir)
        model = load_tfjs_model(self.model_dir)
        classes = model.output_shape[-1]
        if classes != len(self.metadata["labels"]):
            raise ValueError(f"model has {classes} outputs but metadata.json lists {len(self.metadata['labels'])} labels")
        self.layers = [{"name": layer.name, "type": type(layer).__name__, "output_shape": str(layer.output_shape),
                        "parameters": layer.count_params()} for layer in model.layers]
        # One compiled graph for every length: no retracing per drawing.
        self._model = tf.function(lambda x: model(x, training=False)[0, -1],
                                  input_signature=[tf.TensorSpec((1, None, 3), tf.float32)])
        self._model(tf.zeros((1, 2, 3)))  # warm up, so the first request is not slow
        log.info("model %s loaded from %s", self.metadata["version"], self.model_dir)

    @property
    def ready(self):
        return self._model is not None

    @property
    def version(self):
        return self.metadata["version"] if self.metadata else None

    def predict(self, stroke3, top_k):
        """Top-k guesses for one drawing in stroke-3; raises ModelUnavailable."""
        if not self.ready:
            raise ModelUnavailable(self.error)
        started = time.perf_counter()
        inputs = normalize(stroke3, self.metadata["preprocessing"])[None]
        probabilities = self._model(inputs).numpy()
        best = np.argsort(-probabilities)[:top_k]
        return {
            "guesses": [{"label": self.metadata["labels"][i], "probability": round(float(probabilities[i]), 6)}
                        for i in best],
            "points": int(inputs.shape[1]),
            "model_version": self.version,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }

