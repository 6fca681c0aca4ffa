"""Server-side inference with the exported model: the same package the browser loads (model.json, weights,
metadata.json), read once per process through ModelPackage.from_pretrained and run with numpy."""

import logging
import time
from pathlib import Path

import numpy as np

from model_training.core.model_package import ModelPackage, ModelPackageError

log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """The model could not be loaded; the message says why, for users (no server paths)."""


class Predictor:
    """Loads the exported model once; `error` says why when it could not. The details go to the log."""

    def __init__(self, model_dir):
        self.model_dir = Path(model_dir)
        self.package = None
        self.layers = []  # name, type, output shape, parameters: for the learn pages
        self.error = None
        self._model = None
        try:
            package = ModelPackage.from_pretrained(self.model_dir)
            model = package.engine()
        except ModelPackageError as error:
            self.error = f"the model could not be loaded: {error}"
            log.error("model in %s not loaded: %s", self.model_dir, error)
            return
        except Exception:  # anything else leaves the app up, without predictions, and the trace in the log
            self.error = "the model could not be loaded: its files are not readable"
            log.exception("model in %s not loaded", self.model_dir)
            return
        self.package, self.layers, self._model = package, model.layers, model
        if package.metrics_problem:
            log.warning("model %s: the model page shows no figures: %s", package.version, package.metrics_problem)
        log.info("model %s loaded from %s", self.version, self.model_dir)

    @property
    def ready(self):
        return self._model is not None

    @property
    def metadata(self):
        return self.package.metadata if self.package else None

    @property
    def metrics(self):
        """metrics.json when it was computed for this model, else None (package.metrics_problem says why)."""
        return self.package.metrics if self.package else None

    @property
    def labels(self):
        return self.package.labels if self.package else []

    @property
    def version(self):
        return self.package.version if self.package else None

    def stroke3(self, drawing, canvas_size=None):
        """A Quick, Draw! drawing as the loaded model reads it (ModelPackage.drawing_to_stroke3); raises
        ModelUnavailable (and DrawingError for a bad drawing)."""
        if not self.ready:
            raise ModelUnavailable(self.error)
        return self.package.drawing_to_stroke3(drawing, canvas_size)

    def predict(self, stroke3, top_k, embedding=False):
        """Top-k guesses for one drawing in stroke-3, and with `embedding` the drawing's embedding (see
        model_training.core.own_categories); raises ModelUnavailable."""
        if not self.ready:
            raise ModelUnavailable(self.error)
        started = time.perf_counter()
        rows = self.package.model_input(stroke3)
        probabilities, state = self._model.read(rows)
        best = np.argsort(-probabilities)[:top_k]
        answer = {
            "guesses": [{"label": self.labels[i], "probability": round(float(probabilities[i]), 6)} for i in best],
            "points": len(rows),
            "model_version": self.version,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if embedding:
            answer["embedding"] = [round(float(v), 6) for v in state]
        return answer
