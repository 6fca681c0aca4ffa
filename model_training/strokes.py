"""The Python definition of a drawing, from Quick, Draw! records to what the model sees.

Formats:
- raw:        strokes of [[x...], [y...], [t...]], float screen coordinates, ms since the first point.
- simplified: strokes of [[x...], [y...]], ints 0..255 (Google's recipe, see `simplify`).
- stroke-3:   an (N, 3) array of (dx, dy, pen_lifted): offsets from the previous point (the first row
              from the origin), pen_lifted = 1 on the last point of each stroke.

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


def drawing_to_stroke3(drawing, params):
    """Any official drawing -> stroke-3. A raw drawing (with timestamps) is always simplified, even when its
    points happen to be integers from 0 to 255 (a small drawing near a canvas's corner); one without
    timestamps is taken as simplified when it lies in the simplified frame, and simplified otherwise."""
    strokes = validate_drawing(drawing)
    if has_timestamps(drawing) or not is_simplified(strokes, params):
        strokes = simplify(strokes, params)
    return to_stroke3(strokes)


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
    """The model input the drawing page makes once the first `fraction` of a simplified drawing's points are
    drawn: the partial drawing simplified and scaled to its own bounding box, as static/js/strokes.js does
    for every update, then normalised. (Not a cut of the whole drawing's input: that knows the final size.)"""
    drawn = np.asarray(stroke3)[: max(1, math.ceil(fraction * len(stroke3)))]
    return normalize(to_stroke3(simplify(from_stroke3(drawn), params)), params)
