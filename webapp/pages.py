"""Pages for people: the drawing page, teaching it a person's own categories, the model page, and the
model's files (one package for both engines)."""

from flask import Blueprint, current_app, render_template, send_from_directory

from model_training.core.own_categories import STANDING, THRESHOLD
from webapp.page_cache import shared

bp = Blueprint("pages", __name__)


@bp.get("/")
@shared
def index():
    predictor = current_app.extensions["predictor"]
    return render_template("index.html", model_error=predictor.error, own_threshold=THRESHOLD, own_standing=STANDING)


@bp.get("/teach")
@shared
def teach():
    predictor = current_app.extensions["predictor"]
    return render_template("teach.html", model_error=predictor.error, own_threshold=THRESHOLD, own_standing=STANDING)


@bp.get("/model")
@shared
def model_page():
    predictor = current_app.extensions["predictor"]
    metrics = predictor.metrics  # None unless computed for this very model
    return render_template(
        "model.html",
        metadata=predictor.metadata,
        error=predictor.error,
        metrics=metrics,
        metrics_problem=predictor.package.metrics_problem if predictor.package else None,
        plots=metrics["plots"] if metrics else [],
    )


@bp.get("/model/files/<path:name>")
def model_file(name):
    """The exported model's files, from the same folder the server loads: one model for both engines."""
    return send_from_directory(current_app.config["MODEL_DIR"], name, max_age=3600)
