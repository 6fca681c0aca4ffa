"""Pages for people: the drawing page, the model page, and the server-side guesses fragment (htmx)."""

import json
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory

from webapp.api import predict

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    predictor = current_app.extensions["predictor"]
    return render_template("index.html", model_error=predictor.error)


@bp.post("/predict")
def predict_fragment():
    """The guesses list rendered on the server: the fallback when the browser cannot run the model."""
    try:
        payload = {"strokes": json.loads(request.form.get("strokes", ""))}
    except json.JSONDecodeError:
        payload = {"strokes": None}
    body, status = predict(payload)
    return render_template("_guesses.html", result=body, engine="server"), status


def model_files():
    folder = Path(current_app.config["MODEL_DIR"])
    metrics_path = folder / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else None
    plots = sorted(p.name for p in folder.glob("*.png"))
    return metrics, plots


@bp.get("/model")
def model_page():
    predictor = current_app.extensions["predictor"]
    metrics, plots = model_files()
    return render_template("model.html", metadata=predictor.metadata, error=predictor.error,
                           metrics=metrics, plots=plots)


@bp.get("/model/files/<path:name>")
def model_file(name):
    """The exported model's files, from the same folder the server loads: one model for both engines."""
    return send_from_directory(current_app.config["MODEL_DIR"], name, max_age=3600)
