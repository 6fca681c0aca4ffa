// The JavaScript definition of a drawing: the same steps as model_training/strokes.py, written so both
// perform the same floating-point operations in the same order (tests/test_strokes_parity.py checks it).
//
// A drawing in the raw format is [[xs, ys, ts], ...] per stroke (what the canvas records);
// stroke-3 is [[dx, dy, penLifted], ...]; `params` is metadata.json's "preprocessing" object.

// Longest run of points simplified as one (see rdpKeep); far above any real stroke's points.
const RDP_WINDOW = 1024;

// The points every `spacing` along the polyline that simplification can keep: of the points on each input
// segment only the first and the last (RDP's distance to a line peaks at a segment's end), so the work is
// linear in the number of input points, whatever their spacing.
function resample(xs, ys, spacing) {
  if (xs.length < 2) return [xs.slice(), ys.slice()];
  const outX = [xs[0]];
  const outY = [ys[0]];
  let carried = 0; // arc length walked since the last emitted point
  for (let i = 1; i < xs.length; i++) {
    const x0 = xs[i - 1], y0 = ys[i - 1];
    const dx = xs[i] - x0;
    const dy = ys[i] - y0;
    const length = Math.sqrt(dx * dx + dy * dy);
    const first = spacing - carried; // distance along this segment of its first point
    if (first > length) {
      carried += length;
      continue;
    }
    const last = first + Math.floor((length - first) / spacing) * spacing;
    for (const position of last > first ? [first, last] : [first]) {
      const t = position / length;
      outX.push(x0 + dx * t);
      outY.push(y0 + dy * t);
    }
    carried = length - last;
  }
  const end = xs.length - 1;
  if (outX[outX.length - 1] !== xs[end] || outY[outY.length - 1] !== ys[end]) {
    outX.push(xs[end]);
    outY.push(ys[end]);
  }
  return [outX, outY];
}

// Ramer-Douglas-Peucker in windows of RDP_WINDOW points that share their ends: at most linear work per point.
function rdpKeep(xs, ys, epsilon) {
  const n = xs.length;
  const keep = new Array(n).fill(false);
  keep[0] = keep[n - 1] = true;
  const stack = [];
  for (let start = 0; start < n - 1; start += RDP_WINDOW - 1) {
    const last = Math.min(start + RDP_WINDOW - 1, n - 1);
    keep[last] = true;
    stack.push([start, last]);
  }
  while (stack.length) {
    const [first, last] = stack.pop();
    const ax = xs[first], ay = ys[first];
    const bx = xs[last] - ax;
    const by = ys[last] - ay;
    const norm = Math.sqrt(bx * bx + by * by);
    let best = -1, bestIndex = -1;
    for (let i = first + 1; i < last; i++) {
      const px = xs[i] - ax;
      const py = ys[i] - ay;
      const d = norm === 0 ? Math.sqrt(px * px + py * py) : Math.abs(bx * py - by * px) / norm;
      if (d > best) { best = d; bestIndex = i; }
    }
    if (best > epsilon) {
      keep[bestIndex] = true;
      stack.push([first, bestIndex]);
      stack.push([bestIndex, last]);
    }
  }
  const kept = [];
  for (let i = 0; i < n; i++) if (keep[i]) kept.push(i);
  return kept;
}

const round = (v) => Math.floor(v + 0.5);

export function isSimplified(strokes, params) {
  return strokes.every((s) => s.slice(0, 2).every((column) =>
    column.every((v) => Number.isInteger(v) && v >= 0 && v <= params.canvas_size)));
}

// Google's recipe: align to top-left, scale the longest side to canvas_size, resample, RDP.
export function simplify(strokes, params) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const s of strokes) {
    for (const x of s[0]) { if (x < minX) minX = x; if (x > maxX) maxX = x; }
    for (const y of s[1]) { if (y < minY) minY = y; if (y > maxY) maxY = y; }
  }
  const extent = Math.max(maxX - minX, maxY - minY);
  // An extent too small to divide by (5e-324, say) is a single point, like an extent of 0.
  let scale = extent > 0 ? params.canvas_size / extent : 1.0;
  if (!Number.isFinite(scale)) scale = 1.0;
  return strokes.map((s) => {
    const [xs, ys] = resample(s[0].map((x) => (x - minX) * scale), s[1].map((y) => (y - minY) * scale),
      params.resample_spacing);
    const kept = rdpKeep(xs, ys, params.rdp_epsilon);
    return [kept.map((i) => round(xs[i])), kept.map((i) => round(ys[i]))];
  });
}

export function toStroke3(strokes) {
  const rows = [];
  let prevX = 0, prevY = 0;
  for (const s of strokes) {
    const n = s[0].length;
    for (let i = 0; i < n; i++) {
      rows.push([s[0][i] - prevX, s[1][i] - prevY, i === n - 1 ? 1 : 0]);
      prevX = s[0][i];
      prevY = s[1][i];
    }
  }
  return rows;
}

// A raw drawing, as the game and the canvas record it: its strokes carry [xs, ys, ts].
export function hasTimestamps(strokes) {
  return strokes.some((s) => s.length === 3);
}

// Any official drawing -> stroke-3. A raw drawing (with timestamps) is always simplified, even when its
// points happen to be integers from 0 to 255 (a small drawing near the canvas's corner); one without
// timestamps is taken as simplified when it lies in the simplified frame, and simplified otherwise.
export function drawingToStroke3(strokes, params) {
  if (!strokes.length) return [];
  const simplified = !hasTimestamps(strokes) && isSimplified(strokes, params);
  return toStroke3(simplified ? strokes : simplify(strokes, params));
}

// Stroke-3 -> the model input: Float32Array of rows (dx / delta_scale, dy / delta_scale, pen).
export function normalize(stroke3, params) {
  const n = Math.min(stroke3.length, params.max_points);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = stroke3[i][0] / params.delta_scale;
    out[3 * i + 1] = stroke3[i][1] / params.delta_scale;
    out[3 * i + 2] = stroke3[i][2];
  }
  return out;
}
