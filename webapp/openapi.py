"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json and generated from the bodies'
models (webapp/schemas.py), so the document and the validation cannot disagree. tests/test_api.py checks
it names every route; schemathesis calls the app with bodies drawn from it and checks every answer
against it (tests/test_load_and_schema.py)."""

from functools import cache

from flask import Blueprint, current_app, jsonify
from pydantic.json_schema import models_json_schema

from model_training.core.model_package import METADATA_SCHEMA
from webapp.schemas import Contribution, Error, Health, Prediction, PredictionRequest, Stored

bp = Blueprint("openapi", __name__)
REQUESTS = (PredictionRequest, Contribution)
RESPONSES = (Prediction, Stored, Health, Error)


def body(name):
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def answer(description, name="Error"):
    return {"description": description, **body(name)}


def refused(*statuses):
    """The errors a route can answer, each with an {"error": ...} body."""
    meaning = {
        400: "Malformed JSON",
        413: "Body larger than the limit",
        415: "Not JSON",
        422: "A body the API cannot take; the message says which field and why",
        429: "Too many requests from this client; Retry-After says when to try again",
        503: "Unavailable for now (the model, or the database); Retry-After when worth trying again",
    }
    return {str(status): answer(meaning[status]) for status in statuses}


@cache
def components(labels):
    _, schemas = models_json_schema(
        [(model, "validation") for model in REQUESTS] + [(model, "serialization") for model in RESPONSES],
        ref_template="#/components/schemas/{model}",
    )
    schemas = schemas["$defs"]
    schemas["Label"] = {"type": "string", "enum": list(labels), "description": "one of the loaded model's categories"}
    schemas["ModelMetadata"] = {k: v for k, v in METADATA_SCHEMA.items() if k not in ("$schema", "$id")}
    return schemas


def openapi_document(labels):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inkling",
            "version": "1.0.0",
            "description": "Guesses what a Quick, Draw! style drawing shows, from its strokes.",
        },
        "paths": {
            "/api/predict": {
                "post": {
                    "summary": "Top-k guesses for one drawing",
                    "requestBody": {"required": True, **body("PredictionRequest")},
                    "responses": {
                        "200": answer("Guesses, most likely first", "Prediction"),
                        **refused(400, 413, 415, 422, 429, 503),
                    },
                }
            },
            "/api/contributions": {
                "post": {
                    "summary": "Share one game round, for training",
                    "requestBody": {"required": True, **body("Contribution")},
                    "responses": {"201": answer("Stored", "Stored"), **refused(400, 413, 415, 422, 429, 503)},
                }
            },
            "/api/model": {
                "get": {
                    "summary": "The loaded model's description: labels, preprocessing, version (its metadata.json)",
                    "responses": {"200": answer("metadata.json", "ModelMetadata"), **refused(503)},
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Is the model loaded, and does the database answer?",
                    "responses": {
                        "200": answer("Predictions work", "Health"),
                        "503": answer("Running without a model", "Health"),
                    },
                }
            },
        },
        "components": {"schemas": components(tuple(labels))},
    }


@bp.get("/api/openapi.json")
def api_openapi():
    return jsonify(openapi_document(current_app.extensions["predictor"].labels))
