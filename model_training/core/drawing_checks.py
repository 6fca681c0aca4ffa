"""A drawing as a person or a client gives it, checked before any work is done.

Formats:
- raw:        strokes of [[x...], [y...], [t...]], float screen coordinates, ms since the first point.
- simplified: strokes of [[x...], [y...]], ints 0..255 (Google's recipe: model_training/core/simplification.py).
- stroke-3:   an (N, 3) array of (dx, dy, pen_lifted): offsets from the previous point, pen_lifted = 1 on
              the last point of each stroke.

A check that fails raises DrawingError, whose message says why, for a person to read.
"""

# Bounds that reject absurd input before any work is done. Of the 8,948 real raw drawings in Quick, Draw!'s
# raw format, 99.9% have at most 877 points (the longest 1,174; `python -m benchmarks.hostile_clients`
# prints these); a page that records every pointer event for a 20 s round at 200 Hz stays under 4,000.
MAX_COORDINATE = 1e6
MAX_INPUT_POINTS = 4000


class DrawingError(ValueError):
    """A drawing that cannot be turned into stroke-3; the message says why, for a person to read."""


def validate_drawing(drawing):
    """Check the official [[xs, ys(, ts)], ...] layout; return it as lists of floats."""
    if not isinstance(drawing, list) or not drawing:
        raise DrawingError("'drawing' must be a non-empty list of strokes")
    strokes = []
    total = 0
    for i, stroke in enumerate(drawing):
        if not isinstance(stroke, list) or len(stroke) not in (2, 3):
            raise DrawingError(f"stroke {i} must be [xs, ys] or [xs, ys, ts]")
        columns = []
        for values in stroke:
            if not isinstance(values, list) or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) for v in values
            ):
                raise DrawingError(f"stroke {i} must hold lists of numbers")
            columns.append(values)
        n = len(columns[0])
        if n == 0 or any(len(c) != n for c in columns):
            raise DrawingError(f"stroke {i} must have equally long, non-empty coordinate lists")
        for v in columns[0] + columns[1]:
            # One comparison refuses NaN, infinities and integers too large for a float alike.
            if not abs(v) <= MAX_COORDINATE:
                raise DrawingError(f"stroke {i} has a non-finite or absurd coordinate")
        total += n
        if total > MAX_INPUT_POINTS:
            raise DrawingError(f"drawing has more than {MAX_INPUT_POINTS} points")
        strokes.append([list(map(float, c)) for c in columns[:2]])
    return strokes


def has_timestamps(drawing):
    """A raw drawing, as the game and the canvas record it: its strokes carry [xs, ys, ts]."""
    return any(len(stroke) == 3 for stroke in drawing)
