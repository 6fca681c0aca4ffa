// The drawing page: records strokes, turns them into the model's input with strokes.js, and shows
// live guesses from the browser engine (TF.js), or from the server through htmx as the fallback.
import { DrawingPad } from "./canvas.js";
import { renderGuesses, topGuesses } from "./guesses.js";
import { loadModel } from "./model_client.js";
import { drawingToStroke3, normalize } from "./strokes.js";

const root = document.querySelector(".draw-layout");
const STORAGE_KEY = root.dataset.storageKey; // the server's DRAWING_STORAGE_KEY
const topK = Number(root.dataset.topK); // the server's TOP_K, so both engines list as many guesses
const canvas = document.getElementById("pad");
const status = document.getElementById("status");
const serverToggle = document.getElementById("server-mode");
const serverForm = document.getElementById("server-form");
const params = new URLSearchParams(location.search);

let metadata = null;
let engine = null; // the browser engine, once loaded
let scheduled = false;

let strokeEnded = false; // since the last update: a stroke ended, or the drawing was undone, cleared or restored
const pad = new DrawingPad(canvas, (reason) => {
  if (reason !== "point") {
    save();
    strokeEnded = true;
  }
  schedule();
});

function save() {
  try {
    if (pad.strokes.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(pad.strokes));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    setStatus("This browser cannot keep the drawing across reloads (storage is unavailable).");
  }
}

function restore() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
    const valid = Array.isArray(saved) && saved.every((s) => Array.isArray(s) && s.length === 3 &&
      s.every((c) => Array.isArray(c) && c.length === s[0].length && c.every(Number.isFinite)) && s[0].length > 0);
    if (valid && saved.length) pad.load(saved);
  } catch {
    localStorage.removeItem(STORAGE_KEY);
  }
}

function setStatus(text) {
  status.textContent = text;
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    update();
  });
}

function useServer() {
  return serverToggle.checked || !engine;
}

function update() {
  if (!metadata) return;
  const stroke3 = drawingToStroke3(pad.strokes, metadata.preprocessing);
  showModelInput(stroke3);
  const serverStrokes = document.getElementById("server-strokes");
  serverStrokes.value = stroke3.length && useServer() ? JSON.stringify(stroke3) : "";
  if (!stroke3.length) {
    showGuesses([], "", "");
    setStatus(engine ? `Ready: the model runs in your browser (${engine.backend}).` : status.textContent);
    return;
  }
  if (useServer()) {
    // The form's hx-trigger paces the requests while a stroke is drawn, and sends it whole once it ends.
    const trigger = strokeEnded ? "stroke-ended" : "drawn";
    window.htmx.trigger(serverForm.querySelector(`[hx-trigger^="${trigger}"]`), trigger);
    strokeEnded = false;
    return;
  }
  const rows = normalize(stroke3, metadata.preprocessing);
  const started = performance.now();
  const { probabilities, computed } = engine.classifier.predict(rows);
  const ms = performance.now() - started;
  showGuesses(topGuesses(probabilities, metadata.labels, topK), "browser", ms);
  setStatus(`Browser (${engine.backend}): ${ms.toFixed(1)} ms; ${rows.length / 3} points, ${computed} computed.`);
}

function showGuesses(guesses, engineName, ms) {
  renderGuesses(document.getElementById("guesses"), guesses, engineName, ms);
  showTopGuess();
}

// The best guess again right under the canvas: on a phone the list is below the fold.
function showTopGuess() {
  const best = document.querySelector("#guesses li[data-label]");
  document.getElementById("top-guess").textContent = best
    ? `Looks like: ${best.dataset.label} (${Math.round(best.dataset.probability * 100)}%)` : "";
}

function showModelInput(stroke3) {
  const rows = normalize(stroke3, metadata.preprocessing); // at most max_points rows, as the model reads
  const count = rows.length / 3;
  document.getElementById("input-shape").textContent = `(${count}, 3)`;
  const start = Math.max(0, count - 6);
  const body = document.getElementById("input-rows");
  body.replaceChildren(...Array.from({ length: count - start }, (_, k) => {
    const i = start + k;
    const tr = document.createElement("tr");
    for (const value of [i, rows[3 * i].toFixed(3), rows[3 * i + 1].toFixed(3), rows[3 * i + 2]]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  }));
}

document.getElementById("undo").addEventListener("click", () => pad.undo());
document.getElementById("clear").addEventListener("click", () => pad.clear());
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    pad.undo();
  } else if (event.key === "Escape") {
    pad.clear();
  }
});
serverToggle.addEventListener("change", () => {
  engine?.classifier.reset();
  schedule();
});
// A paced request that fires after the drawing was cleared, or the browser took over, has nothing to send.
document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (serverForm.contains(event.detail.elt) && !document.getElementById("server-strokes").value) event.preventDefault();
});
document.body.addEventListener("htmx:afterSwap", () => {
  const list = document.getElementById("guesses");
  setStatus(list.dataset.error ? `Server: ${list.dataset.error}` : `Server: ${list.dataset.ms} ms.`);
  showTopGuess();
});
document.body.addEventListener("htmx:sendError", () => {
  setStatus("The server cannot be reached. Your drawing is kept; guesses resume when it is back.");
});
document.body.addEventListener("htmx:responseError", (event) => {
  setStatus(`The server could not answer (HTTP ${event.detail.xhr.status}). Your drawing is kept.`);
});

async function start() {
  restore();
  if (params.get("engine") === "server") serverToggle.checked = true;
  const backends = params.get("backend") ? [params.get("backend")] : undefined;
  let engineError = null;
  try {
    ({ metadata, engine, engineError } = await loadModel(root, { backends }));
    document.getElementById("delta-scale").textContent = metadata.preprocessing.delta_scale;
  } catch (error) {
    setStatus(`Predictions are unavailable: ${error.message}. You can still draw.`);
    root.dataset.ready = "true";
    return;
  }
  if (engine) {
    root.dataset.backend = engine.backend;
    setStatus(`Ready: the model runs in your browser (${engine.backend}).`);
  } else {
    serverToggle.checked = true;
    serverToggle.disabled = true;
    setStatus(`The browser cannot run the model (${engineError.message}); the server guesses instead.`);
  }
  root.dataset.ready = "true";
  root.dataset.readyMs = performance.now().toFixed(0); // read by benchmarks/browser_inference.py
  schedule();
}

start();
