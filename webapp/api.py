"""The JSON API: POST /api/predict and GET /healthz (its description: webapp/openapi.py)."""

import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from model_training.core.drawing_checks import MAX_COORDINATE, DrawingError, validate_stroke3
from webapp.inference import ModelUnavailable
from webapp.limits import limiter, one_of_few_in_progress, prediction_points
from webapp.request_body import RequestError, parse_json

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__)


def parse_prediction_request(payload):
    """{"strokes": [[dx, dy, pen], ...]} or {"drawing": <Quick, Draw! drawing>, optional "canvas_size"},
    optional "top_k" and "embedding".

    Returns (stroke3, top_k, embedding); raises RequestError saying what is wrong.
    """
    if not isinstance(payload, dict):
        raise RequestError("the body must be a JSON object")
    unknown = set(payload) - {"strokes", "drawing", "canvas_size", "top_k", "embedding"}
    if unknown:
        raise RequestError(f"unknown field(s): {', '.join(sorted(unknown))}")
    if ("strokes" in payload) == ("drawing" in payload):
        raise RequestError("give exactly one of 'strokes' (stroke-3) or 'drawing' (Quick, Draw! format)")
    top_k = payload.get("top_k", current_app.config["TOP_K"])
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= current_app.config["MAX_TOP_K"]:
        raise RequestError(f"'top_k' must be an integer from 1 to {current_app.config['MAX_TOP_K']}")
    embedding = payload.get("embedding", False)
    if not isinstance(embedding, bool):
        raise RequestError("'embedding' must be true or false")
    canvas_size = payload.get("canvas_size")
    if canvas_size is not None and ("drawing" not in payload or not is_canvas_size(canvas_size)):
        raise RequestError(f"'canvas_size' goes with 'drawing' and is a number from 1 to {MAX_COORDINATE:g}")
    try:
        if "strokes" in payload:
            return validate_stroke3(payload["strokes"]), top_k, embedding
        # Framed and simplified by the loaded model's own preprocessing, as the page does it.
        return current_app.extensions["predictor"].stroke3(payload["drawing"], canvas_size), top_k, embedding
    except DrawingError as error:
        raise RequestError(str(error)) from None


def is_canvas_size(value):
    return not isinstance(value, bool) and isinstance(value, (int, float)) and 1 <= value <= MAX_COORDINATE


def predict(payload):
    """Parse and predict; returns (body, status)."""
    try:
        stroke3, top_k, embedding = parse_prediction_request(payload)
        return current_app.extensions["predictor"].predict(stroke3, top_k, embedding), 200
    except RequestError as error:
        return {"error": str(error)}, error.status
    except ModelUnavailable as error:
        return {"error": f"predictions are unavailable: {error}"}, 503


@bp.post("/api/predict")
@limiter.limit(lambda: current_app.config["PREDICT_POINTS_RATE"], cost=prediction_points)
def api_predict():
    if not request.is_json:
        return jsonify(error="send JSON with Content-Type: application/json"), 415
    try:
        payload = parse_json(request.get_data())
    except RequestError as error:
        return jsonify(error=str(error)), error.status
    with one_of_few_in_progress():
        body, status = predict(payload)
    return jsonify(body), status


@bp.get("/api/model")
def api_model():
    """The loaded model's description (its metadata.json: labels, preprocessing, version), for a page that
    cannot fetch the model's files and so lets the server guess."""
    predictor = current_app.extensions["predictor"]
    if not predictor.ready:
        return jsonify(error=f"predictions are unavailable: {predictor.error}"), 503
    return jsonify(predictor.metadata)


def database_status():
    """'ok' when the database answers a query, else 'unavailable' (the reason goes to the log, one line)."""
    try:
        with current_app.extensions["database"].connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as error:
        log.error(
            "health check: the database does not answer: %s", type(getattr(error, "orig", None) or error).__name__
        )
        return "unavailable"


@bp.get("/healthz")
def healthz():
    """200 while predictions work (shared rounds wait in the page while the database is away), else 503."""
    predictor = current_app.extensions["predictor"]
    database = database_status()
    if predictor.ready:
        return jsonify(status="ok", model_version=predictor.version, database=database)
    return jsonify(status="degraded", error=predictor.error, database=database), 503
