"""The JSON API: POST /api/predict and GET /healthz (its description: webapp/openapi.py)."""

import json

from flask import Blueprint, current_app, jsonify, request

from model_training.strokes import DrawingError, validate_stroke3
from webapp.inference import ModelUnavailable

bp = Blueprint("api", __name__)


class RequestError(ValueError):
    """A request the API refuses; `status` is the HTTP code, the message is shown to the client."""

    def __init__(self, message, status=422):
        super().__init__(message)
        self.status = status


def parse_json(text):
    """A request body's JSON, or RequestError (400) saying why not; never an unhandled exception."""
    try:
        return json.loads(text)
    except RecursionError:
        raise RequestError("malformed JSON: nested too deeply", 400) from None
    except ValueError as error:  # JSONDecodeError, and integers longer than Python converts
        raise RequestError(f"malformed JSON: {error}", 400) from None


def parse_prediction_request(payload):
    """{"strokes": [[dx, dy, pen], ...]} or {"drawing": <Quick, Draw! drawing>}, optional "top_k".

    Returns (stroke3, top_k); raises RequestError saying what is wrong.
    """
    if not isinstance(payload, dict):
        raise RequestError("the body must be a JSON object")
    unknown = set(payload) - {"strokes", "drawing", "top_k"}
    if unknown:
        raise RequestError(f"unknown field(s): {', '.join(sorted(unknown))}")
    if ("strokes" in payload) == ("drawing" in payload):
        raise RequestError("give exactly one of 'strokes' (stroke-3) or 'drawing' (Quick, Draw! format)")
    top_k = payload.get("top_k", current_app.config["TOP_K"])
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= current_app.config["MAX_TOP_K"]:
        raise RequestError(f"'top_k' must be an integer from 1 to {current_app.config['MAX_TOP_K']}")
    try:
        if "strokes" in payload:
            return validate_stroke3(payload["strokes"]), top_k
        # Simplified and scaled by the loaded model's own preprocessing, as the page does it.
        return current_app.extensions["predictor"].stroke3(payload["drawing"]), top_k
    except DrawingError as error:
        raise RequestError(str(error)) from None


def predict(payload):
    """Parse and predict; returns (body, status) for JSON and for the htmx fragment alike."""
    try:
        stroke3, top_k = parse_prediction_request(payload)
        return current_app.extensions["predictor"].predict(stroke3, top_k), 200
    except RequestError as error:
        return {"error": str(error)}, error.status
    except ModelUnavailable as error:
        return {"error": f"predictions are unavailable: {error}"}, 503


@bp.post("/api/predict")
def api_predict():
    if not request.is_json:
        return jsonify(error="send JSON with Content-Type: application/json"), 415
    try:
        payload = parse_json(request.get_data())
    except RequestError as error:
        return jsonify(error=str(error)), error.status
    body, status = predict(payload)
    return jsonify(body), status


@bp.get("/healthz")
def healthz():
    predictor = current_app.extensions["predictor"]
    if predictor.ready:
        return jsonify(status="ok", model_version=predictor.version)
    return jsonify(status="degraded", error=predictor.error), 503
