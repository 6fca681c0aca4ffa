"""Pages for people: the drawing page, the model page, and the server-side guesses fragment (htmx)."""

from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory

from webapp.api import RequestError, parse_json, predict

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    predictor = current_app.extensions["predictor"]
    return render_template("index.html", model_error=predictor.error)


@bp.post("/predict")
def predict_fragment():
    """The guesses list rendered on the server: the fallback when the browser cannot run the model."""
    try:
        body, status = predict({"strokes": parse_json(request.form.get("strokes", ""))})
    except RequestError as error:
        body, status = {"error": str(error)}, error.status
    return render_template("_guesses.html", result=body, engine="server"), status


@bp.get("/model")
def model_page():
    predictor = current_app.extensions["predictor"]
    plots = sorted(p.name for p in Path(current_app.config["MODEL_DIR"]).glob("*.png"))
    return render_template(
        "model.html", metadata=predictor.metadata, error=predictor.error, metrics=predictor.metrics, plots=plots
    )


@bp.get("/model/files/<path:name>")
def model_file(name):
    """The exported model's files, from the same folder the server loads: one model for both engines."""
    return send_from_directory(current_app.config["MODEL_DIR"], name, max_age=3600)
