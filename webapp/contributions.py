"""POST /api/contributions: a game round that its player chose to share, stored for training.

Stored: the prompt, the raw strokes with their timestamps, whether and when the model recognised it, the
model's version and top guesses, the time, and at most the random id the player's browser keeps. Not
stored: the client's address (the rate limits count it, webapp/limits.py), headers, or anything else.
A round is stored only with "consent": true, which the page sends once its player ticked "Help Inkling
learn". When the database cannot take the drawing, or today's share is used up, the answer is a 503 or a
429 and the page keeps the drawing to send again later.

Each round is bounded by what real drawings need (webapp/schemas.py: points, strokes, time) and its body
by MAX_CONTRIBUTION_BYTES (the real raw drawings are at most 36 KB as JSON); each address by its rate and
its daily quota. The database as a whole is bounded by what it keeps, not by refusing rounds: past
CONTRIBUTIONS_MAX_POINTS points stored, the oldest rounds that the model did not recognise go first, then the
oldest others. No number of addresses sending rounds can make a new player's round wait: it is held only to
its own address's limits.
"""

import logging
import uuid
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from webapp import schemas
from webapp.database import described
from webapp.limits import limiter
from webapp.models import Contribution

log = logging.getLogger(__name__)
bp = Blueprint("contributions", __name__)

MAX_CONTRIBUTION_BYTES = 128 * 1024  # the largest real raw drawing is 36 KB as JSON
# The stored points are added up (a scan of the table) once every this many rounds: the database may go past
# its budget by at most this many rounds' points before the oldest are let go.
PRUNE_EVERY = 50


def contribution_of(body, labels):
    """A request body (bytes) -> an unsaved Contribution, its prompt and guesses among the model's `labels`;
    schemas.BodyError says what is wrong."""
    shared = schemas.parsed(schemas.Contribution, body, labels)
    drawing = [[list(xs), list(ys), list(ts)] for xs, ys, ts in shared.drawing]
    guesses = [guess.model_dump() for guess in shared.guesses]
    return Contribution(
        key_id=uuid.uuid4().hex,
        created_at=datetime.now(UTC),
        client_id=shared.client_id,
        prompt=shared.prompt,
        drawing=drawing,
        points=sum(len(xs) for xs, _, _ in drawing),
        recognized=shared.recognized,
        recognized_ms=shared.recognized_ms,
        duration_ms=shared.duration_ms,
        model_version=shared.model_version,
        engine=shared.engine,
        guesses=guesses,
        prompt_probability=next((g["probability"] for g in guesses if g["label"] == shared.prompt), 0.0),
    )


def limits():
    """Per address (webapp/config.py); a round over either gets a 429."""
    config = current_app.config
    return f"{config['CONTRIBUTION_RATE']};{config['CONTRIBUTION_DAILY_QUOTA']}"


def let_oldest_go(session, budget):
    """Delete the oldest unrecognised rounds, then the oldest others, until at most `budget` points are
    stored; returns how many rounds went."""
    excess = (session.scalar(select(func.sum(Contribution.points))) or 0) - budget
    gone = []
    for recognized in (False, True):
        if excess <= 0:
            break
        oldest = select(Contribution.id, Contribution.points).where(Contribution.recognized == recognized)
        oldest = oldest.order_by(Contribution.created_at, Contribution.id).execution_options(yield_per=1000)
        for row_id, points in session.execute(oldest):  # streamed: only the rows it lets go are read
            if excess <= 0:
                break
            gone.append(row_id)
            excess -= points
    for start in range(0, len(gone), 1000):  # in parts: a statement takes a bounded number of parameters
        session.execute(delete(Contribution).where(Contribution.id.in_(gone[start : start + 1000])))
    return len(gone)


@bp.post("/api/contributions")
@limiter.limit(limits)
def contribute():
    if not request.is_json:
        return jsonify(error="send JSON with Content-Type: application/json"), 415
    if (request.content_length or 0) > MAX_CONTRIBUTION_BYTES:
        return jsonify(error=f"a round is at most {MAX_CONTRIBUTION_BYTES // 1024} KiB"), 413
    predictor = current_app.extensions["predictor"]
    if not predictor.ready:  # its labels are what a prompt is checked against
        return jsonify(error=f"drawings cannot be checked right now: {predictor.error}"), 503, {"Retry-After": "30"}
    try:
        contribution = contribution_of(request.get_data(), predictor.labels)
    except schemas.BodyError as error:
        return jsonify(error=str(error)), error.status
    key_id = contribution.key_id  # read now: committing expires the object's attributes
    try:
        with Session(current_app.extensions["database"]) as session, session.begin():
            session.add(contribution)
            session.flush()  # gives the round its id
            if contribution.id % PRUNE_EVERY == 0:
                gone = let_oldest_go(session, current_app.config["CONTRIBUTIONS_MAX_POINTS"])
                if gone:
                    log.info("%d oldest shared rounds let go: the database keeps its budget of points", gone)
    except SQLAlchemyError as error:
        # Expected while the database is down: one line, no traceback.
        log.error("contribution not stored: %s", described(error))
        return (
            jsonify(error="the drawing could not be stored right now; it is kept and will be sent again"),
            503,
            {"Retry-After": "30"},
        )
    return jsonify(schemas.Stored(id=key_id).model_dump()), 201
