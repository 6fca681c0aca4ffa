"""The Python definition of a drawing, from Quick, Draw! records to what the model sees.

Formats:
- raw:        strokes of [[x...], [y...], [t...]], float screen coordinates, ms since the first point.
- simplified: strokes of [[x...], [y...]], ints 0..255 (Google's recipe, see `simplify`).
- stroke-3:   an (N, 3) array of (dx, dy, pen_lifted): offsets from the previous point, pen_lifted = 1 on
              the last point of each stroke. A stored drawing (the dataset's) is a simplified drawing whose
              first row is taken from the origin; what the model reads starts at (0, 0).

What the model reads is framed and streamed (`drawing_to_stroke3`): points are mapped into a fixed frame (the
page's canvas, whose longer side spans canvas_size units, or for a drawing with no canvas its own box) and
each stroke is simplified as it is drawn (`StrokeStream`), never revising a point it has fixed. So what the
model sees of a drawing in progress is the beginning of what it will see of the finished drawing: only the
last row, the pen's current position, moves, and a new point costs one model step.

static/js/strokes.js implements the same steps; tests/test_strokes_parity.py keeps them identical.
Arithmetic is written so that both languages perform the same IEEE operations in the same order.
Every step that depends on a setting takes `params`, the preprocessing of the model at hand (a model
package's metadata.json, or a training run's config): no step falls back on a default of its own.
"""

import gzip
import json
import math

import numpy as np

# Bounds that reject absurd input before any work is done. Of the 8,948 real raw drawings in Quick, Draw!'s
# raw format, 99.9% have at most 877 points (the longest 1,174; `python -m benchmarks.hostile_clients`
# prints these); a page that records every pointer event for a 20 s round at 200 Hz stays under 4,000.
MAX_COORDINATE = 1e6
MAX_INPUT_POINTS = 4000
# Longest run of points simplified as one (see _rdp_keep); far above any real stroke's points.
RDP_WINDOW = 1024
# Most points a streamed stroke holds between two fixed points (see StrokeStream): bounds the work per point.
STREAM_WINDOW = 64


class DrawingError(ValueError):
    """A drawing that cannot be turned into stroke-3; the message says why, for a person to read."""


def ndjson_lines(path):
    """The lines of one Quick, Draw! .ndjson or .ndjson.gz file, in order."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        yield from lines


def read_ndjson(path, limit=None):
    """The records of one .ndjson[.gz] file as dicts, at most `limit` of them, as they are (unchecked)."""
    records = []
    for line in ndjson_lines(path):
        if limit is not None and len(records) >= limit:
            break
        records.append(json.loads(line))
    return records


def parse_ndjson_line(line):
    """One official ndjson record (simplified or raw) -> dict with validated `drawing`."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DrawingError(f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise DrawingError("a record must be a JSON object")
    if "word" not in record or not isinstance(record["word"], str):
        raise DrawingError("record has no 'word'")
    record["drawing"] = validate_drawing(record.get("drawing"))
    return record


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


def is_simplified(strokes, params):
    """True when every coordinate is already an integer within the simplified 0..canvas_size frame."""
    size = params["canvas_size"]
    return all(v == int(v) and 0 <= v <= size for s in strokes for column in s for v in column)


def _resample(xs, ys, spacing):
    """The points every `spacing` along the polyline that simplification can keep, and no others.

    RDP (below) keeps the point farthest from a line; along one segment that distance peaks at an end, so of
    the points on each input segment only the first and the last can be kept. Emitting just those makes this
    linear in the number of input points, whatever their spacing (a long zig-zag would otherwise become
    millions of points). The stroke's first and last points are kept as they are.
    """
    if len(xs) < 2:
        return list(xs), list(ys)
    out_x, out_y = [xs[0]], [ys[0]]
    carried = 0.0  # arc length walked since the last emitted point
    for i in range(1, len(xs)):
        x0, y0 = xs[i - 1], ys[i - 1]
        dx = xs[i] - x0
        dy = ys[i] - y0
        length = math.sqrt(dx * dx + dy * dy)
        first = spacing - carried  # distance along this segment of its first point
        if first > length:
            carried += length
            continue
        last = first + math.floor((length - first) / spacing) * spacing
        for position in (first, last) if last > first else (first,):
            t = position / length
            out_x.append(x0 + dx * t)
            out_y.append(y0 + dy * t)
        carried = length - last
    if out_x[-1] != xs[-1] or out_y[-1] != ys[-1]:
        out_x.append(xs[-1])
        out_y.append(ys[-1])
    return out_x, out_y


