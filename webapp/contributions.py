"""POST /api/contributions: a game round that its player chose to share, stored for training.

Stored: the prompt, the raw strokes with their timestamps, whether and when the model recognised it, the
model's version and top guesses, the time, and at most the random id the player's browser keeps. Not
stored: the client's address (the rate limits count it, webapp/limits.py), headers, or anything else.
A round is stored only with "consent": true, which the page sends once its player ticked "Help Inkling
learn". When the database cannot take the drawing, or today's share is used up, the answer is a 503 or a
429 and the page keeps the drawing to send again later.

Each round is bounded by what real drawings need (the 8,948 real raw Quick, Draw! drawings: 99.9% have
at most 877 points, 31 strokes and 22.8 s of drawing, and 22.8 KB as JSON; the largest 1,174 points, 55
strokes, 42 s, 29 KB): MAX_INPUT_POINTS points, MAX_STROKES strokes, MAX_ROUND_MS, and the body at most
MAX_CONTRIBUTION_BYTES. With the rate limits, that bounds how fast the database can grow.
"""

import logging
import math
import re
import uuid
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from model_training.core.drawing_checks import DrawingError, validate_drawing
from webapp.limits import limiter
from webapp.models import Contribution
from webapp.request_body import RequestError, parse_json

log = logging.getLogger(__name__)
bp = Blueprint("contributions", __name__)

FIELDS = {
    "consent",
    "client_id",
    "prompt",
    "drawing",
    "recognized",
    "recognized_ms",
    "duration_ms",
    "model_version",
    "engine",
    "guesses",
}
CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_ROUND_MS = 60 * 1000  # three times a round; the longest real drawing took 42 s
MAX_STROKES = 200  # the most strokes in a real drawing: 55
MAX_CONTRIBUTION_BYTES = 128 * 1024  # the largest real drawing is 29 KB as JSON
MAX_TEXT = 64  # characters of a model version


def _integer(payload, name, low, high, optional=False):
    value = payload.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RequestError(f"'{name}' must be an integer from {low} to {high}")
    return value


def _text(payload, name, pattern=None, most=MAX_TEXT):
    """A short printable string, matched whole by `pattern` if given: no control characters (newlines,
    NUL), no lone surrogates, which no database column should hold."""
    value = payload.get(name)
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= most
        or not value.isprintable()
        or (pattern and not pattern.fullmatch(value))
    ):
        raise RequestError(
            f"'{name}' must be " + ("a random id (UUID)" if pattern else f"a string of 1 to {most} characters")
        )
    return value


def raw_drawing(drawing):
    """The strokes as [[xs, ys, ts], ...], checked like any drawing plus timestamps: present on every
    stroke, whole milliseconds, rising within a stroke and never beyond a round."""
    try:
        coordinates = validate_drawing(drawing)
    except DrawingError as error:
        raise RequestError(str(error)) from None
    if len(coordinates) > MAX_STROKES:
        raise RequestError(f"a round has at most {MAX_STROKES} strokes")
    strokes = []
    for i, ((xs, ys), stroke) in enumerate(zip(coordinates, drawing)):
        ts = stroke[2] if len(stroke) == 3 else None
        if ts is None or any(isinstance(t, bool) or not isinstance(t, int) or not 0 <= t <= MAX_ROUND_MS for t in ts):
            raise RequestError(f"stroke {i} needs timestamps: whole milliseconds from 0 to {MAX_ROUND_MS}")
        if any(b < a for a, b in zip(ts, ts[1:])):
            raise RequestError(f"stroke {i}'s timestamps go back in time")
        strokes.append([xs, ys, list(ts)])
    return strokes


def guesses_of(value, known):
    if not isinstance(value, list) or len(value) > current_app.config["MAX_TOP_K"]:
        raise RequestError(f"'guesses' must be a list of at most {current_app.config['MAX_TOP_K']} guesses")
    guesses = []
    for guess in value:
        if not (
            isinstance(guess, dict)
            and set(guess) == {"label", "probability"}
            and isinstance(guess["label"], str)
            and guess["label"] in known
            and isinstance(guess["probability"], (int, float))
            and not isinstance(guess["probability"], bool)
            and math.isfinite(guess["probability"])
            and 0 <= guess["probability"] <= 1
        ):
            raise RequestError('each guess must be {"label": a category, "probability": 0 to 1}')
        guesses.append({"label": guess["label"], "probability": float(guess["probability"])})
    return guesses


