"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json."""

from model_training.strokes import MAX_INPUT_POINTS

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def openapi_document(config):
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
            "top_k": {"type": "integer", "minimum": 1, "maximum": config["MAX_TOP_K"], "default": config["TOP_K"]},
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
                                        "properties": {"status": {"type": "string"}, "error": {"type": "string"}},
                                    }
                                }
                            },
                        },
                    },
                }
            },
        },
    }
