"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json: every /api route and /healthz,
with the bounds and enums that validation applies (tests/test_api.py compares it with the app's routes,
and schemathesis checks the app against it)."""

from flask import Blueprint, current_app, jsonify

from model_training.core.drawing_checks import MAX_COORDINATE, MAX_INPUT_POINTS
from webapp.contributions import CLIENT_ID, MAX_ROUND_MS, MAX_STROKES, MAX_TEXT

bp = Blueprint("openapi", __name__)
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def contribution_schema(config, labels):
    """POST /api/contributions's body, as webapp.contributions.parse_contribution checks it."""
    milliseconds = {"type": "integer", "minimum": 0, "maximum": MAX_ROUND_MS}
    raw_stroke = {
        "type": "array",
        "minItems": 3,
        "maxItems": 3,
        "items": {"type": "array", "minItems": 1, "items": {"type": "number"}},
        "description": "[xs, ys, ts]: screen coordinates and whole milliseconds from the first point, rising",
    }
    label = {"type": "string", "enum": list(labels)}
    return {
        "type": "object",
        "required": [
            "consent",
            "prompt",
            "drawing",
            "recognized",
            "duration_ms",
            "model_version",
            "engine",
            "guesses",
        ],
        "properties": {
            "consent": {"type": "boolean", "enum": [True], "description": "the player chose to share the round"},
            "client_id": {"type": "string", "nullable": True, "pattern": CLIENT_ID.pattern},
            "prompt": label,
            "drawing": {"type": "array", "items": raw_stroke, "minItems": 1, "maxItems": MAX_STROKES},
            "recognized": {"type": "boolean"},
            "recognized_ms": {**milliseconds, "nullable": True, "description": "given exactly when recognized"},
            "duration_ms": milliseconds,
            "model_version": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
            "engine": {"type": "string", "enum": ["browser", "server"]},
            "guesses": {
                "type": "array",
                "maxItems": config["MAX_TOP_K"],
                "items": {
                    "type": "object",
                    "required": ["label", "probability"],
                    "additionalProperties": False,
                    "properties": {"label": label, "probability": {"type": "number", "minimum": 0, "maximum": 1}},
                },
            },
        },
        "additionalProperties": False,
    }


def openapi_document(config, labels):
    number = {"type": "number"}
    stroke3_row = {
        "type": "array",
        "items": number,
        "minItems": 3,
        "maxItems": 3,
        "description": "[dx, dy, pen_lifted]; pen_lifted is 0 or 1",
    }
    stroke = {
        "type": "array",
        "minItems": 2,
        "maxItems": 3,
        "items": {"type": "array", "items": number, "minItems": 1},
        "description": "[xs, ys] (simplified, ints 0..255) or [xs, ys, ts] (raw)",
    }
    request = {
        "type": "object",
        "properties": {
            "strokes": {"type": "array", "items": stroke3_row, "minItems": 1, "maxItems": MAX_INPUT_POINTS},
            "drawing": {"type": "array", "items": stroke, "minItems": 1},
            "canvas_size": {
                "type": "number",
                "minimum": 1,
                "maximum": MAX_COORDINATE,
                "description": "with 'drawing': the longer side of the canvas it was drawn on, in the units of its "
                "points (the page's frame); without it the drawing's own box stands for the canvas",
            },
            "top_k": {"type": "integer", "minimum": 1, "maximum": config["MAX_TOP_K"], "default": config["TOP_K"]},
            "embedding": {
                "type": "boolean",
                "default": False,
                "description": "also return the drawing's embedding, with which the page guesses a person's own "
                "categories (their examples never leave the browser)",
            },
        },
        "additionalProperties": False,
        "oneOf": [{"required": ["strokes"]}, {"required": ["drawing"]}],
    }
    prediction = {
        "type": "object",
        "required": ["guesses", "points", "model_version", "ms"],
        "properties": {
            "guesses": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["label", "probability"],
                    "properties": {"label": {"type": "string"}, "probability": {"type": "number"}},
                },
            },
            "points": {"type": "integer", "description": "points the model read (after truncation)"},
            "model_version": {"type": "string"},
            "ms": {"type": "number", "description": "server-side inference time"},
            "embedding": {
                "type": "array",
                "items": {"type": "number"},
                "description": "when asked for: the model's last LSTM state after the last point",
            },
        },
    }

    def error(description):
        return {"description": description, "content": {"application/json": {"schema": ERROR}}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Inkling",
            "version": "1.0.0",
            "description": "Guesses what a Quick, Draw! style drawing shows, from its strokes.",
        },
        "paths": {
            "/api/predict": {
                "post": {
                    "summary": "Top-k guesses for one drawing",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
                    "responses": {
                        "200": {
                            "description": "Guesses, most likely first",
                            "content": {"application/json": {"schema": prediction}},
                        },
                        "400": error("Malformed JSON"),
                        "413": error("Body larger than the limit"),
                        "415": error("Not JSON"),
                        "422": error("A drawing the model cannot read; the message says why"),
                        "503": error("The model is not loaded"),
                    },
                }
            },
            "/api/contributions": {
                "post": {
                    "summary": "Share one game round, for training",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": contribution_schema(config, labels)}},
                    },
                    "responses": {
                        "201": {
                            "description": "Stored",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id"],
                                        "properties": {"id": {"type": "string"}},
                                    }
                                }
                            },
                        },
                        "400": error("Malformed JSON"),
                        "413": error("Body larger than the limit"),
                        "415": error("Not JSON"),
                        "422": error("A round that cannot be stored; the message says why"),
                        "429": error("Too many rounds from this client; Retry-After says when to try again"),
                        "503": error("The database or the model is unavailable; send the round again later"),
                    },
                }
            },
            "/api/model": {
                "get": {
                    "summary": "The loaded model's description: labels, preprocessing, version (its metadata.json)",
                    "responses": {
                        "200": {"description": "metadata.json", "content": {"application/json": {}}},
                        "503": error("The model is not loaded"),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {}}}},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Is the model loaded?",
                    "responses": {
                        "200": {
                            "description": "Ready",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "status": {"type": "string"},
                                            "model_version": {"type": "string"},
                                            "database": {"type": "string", "enum": ["ok", "unavailable"]},
                                        },
                                    }
                                }
                            },
                        },
                        "503": {
                            "description": "Running without a model",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "status": {"type": "string"},
                                            "error": {"type": "string"},
                                            "database": {"type": "string", "enum": ["ok", "unavailable"]},
                                        },
                                    }
                                }
                            },
                        },
                    },
                }
            },
        },
    }


@bp.get("/api/openapi.json")
def api_openapi():
    return jsonify(openapi_document(current_app.config, current_app.extensions["predictor"].labels))
