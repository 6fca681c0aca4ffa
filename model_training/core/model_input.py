"""What the model reads of a drawing: framed and streamed, identical in static/js/strokes.js.

Points are mapped into a fixed frame (the page's canvas, whose longer side spans canvas_size units, or for a
drawing with no canvas its own box) and each stroke is simplified as it is drawn (`StrokeStream`), never
revising a point it has fixed. So what the model sees of a drawing in progress is the beginning of what it
will see of the finished drawing: only the last row, the pen's current position, moves, and a new point costs
one model step. This stroke-3 starts at (0, 0); a stored drawing (model_training/core/simplification.py) is
re-read this way by `reframe`.

static/js/strokes.js implements StrokeStream, the framing and `normalize`; tests/test_strokes_parity.py keeps
them identical. Arithmetic is written so that both languages perform the same IEEE operations in the same
order. Every step that depends on a setting takes `params`, the preprocessing of the model at hand (a model
package's metadata.json, or a training run's config): no step falls back on a default of its own.
"""

import math

import numpy as np

from model_training.core.drawing_checks import has_timestamps, validate_drawing
from model_training.core.simplification import from_stroke3, is_simplified, round_half_up

# Most points a streamed stroke holds between two fixed points (see StrokeStream): bounds the work per point.
STREAM_WINDOW = 64


class StrokeStream:
    """One stroke simplified while it is drawn: each point is mapped into the frame (origin_x, origin_y, scale);
    the first point is fixed at once, and a later one when the points since the last fixed one no longer lie
    within `epsilon` of a straight line from it (or are more than STREAM_WINDOW). A fixed point never moves, so
    simplifying the first k points gives the first fixed points of the whole stroke. Points are rounded to
    integers, as in simplified drawings."""

    def __init__(self, frame, epsilon):
        self.frame = frame
        self.epsilon = epsilon
        self.xs, self.ys = [], []  # framed points from the last fixed one on
        self.fixed = []  # rounded (x, y) of the fixed points

    def push(self, x, y):
        origin_x, origin_y, scale = self.frame
        self.xs.append((x - origin_x) * scale)
        self.ys.append((y - origin_y) * scale)
        if len(self.xs) == 1:
            self.fixed.append((round_half_up(self.xs[0]), round_half_up(self.ys[0])))
        elif not self._straight():
            self.fixed.append((round_half_up(self.xs[-2]), round_half_up(self.ys[-2])))
            self.xs, self.ys = self.xs[-2:], self.ys[-2:]

    def _straight(self):
        """Every point between the last fixed one and the newest within epsilon of the line joining them."""
        xs, ys = self.xs, self.ys
        if len(xs) > STREAM_WINDOW:
            return False
        ax, ay = xs[0], ys[0]
        bx = xs[-1] - ax
        by = ys[-1] - ay
        norm = math.sqrt(bx * bx + by * by)
        for j in range(1, len(xs) - 1):
            px = xs[j] - ax
            py = ys[j] - ay
            d = math.sqrt(px * px + py * py) if norm == 0 else abs(bx * py - by * px) / norm
            if d > self.epsilon:
                return False
        return True

    def points(self):
        """The fixed points, then the newest point (where the pen is) if it is not fixed."""
        if len(self.xs) < 2:
            return list(self.fixed)
        return [*self.fixed, (round_half_up(self.xs[-1]), round_half_up(self.ys[-1]))]


def framed_stroke3(strokes, frame, params):
    """Strokes [[xs, ys(, ts)], ...] -> the stroke-3 the model reads: each stroke streamed in `frame`
    (StrokeStream), the first row (0, 0, pen), the last point of each stroke (drawn so far) pen_lifted."""
    rows = []
    previous = None
    for stroke in strokes:
        stream = StrokeStream(frame, params["rdp_epsilon"])
        for x, y in zip(stroke[0], stroke[1]):
            stream.push(x, y)
        points = stream.points()
        for i, (x, y) in enumerate(points):
            dx, dy = (0, 0) if previous is None else (x - previous[0], y - previous[1])
            rows.append((dx, dy, 1 if i == len(points) - 1 else 0))
            previous = (x, y)
    return np.array(rows, dtype=np.int32).reshape(-1, 3)


def drawing_frame(strokes, params, raw):
    """The frame of a drawing that comes without its canvas: a simplified drawing (not `raw`, with timestamps)
    is in its own 0..canvas_size frame; any other is scaled so that its box's longer side spans canvas_size,
    as if it filled the canvas."""
    if not raw and is_simplified(strokes, params):
        return (0.0, 0.0, 1.0)
    all_x = [v for s in strokes for v in s[0]]
    all_y = [v for s in strokes for v in s[1]]
    min_x, min_y = min(all_x), min(all_y)
    extent = max(max(all_x) - min_x, max(all_y) - min_y)
    scale = params["canvas_size"] / extent if extent > 0 else 1.0
    return (min_x, min_y, scale if math.isfinite(scale) else 1.0)


def canvas_frame(size, params):
    """The frame of a canvas whose longer side is `size`: it spans canvas_size units (frameOf in strokes.js)."""
    return (0.0, 0.0, params["canvas_size"] / size)


def drawing_to_stroke3(drawing, params, frame=None):
    """Any official drawing -> the stroke-3 the model reads, in `frame` (default: drawing_frame). A part of a
    drawing is framed as the whole is: pass the whole's frame."""
    strokes = validate_drawing(drawing)
    if frame is None:
        frame = drawing_frame(strokes, params, raw=has_timestamps(drawing))
    return framed_stroke3(strokes, frame, params)


def reframe(stroke3, params):
    """A stored (simplified) stroke-3 -> the stroke-3 the model reads, its 0..canvas_size frame kept."""
    return framed_stroke3(from_stroke3(stroke3), (0.0, 0.0, 1.0), params)


def normalize(stroke3, params):
    """Stroke-3 -> the float32 (N, 3) model input: offsets / delta_scale, at most max_points rows."""
    s = np.asarray(stroke3, dtype=np.float64)[: params["max_points"]]
    out = np.empty(s.shape, dtype=np.float32)
    out[:, :2] = s[:, :2] / params["delta_scale"]
    out[:, 2] = s[:, 2]
    return out


def page_prefix(stroke3, fraction, params):
    """The model input once the first `fraction` of a stored drawing's points are drawn, as the page makes it:
    the beginning of the whole drawing's input, its last row where the pen is."""
    return stored_input(np.asarray(stroke3)[: max(1, math.ceil(fraction * len(stroke3)))], params)


def stored_input(stroke3, params):
    """A stored drawing, or one made from it in its frame, as the model reads it (reframe), normalised."""
    return normalize(reframe(stroke3, params), params)
