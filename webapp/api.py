"""The JSON API: POST /api/predict and GET /healthz (its description: webapp/openapi.py)."""

import logging

import numpy as np
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from model_training.core.drawing_checks import DrawingError
from webapp.database import described
from webapp.inference import ModelUnavailable
from webapp.limits import limiter, one_of_few_in_progress, prediction_points
from webapp.models import Contribution
from webapp.schemas import BodyError, Health, Prediction, PredictionRequest, parsed

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__)


def predict(body):
    """A request body (bytes) -> (response body, status): the guesses, or an error saying why not."""
    predictor = current_app.extensions["predictor"]
    try:
        asked = parsed(PredictionRequest, body)
        if asked.strokes is not None:
            stroke3 = np.array(asked.strokes, dtype=np.float64)
        else:  # framed and simplified by the loaded model's own preprocessing, as the page does it
            stroke3 = predictor.stroke3([list(stroke) for stroke in asked.drawing], asked.canvas_size)
        answer = predictor.predict(stroke3, asked.top_k, asked.embedding)
        return Prediction(**answer).model_dump(exclude_none=True), 200
    except BodyError as error:
        return {"error": str(error)}, error.status
    except DrawingError as error:
        return {"error": str(error)}, 422
    except ModelUnavailable as error:
        return {"error": f"predictions are unavailable: {error}"}, 503


@bp.post("/api/predict")
@limiter.limit(lambda: current_app.config["PREDICT_POINTS_RATE"], cost=prediction_points)
def api_predict():
    if not request.is_json:
        return jsonify(error="send JSON with Content-Type: application/json"), 415
    with one_of_few_in_progress():
        body, status = predict(request.get_data())
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
    """'ok' when the table shared rounds go to can be read, else 'unavailable' (the reason goes to the log,
    one line). `SELECT 1` would say ok of a database that lost its tables or its file."""
    try:
        with current_app.extensions["database"].connect() as connection:
            connection.execute(select(Contribution.id).limit(1))
        return "ok"
    except SQLAlchemyError as error:
        log.error("health check: the database does not answer: %s", described(error))
        return "unavailable"


@bp.get("/healthz")
def healthz():
    """200 while predictions work (shared rounds wait in the page while the database is away), else 503."""
    predictor = current_app.extensions["predictor"]
    database = database_status()
    if predictor.ready:
        return jsonify(Health(status="ok", model_version=predictor.version, database=database).model_dump()), 200
    health = Health(status="degraded", error=predictor.error, database=database)
    return jsonify(health.model_dump(exclude_none=True)), 503