def parse_contribution(payload, labels):
    """A request's JSON -> an unsaved Contribution, its prompt and guesses among the model's `labels`;
    RequestError (422) says what is wrong."""
    if not isinstance(payload, dict):
        raise RequestError("the body must be a JSON object")
    unknown = set(payload) - FIELDS
    if unknown:
        raise RequestError(f"unknown field(s): {', '.join(sorted(unknown))}")
    if payload.get("consent") is not True:
        raise RequestError("'consent' must be true: a round is shared only when its player says so")
    known = frozenset(labels)
    prompt = payload.get("prompt")
    if not isinstance(prompt, str) or prompt not in known:
        raise RequestError(f"'prompt' must be one of the model's {len(known)} categories")
    if not isinstance(payload.get("recognized"), bool):
        raise RequestError("'recognized' must be true or false")
    drawing = raw_drawing(payload.get("drawing"))
    duration_ms = _integer(payload, "duration_ms", 0, MAX_ROUND_MS)
    recognized_ms = _integer(payload, "recognized_ms", 0, MAX_ROUND_MS, optional=True)
    if payload["recognized"] != (recognized_ms is not None):
        raise RequestError("'recognized_ms' is given exactly when 'recognized' is true")
    if recognized_ms is not None and recognized_ms > duration_ms:
        raise RequestError("'recognized_ms' cannot be later than 'duration_ms'")
    if payload.get("engine") not in ("browser", "server"):
        raise RequestError("'engine' must be 'browser' or 'server'")
    guesses = guesses_of(payload.get("guesses"), known)
    return Contribution(
        key_id=uuid.uuid4().hex,
        created_at=datetime.now(UTC),
        client_id=_text(payload, "client_id", CLIENT_ID) if payload.get("client_id") is not None else None,
        prompt=prompt,
        drawing=drawing,
        points=sum(len(stroke[0]) for stroke in drawing),
        recognized=payload["recognized"],
        recognized_ms=recognized_ms,
        duration_ms=duration_ms,
        model_version=_text(payload, "model_version"),
        engine=payload["engine"],
        guesses=guesses,
        prompt_probability=next((g["probability"] for g in guesses if g["label"] == prompt), 0.0),
    )


def limits():
    """Per address, then everyone's together (webapp/config.py); a round over any of them gets a 429."""
    config = current_app.config
    return f"{config['CONTRIBUTION_RATE']};{config['CONTRIBUTION_DAILY_QUOTA']}"


@bp.post("/api/contributions")
@limiter.limit(limits)
@limiter.limit(lambda: current_app.config["CONTRIBUTIONS_PER_DAY"], key_func=lambda: "everyone", scope="all-rounds")
def contribute():
    if not request.is_json:
        return jsonify(error="send JSON with Content-Type: application/json"), 415
    if (request.content_length or 0) > MAX_CONTRIBUTION_BYTES:
        return jsonify(error=f"a round is at most {MAX_CONTRIBUTION_BYTES // 1024} KiB"), 413
    predictor = current_app.extensions["predictor"]
    if not predictor.ready:  # its labels are what a prompt is checked against
        return jsonify(error=f"drawings cannot be checked right now: {predictor.error}"), 503, {"Retry-After": "30"}
    try:
        contribution = parse_contribution(parse_json(request.get_data()), predictor.labels)
    except RequestError as error:
        return jsonify(error=str(error)), error.status
    key_id = contribution.key_id  # read now: committing expires the object's attributes
    try:
        with Session(current_app.extensions["database"]) as session, session.begin():
            session.add(contribution)
    except SQLAlchemyError as error:
        # Expected while the database is down: one line, no traceback.
        log.error("contribution not stored: %s", type(getattr(error, "orig", None) or error).__name__)
        return (
            jsonify(error="the drawing could not be stored right now; it is kept and will be sent again"),
            503,
            {"Retry-After": "30"},
        )
    return jsonify(id=key_id), 201
