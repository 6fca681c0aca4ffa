"""Google's recipe for Quick, Draw!'s "simplified" drawings, and the stored stroke-3 of the dataset.

A simplified drawing is aligned to the top-left corner, scaled so that its longer side spans canvas_size
(255), resampled every resample_spacing (1 pixel) along each stroke and simplified by Ramer-Douglas-Peucker
with rdp_epsilon (2.0); its points are integers. The dataset stores it as stroke-3 whose first row is taken
from the origin (`to_stroke3`). `python -m model_training.simplification_check` compares `simplify` with
Google's own output on the drawings that are in both raw/ and simplified/.
"""

import math

import numpy as np

from model_training.core.drawing_checks import has_timestamps, validate_drawing

# Longest run of points simplified as one (see _rdp_keep); far above any real stroke's points.
RDP_WINDOW = 1024


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


def round_half_up(v):
    """Rounding as JavaScript's Math.round does it (half up), which static/js/strokes.js uses."""
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
        simplified.append([[round_half_up(xs[i]) for i in kept], [round_half_up(ys[i]) for i in kept]])
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
