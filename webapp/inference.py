"""Server-side inference with the exported model: the same model.json, weights and metadata.json the
browser loads, checked (schema, checksums) and read once per process, run with numpy."""

import json
import logging
import time
from pathlib import Path

import numpy as np

from model_training.model_package import ModelPackageError, load_package, metrics_are_sound
from model_training.strokes import normalize
from webapp.sketch_model import SketchModel, UnsupportedModel

log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """The model could not be loaded; the message says why, for users (no server paths)."""


class Predictor:
    """Loads the exported model once; `error` says why when it could not. The details go to the log."""

    def __init__(self, model_dir):
        self.model_dir = Path(model_dir)
        self.metadata = None
        self.metrics = None  # metrics.json, for the model page; None when absent or unreadable
        self.layers = []  # name, type, output shape, parameters: for the learn pages
        self.error = None
        self._model = None
        try:
            metadata, model_json, weights = load_package(self.model_dir)
            model = SketchModel(model_json, weights)
            if model.classes != len(metadata["labels"]):
                raise UnsupportedModel(
                    f"the model has {model.classes} outputs but metadata.json lists {len(metadata['labels'])} labels"
                )
        except (ModelPackageError, UnsupportedModel) as error:
            self.error = f"the model could not be loaded: {error}"
            log.error("model in %s not loaded: %s", self.model_dir, error)
            return
        except Exception:  # anything else leaves the app up, without predictions, and the trace in the log
            self.error = "the model could not be loaded: its files are not readable"
            log.exception("model in %s not loaded", self.model_dir)
            return
        self.metadata, self.layers, self._model = metadata, model.layers, model
        self.metrics = self._read_metrics()
        log.info("model %s loaded from %s", self.version, self.model_dir)

    def _read_metrics(self):
        path = self.model_dir / "metrics.json"
        try:
            metrics = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.error("%s not readable, the model page shows no metrics: %s", path, error)
            return None
        if not metrics_are_sound(metrics):
            log.error("%s does not hold what the model page reads, so it shows no metrics", path)
            return None
        return metrics

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
        rows = normalize(stroke3, self.metadata["preprocessing"])
        probabilities = self._model.probabilities(rows)
        best = np.argsort(-probabilities)[:top_k]
        return {
            "guesses": [
                {"label": self.metadata["labels"][i], "probability": round(float(probabilities[i]), 6)} for i in best
            ],
            "points": len(rows),
            "model_version": self.version,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
