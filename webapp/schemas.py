"""The JSON API's bodies, declared once: the views validate requests and build responses with these models,
and /api/openapi.json is generated from them (webapp/openapi.py).

The models say the shapes, types and bounds; the rules across fields stay as code beside them (the
validators below), and the checks a drawing must pass are the core's (model_training.core.drawing_checks),
called from here so the API and the dataset reader refuse the same drawings. A category is one of the
loaded model's labels: the views pass them as validation context, and the document lists them once,
under components/schemas/Label.
"""

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from model_training.core.drawing_checks import MAX_COORDINATE, MAX_INPUT_POINTS, DrawingError, validate_drawing

TOP_K = 5  # guesses returned when not asked otherwise, and listed by the pages
MAX_TOP_K = 20
# A shared round is bounded by what real drawings need (the 8,948 real raw Quick, Draw! drawings: 99.9%
# have at most 877 points, 31 strokes and 22.8 s of drawing; the largest 1,174 points, 55 strokes, 42 s).
MAX_ROUND_MS = 60 * 1000  # three times a round
MAX_STROKES = 200
MAX_TEXT = 64  # characters of a model version
CLIENT_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class Body(BaseModel):
    # Strict: "5" is not 5, true is not 1, NaN is no number; an unknown field is an error, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)


def refused(message):
    """A rule's refusal, with the message a person reads (no "Value error, " before it)."""
    return PydanticCustomError("refused", message)


def known_label(value, info: ValidationInfo):
    labels = (info.context or {}).get("labels")
    # Without labels in the context the model is one the server built from its own guesses.
    if labels is not None and value not in labels:
        raise refused(f"'{value[:40]}' is not one of the model's {len(labels)} categories")
    return value


Label = Annotated[str, AfterValidator(known_label), WithJsonSchema({"allOf": [{"$ref": "#/components/schemas/Label"}]})]
Probability = Annotated[float, Field(ge=0, le=1)]
Milliseconds = Annotated[int, Field(ge=0, le=MAX_ROUND_MS)]
Coordinates = Annotated[list[float], Field(min_length=1)]
Offset = Annotated[float, Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE)]


def checked_drawing(drawing):
    """The core's checks of a drawing: equally long columns, bounded coordinates, at most MAX_INPUT_POINTS."""
    try:
        validate_drawing([list(stroke) for stroke in drawing])
    except DrawingError as error:
        raise refused(str(error)) from None
    return drawing


def timestamps_rise(drawing):
    for i, (_, _, ts) in enumerate(drawing):
        if any(b < a for a, b in zip(ts, ts[1:])):
            raise refused(f"stroke {i}'s timestamps go back in time")
    return drawing


class Guess(Body):
    label: Label
    probability: Probability


class PredictionRequest(Body):
    """{"strokes": stroke-3 rows} or {"drawing": a Quick, Draw! drawing}, exactly one."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["strokes"]}, {"required": ["drawing"]}]})

    strokes: Annotated[
        list[tuple[Offset, Offset, Annotated[int, Field(ge=0, le=1)]]],
        Field(min_length=1, max_length=MAX_INPUT_POINTS, description="[dx, dy, pen_lifted] rows"),
    ] = None
    drawing: Annotated[
        list[Annotated[list[Coordinates], Field(min_length=2, max_length=3)]],
        Field(min_length=1, description="strokes of [xs, ys] (simplified, 0..255) or [xs, ys, ts] (raw)"),
        AfterValidator(checked_drawing),
    ] = None
    canvas_size: Annotated[
        float,
        Field(
            ge=1,
            le=MAX_COORDINATE,
            description="with 'drawing': the longer side of the canvas it was drawn on, in the units of its "
            "points (the page's frame); without it the drawing's own box stands for the canvas",
        ),
    ] = None
    top_k: Annotated[int, Field(ge=1, le=MAX_TOP_K)] = TOP_K
    embedding: bool = Field(
        False,
        description="also return the drawing's embedding, with which the page guesses a person's own "
        "categories (their examples never leave the browser)",
    )

    @model_validator(mode="after")
    def one_drawing(self):
        if (self.strokes is None) == (self.drawing is None):
            raise refused("give exactly one of 'strokes' (stroke-3) or 'drawing' (Quick, Draw! format)")
        if self.canvas_size is not None and self.drawing is None:
            raise refused("'canvas_size' goes with 'drawing'")
        return self


class Prediction(Body):
    guesses: list[Guess] = Field(description="most likely first")
    points: int = Field(description="points the model read (after truncation)")
    model_version: str
    ms: float = Field(description="server-side inference time")
    embedding: list[float] | None = Field(
        None, description="when asked for: the model's last LSTM state after the last point"
    )


RawStroke = tuple[Coordinates, Coordinates, list[Milliseconds]]


class Contribution(Body):
    """A game round its player chose to share (webapp/contributions.py)."""

    consent: Literal[True] = Field(description="the player chose to share the round")
    client_id: Annotated[str, Field(pattern=CLIENT_ID)] | None = None
    prompt: Label
    drawing: Annotated[
        list[RawStroke],
        Field(
            min_length=1,
            max_length=MAX_STROKES,
            description="[xs, ys, ts]: screen coordinates and whole milliseconds from the first point, rising",
        ),
        AfterValidator(checked_drawing),
        AfterValidator(timestamps_rise),
    ]
    recognized: bool
    recognized_ms: Milliseconds | None = Field(None, description="given exactly when recognized")
    duration_ms: Milliseconds
    model_version: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00-\x1f\x7f]+$")]
    engine: Literal["browser", "server"]
    guesses: Annotated[list[Guess], Field(max_length=MAX_TOP_K)]

    @model_validator(mode="after")
    def recognition_in_time(self):
        if self.recognized != (self.recognized_ms is not None):
            raise refused("'recognized_ms' is given exactly when 'recognized' is true")
        if self.recognized_ms is not None and self.recognized_ms > self.duration_ms:
            raise refused("'recognized_ms' cannot be later than 'duration_ms'")
        return self


class Stored(Body):
    id: str


class Health(Body):
    status: Literal["ok", "degraded"]
    model_version: str | None = None
    error: str | None = Field(None, description="why predictions are unavailable")
    database: Literal["ok", "unavailable"]


class Error(Body):
    error: str = Field(description="what went wrong, for a person to read")
    detail: str | None = Field(None, description="more about it, for an HTTP error (a 429's limit, a 405's reason)")


class BodyError(ValueError):
    """A request body the API refuses: `status` 400 for JSON that does not parse, else 422."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def parsed(model, body, labels=None):
    """The request body (bytes) as `model`, or BodyError saying, for a person, the first thing wrong."""
    try:
        return model.model_validate_json(body, context={"labels": frozenset(labels)} if labels is not None else None)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise BodyError(f"malformed JSON: {first['ctx']['error']}", 400) from None
        raise BodyError(problem(first), 422) from None


def problem(error):
    """One pydantic error as a sentence: where (the field's path) and what."""
    # A validator's or a union member's name in the path ("function-after[...]") says nothing to a client.
    path = ".".join(str(part) for part in error["loc"] if "[" not in str(part))
    message = error["msg"].replace(" after validation", "").replace("should be True", "should be true")
    return f"'{path}': {message[0].lower()}{message[1:]}" if path else message
