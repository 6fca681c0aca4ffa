"""Pages for people: the drawing page, the model page, and the model's files (one package for both engines)."""

from flask import Blueprint, current_app, render_template, send_from_directory

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    predictor = current_app.extensions["predictor"]
    return render_template("index.html", model_error=predictor.error)


@bp.get("/model")
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
