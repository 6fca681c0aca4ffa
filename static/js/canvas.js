// The drawing surface: Pointer Events (mouse, pen, touch), crisp on high-DPI screens, and a record of
// every point in the Quick, Draw! raw format: per stroke [xs, ys, ts], ts in ms since the first point.

// Whether `strokes` is a drawing in that format: a list of strokes, each [xs, ys, ts] of equal, non-zero
// lengths of finite numbers. For drawings read back from storage or a file.
export function isDrawing(strokes) {
  return (
    Array.isArray(strokes) &&
    strokes.every(
      (s) =>
        Array.isArray(s) &&
        s.length === 3 &&
        s[0].length > 0 &&
        s.every((c) => Array.isArray(c) && c.length === s[0].length && c.every(Number.isFinite)),
    )
  );
}

export class DrawingPad {
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.onChange = onChange; // called with (reason) after every change: "point", "stroke", "undo", ...
    this.strokes = [];
    this.current = null;
    this.origin = null; // performance.now() of the drawing's first point
    // The square the model's frame spans, {x, y, size}: the canvas as it was at the drawing's first point
    // (its top-left corner and longer side), so a resize while drawing never changes what was drawn.
    this.frame = null;
    this.locked = false; // see setLocked
    canvas.addEventListener("pointerdown", (e) => this.down(e));
    canvas.addEventListener("pointermove", (e) => this.move(e));
    for (const type of ["pointerup", "pointercancel"]) canvas.addEventListener(type, (e) => this.up(e));
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.context.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.redraw();
  }

  canvasFrame() {
    const { width, height } = this.canvas.getBoundingClientRect();
    return { x: 0, y: 0, size: Math.max(width, height) };
  }

  position(event) {
    const rect = this.canvas.getBoundingClientRect();
    if (this.origin === null) this.origin = event.timeStamp;
    const t = Math.max(0, Math.round(event.timeStamp - this.origin));
    return [Math.round((event.clientX - rect.left) * 100) / 100, Math.round((event.clientY - rect.top) * 100) / 100, t];
  }

  down(event) {
    if (this.locked || !event.isPrimary || event.button > 0) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    if (!this.strokes.length) this.frame = this.canvasFrame();
    const [x, y, t] = this.position(event);
    this.current = [[x], [y], [t]];
    this.strokes.push(this.current);
    this.dot(x, y);
    this.onChange("point");
  }

  move(event) {
    if (!this.current || !event.isPrimary) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      const [x, y, t] = this.position(e);
      const s = this.current;
      const last = s[0].length - 1;
      if (x === s[0][last] && y === s[1][last]) continue;
      this.segment(s[0][last], s[1][last], x, y);
      s[0].push(x);
      s[1].push(y);
      s[2].push(t);
    }
    this.onChange("point");
  }

  up(event) {
    if (!this.current || !event.isPrimary) return;
    this.current = null;
    this.onChange("stroke");
  }

  // While locked the pad takes no new points (the game, between rounds); a stroke under way ends.
  setLocked(locked) {
    this.locked = locked;
    this.current = null;
  }

  undo() {
    if (!this.strokes.length) return;
    this.strokes.pop();
    this.current = null;
    if (!this.strokes.length) this.origin = this.frame = null;
    this.redraw();
    this.onChange("undo");
  }

  clear() {
    this.strokes = [];
    this.current = null;
    this.origin = this.frame = null;
    this.redraw();
    this.onChange("clear");
  }

  // Restore a saved drawing; new points continue its clock.
  load(strokes) {
    this.strokes = strokes;
    const last = strokes.length ? strokes[strokes.length - 1][2] : null;
    this.origin = last ? performance.now() - last[last.length - 1] - 1000 : null;
    this.frame = strokes.length ? this.canvasFrame() : null;
    this.redraw();
  }

  redraw() {
    const { width, height } = this.canvas.getBoundingClientRect();
    this.context.clearRect(0, 0, width, height);
    for (const [xs, ys] of this.strokes) {
      this.dot(xs[0], ys[0]);
      for (let i = 1; i < xs.length; i++) this.segment(xs[i - 1], ys[i - 1], xs[i], ys[i]);
    }
  }

  style() {
    const c = this.context;
    c.strokeStyle = c.fillStyle = getComputedStyle(this.canvas).color;
    c.lineWidth = 3;
    c.lineCap = c.lineJoin = "round";
    return c;
  }

  segment(x0, y0, x1, y1) {
    const c = this.style();
    c.beginPath();
    c.moveTo(x0, y0);
    c.lineTo(x1, y1);
    c.stroke();
  }

  dot(x, y) {
    const c = this.style();
    c.beginPath();
    c.arc(x, y, 1.5, 0, 2 * Math.PI);
    c.fill();
  }
}
