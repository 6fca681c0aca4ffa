// The one path from a drawing to guesses, for every page that guesses (the drawing page, /play, the
// learn pages) and for benchmarks/page_replay.py: raw strokes -> stroke-3 in the pad's frame by the model's
// own preprocessing (strokes.js, streamed: only new points are read) -> the rows the model reads -> probabilities, from the browser engine (the
// incremental classifier) or from the server (POST /api/predict) -> the top guesses.
//
// Updates are paced one way for all: `update(strokes, frame)` may be called after every pointer event; the work
// runs at most once per animation frame, with the newest drawing. On the server one request is in flight
// at a time, and the newest drawing goes when it answers, so a slow server is never queued up.
import { topGuesses } from "./guesses.js";
import { drawingToStroke3, FramedDrawing, frameOf, normalize } from "./strokes.js";

export class Guesser {
  // metadata: the model's checked metadata.json; engine: the browser engine or null; onResult(result) gets
  // {guesses, embedding, engine: "browser" | "server" | "", points, computed, ms}; onError(message) a failed
  // request. withEmbedding: the server sends the drawing's embedding too (the page has own categories).
  // onBusy(busy) hears whether guesses for the newest drawing are still to come.
  constructor({
    metadata,
    engine,
    topK,
    predictUrl,
    onResult,
    onError = () => {},
    onBusy = () => {},
    withEmbedding = false,
  }) {
    Object.assign(this, { metadata, engine, topK, predictUrl, onResult, onError, onBusy, withEmbedding });
    this.serverMode = !engine;
    this.pending = null; // the newest drawing not yet guessed
    this.frame = false; // an update is scheduled for the next animation frame
    this.inFlight = false; // a server request is under way
    this.generation = 0; // counts resets: an answer to a drawing from before one is dropped
    this.drawing = null; // the FramedDrawing of the strokes last read
  }

  // Guesses for the newest drawing are still to come: a frame is scheduled, a drawing waits, a request is out.
  get busy() {
    return this.frame || this.pending !== null || this.inFlight;
  }

  get onServer() {
    return this.serverMode || !this.engine;
  }

  // Guess on the server even where the browser could (the page's toggle); without an engine it must.
  setServerMode(on) {
    this.serverMode = on || !this.engine;
    this.reset();
  }

  // Forget the classifier's cached states and any drawing not yet guessed (a new round, a cleared pad).
  reset() {
    this.engine?.classifier.reset();
    this.pending = null;
    this.drawing = null;
    this.generation++;
  }

  // What the model reads for `strokes` ([[xs, ys, ts], ...]) drawn in `frame` ({x, y, size}: the square of
  // the page that the model's frame spans, the pad's `frame`): {stroke3, rows}. Called again as the same
  // strokes grow, it reads only the new points.
  modelInput(strokes, frame) {
    const params = this.metadata.preprocessing;
    if (!strokes.length) return { stroke3: [], rows: new Float32Array(0) };
    const framed = frameOf(frame, params);
    if (!this.drawing || this.drawing.frame.some((v, k) => v !== framed[k])) {
      this.drawing = new FramedDrawing(params, framed);
    }
    const stroke3 = this.drawing.update(strokes);
    return { stroke3, rows: normalize(stroke3, params) };
  }

  // The browser engine's guesses for `rows`, at once (no pacing).
  guessInBrowser(rows) {
    const started = performance.now();
    const { probabilities, embedding, computed } = this.engine.classifier.predict(rows);
    const ms = performance.now() - started;
    return {
      guesses: topGuesses(probabilities, this.metadata.labels, this.topK),
      embedding,
      engine: "browser",
      points: rows.length / 3,
      computed,
      ms,
    };
  }

  // The embedding of a finished drawing (`strokes` in `frame`), from whichever engine guesses: for an own
  // category's examples. Throws when the server cannot answer.
  async embed(strokes, frame) {
    const params = this.metadata.preprocessing;
    const stroke3 = drawingToStroke3(strokes, params, frameOf(frame, params));
    if (!this.onServer) return this.engine.classifier.predict(normalize(stroke3, params)).embedding;
    const body = await this.post({ strokes: stroke3, top_k: 1, embedding: true });
    return Float32Array.from(body.embedding);
  }

  async post(request) {
    const response = await fetch(this.predictUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    return body;
  }

  // Ask for guesses for the drawing `strokes` in `frame` (see modelInput), paced (see above).
  update(strokes, frame) {
    this.pending = { strokes, frame };
    if (this.frame) return;
    this.frame = true;
    this.onBusy(true);
    requestAnimationFrame(() => {
      this.frame = false;
      this.run();
      this.onBusy(this.busy);
    });
  }

  run() {
    if (this.pending === null || (this.onServer && this.inFlight)) return;
    const { stroke3, rows } = this.modelInput(this.pending.strokes, this.pending.frame);
    this.pending = null;
    if (!stroke3.length) {
      this.engine?.classifier.reset();
      this.onResult({ guesses: [], embedding: null, engine: "", points: 0, computed: 0, ms: 0 });
    } else if (this.onServer) {
      this.ask(stroke3);
    } else {
      this.onResult(this.guessInBrowser(rows));
    }
  }

  async ask(stroke3) {
    this.inFlight = true;
    const started = performance.now();
    const generation = this.generation;
    try {
      const body = await this.post({ strokes: stroke3, top_k: this.topK, embedding: this.withEmbedding });
      if (generation !== this.generation) return; // the pad was cleared or a new round began meanwhile
      this.onResult({
        guesses: body.guesses,
        embedding: body.embedding ? Float32Array.from(body.embedding) : null,
        engine: "server",
        points: body.points,
        computed: body.points,
        ms: performance.now() - started,
      });
    } catch (error) {
      this.onError(error.message === "Failed to fetch" ? "the server cannot be reached" : error.message);
    } finally {
      this.inFlight = false;
      if (this.pending !== null) this.update(this.pending.strokes, this.pending.frame);
      this.onBusy(this.busy);
    }
  }
}