def _rdp_keep(xs, ys, epsilon):
    """Ramer-Douglas-Peucker: indices of the points kept, iteratively (long strokes, no recursion).

    A stroke is simplified in windows of RDP_WINDOW points that share their ends, so the work is at most
    linear in its length times the window; real strokes fit in one window and get plain RDP. Distances are
    computed with numpy, element by element in the same IEEE operations as static/js/strokes.js.
    """
    n = len(xs)
    if n <= 2:
        return list(range(n))
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[n - 1] = True
    stack = [(start, min(start + RDP_WINDOW - 1, n - 1)) for start in range(0, n - 1, RDP_WINDOW - 1)]
    keep[[last for _, last in stack]] = True
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        ax, ay = xs[first], ys[first]
        bx = xs[last] - ax
        by = ys[last] - ay
        norm = math.sqrt(bx * bx + by * by)
        px = xs[first + 1 : last] - ax
        py = ys[first + 1 : last] - ay
        d = np.sqrt(px * px + py * py) if norm == 0 else np.abs(bx * py - by * px) / norm
        best_index = int(np.argmax(d))  # the first of equally distant points, as a strict > scan finds
        if d[best_index] > epsilon:
            best_index += first + 1
            keep[best_index] = True
            stack.append((first, best_index))
            stack.append((best_index, last))
    return np.flatnonzero(keep).tolist()


def _round(v):
    return math.floor(v + 0.5)


def simplify(strokes, params):
    """Google's recipe: align to top-left, scale the longest side to 255, resample every pixel, RDP."""
    all_x = [v for s in strokes for v in s[0]]
    all_y = [v for s in strokes for v in s[1]]
    min_x, min_y = min(all_x), min(all_y)
    extent = max(max(all_x) - min_x, max(all_y) - min_y)
    # An extent too small to divide by (5e-324, say) is a single point, like an extent of 0.
    scale = params["canvas_size"] / extent if extent > 0 else 1.0
    if not math.isfinite(scale):
        scale = 1.0
    simplified = []
    for s in strokes:
        xs = [(x - min_x) * scale for x in s[0]]
        ys = [(y - min_y) * scale for y in s[1]]
        xs, ys = _resample(xs, ys, params["resample_spacing"])
        kept = _rdp_keep(xs, ys, params["rdp_epsilon"])
        simplified.append([[_round(xs[i]) for i in kept], [_round(ys[i]) for i in kept]])
    return simplified


def to_stroke3(strokes):
    """Simplified strokes -> (N, 3) int16 stroke-3, the first offset taken from the origin."""
    rows = []
    prev_x = prev_y = 0
    for s in strokes:
        n = len(s[0])
        for i in range(n):
            x, y = int(s[0][i]), int(s[1][i])
            rows.append((x - prev_x, y - prev_y, 1 if i == n - 1 else 0))
            prev_x, prev_y = x, y
    return np.array(rows, dtype=np.int16).reshape(-1, 3)


def from_stroke3(stroke3):
    """(N, 3) stroke-3 -> strokes [[xs], [ys]] in absolute coordinates; inverse of to_stroke3."""
    strokes, xs, ys = [], [], []
    x = y = 0
    for dx, dy, pen in np.asarray(stroke3).tolist():
        x += dx
        y += dy
        xs.append(x)
        ys.append(y)
        if pen:
            strokes.append([xs, ys])
            xs, ys = [], []
    if xs:
        strokes.append([xs, ys])
    return strokes


def simplified_stroke3(drawing, params):
    """Any official drawing -> the stored stroke-3 of the dataset: a simplified drawing by Google's recipe. A raw
    drawing (with timestamps) is always simplified, even when its points happen to be integers from 0 to 255
    (a small drawing near a canvas's corner); one without timestamps is taken as simplified when it lies in
    the simplified frame, and simplified otherwise."""
    strokes = validate_drawing(drawing)
    if has_timestamps(drawing) or not is_simplified(strokes, params):
        strokes = simplify(strokes, params)
    return to_stroke3(strokes)


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
            self.fixed.append((_round(self.xs[0]), _round(self.ys[0])))
        elif not self._straight():
            self.fixed.append((_round(self.xs[-2]), _round(self.ys[-2])))
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
        return [*self.fixed, (_round(self.xs[-1]), _round(self.ys[-1]))]


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


def validate_stroke3(rows):
    """Check a client's [[dx, dy, pen], ...] list; return it as an (N, 3) float array."""
    if not isinstance(rows, list) or not rows:
        raise DrawingError("'strokes' must be a non-empty list of [dx, dy, pen] rows")
    if len(rows) > MAX_INPUT_POINTS:
        raise DrawingError(f"drawing has more than {MAX_INPUT_POINTS} points")
    for i, row in enumerate(rows):
        if (
            not isinstance(row, list)
            or len(row) != 3
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in row)
        ):
            raise DrawingError(f"row {i} must be [dx, dy, pen] numbers")
        # One comparison refuses NaN, infinities and integers too large for a float alike.
        if not (abs(row[0]) <= MAX_COORDINATE and abs(row[1]) <= MAX_COORDINATE):
            raise DrawingError(f"row {i} has a non-finite or absurd offset")
        if row[2] not in (0, 1):
            raise DrawingError(f"row {i}: pen must be 0 or 1")
    return np.array(rows, dtype=np.float64)


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
