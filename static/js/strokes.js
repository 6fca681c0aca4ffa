// The JavaScript definition of what the model reads of a drawing: the same steps as model_training/core/model_input.py
// (StrokeStream, framed_stroke3), written so both perform the same floating-point operations in the same
// order (tests/test_strokes_parity.py checks it).
//
// A drawing in the raw format is [[xs, ys, ts], ...] per stroke (what the canvas records); stroke-3 is
// [[dx, dy, penLifted], ...]; `params` is metadata.json's "preprocessing" object; a frame is
// [originX, originY, scale]: a point (x, y) is read as ((x - originX) * scale, (y - originY) * scale).

// Most points a streamed stroke holds between two fixed points (model_input.py's STREAM_WINDOW).
const STREAM_WINDOW = 64;

const round = (v) => Math.floor(v + 0.5);

// One stroke simplified while it is drawn: the first point is fixed at once, a later one when the points
// since the last fixed one no longer lie within `epsilon` of a straight line from it (or are more than
// STREAM_WINDOW). A fixed point never moves; points are rounded to integers, as in simplified drawings.
export class StrokeStream {
  constructor(frame, epsilon) {
    this.frame = frame;
    this.epsilon = epsilon;
    this.xs = []; // framed points from the last fixed one on
    this.ys = [];
    this.fixed = []; // rounded [x, y] of the fixed points
  }

  push(x, y) {
    const [originX, originY, scale] = this.frame;
    this.xs.push((x - originX) * scale);
    this.ys.push((y - originY) * scale);
    const n = this.xs.length;
    if (n === 1) {
      this.fixed.push([round(this.xs[0]), round(this.ys[0])]);
    } else if (!this.straight()) {
      this.fixed.push([round(this.xs[n - 2]), round(this.ys[n - 2])]);
      this.xs = this.xs.slice(-2);
      this.ys = this.ys.slice(-2);
    }
  }

  // Every point between the last fixed one and the newest within epsilon of the line joining them.
  straight() {
    const { xs, ys } = this;
    const n = xs.length;
    if (n > STREAM_WINDOW) return false;
    const ax = xs[0],
      ay = ys[0];
    const bx = xs[n - 1] - ax;
    const by = ys[n - 1] - ay;
    const norm = Math.sqrt(bx * bx + by * by);
    for (let j = 1; j < n - 1; j++) {
      const px = xs[j] - ax;
      const py = ys[j] - ay;
      const d = norm === 0 ? Math.sqrt(px * px + py * py) : Math.abs(bx * py - by * px) / norm;
      if (d > this.epsilon) return false;
    }
    return true;
  }

  // The fixed points, then the newest point (where the pen is) if it is not fixed.
  points() {
    const n = this.xs.length;
    return n < 2 ? this.fixed : [...this.fixed, [round(this.xs[n - 1]), round(this.ys[n - 1])]];
  }
}

// The stroke-3 the model reads of a drawing that grows point by point, as the drawing pad's does: each call
// streams only the points added since the last one. A drawing that is not the one seen before (a stroke
// undone, the pad cleared, another drawing) starts over.
export class FramedDrawing {
  constructor(params, frame) {
    this.params = params;
    this.frame = frame;
    this.sources = []; // the stroke arrays streamed so far, and how many points of each
    this.counts = [];
    this.streams = [];
  }

  continues(strokes) {
    return (
      strokes.length >= this.sources.length &&
      this.sources.every((source, k) => strokes[k] === source && source[0].length >= this.counts[k])
    );
  }

  update(strokes) {
    if (!this.continues(strokes)) this.sources = this.counts = this.streams = [];
    strokes.forEach((stroke, k) => {
      if (k === this.streams.length) {
        this.sources = [...this.sources, stroke];
        this.counts = [...this.counts, 0];
        this.streams = [...this.streams, new StrokeStream(this.frame, this.params.rdp_epsilon)];
      }
      const [xs, ys] = stroke;
      for (let i = this.counts[k]; i < xs.length; i++) this.streams[k].push(xs[i], ys[i]);
      this.counts[k] = xs.length;
    });
    return this.stroke3();
  }

  // The first row (0, 0, pen); the last point of each stroke drawn so far has the pen lifted.
  stroke3() {
    const rows = [];
    let previous = null;
    for (const stream of this.streams) {
      const points = stream.points();
      points.forEach(([x, y], i) => {
        const pen = i === points.length - 1 ? 1 : 0;
        rows.push(previous === null ? [0, 0, pen] : [x - previous[0], y - previous[1], pen]);
        previous = [x, y];
      });
    }
    return rows;
  }
}

// The frame of a square of the page {x, y, size} (the canvas: its top-left corner and longer side): it
// spans canvas_size units, as a simplified drawing's box does.
export function frameOf({ x, y, size }, params) {
  return [x, y, params.canvas_size / size];
}

// A whole drawing -> the stroke-3 the model reads, in `frame`.
export function drawingToStroke3(strokes, params, frame) {
  return new FramedDrawing(params, frame).update(strokes);
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
