// The drawing page: records strokes and shows live guesses through the one pipeline every page uses
// (guesser.js): the browser engine (TF.js), or the server when the browser cannot run it or is told not to.
import { DrawingPad, isDrawing } from "./canvas.js";
import { Guesser } from "./guesser.js";
import { renderGuesses } from "./guesses.js";
import { loadModel } from "./model_client.js";
import { merge } from "./own_categories.js";
import { OwnCategories } from "./own_store.js";

const root = document.querySelector(".draw-layout");
const STORAGE_KEY = root.dataset.storageKey; // the server's DRAWING_STORAGE_KEY
const canvas = document.getElementById("pad");
const status = document.getElementById("status");
const serverToggle = document.getElementById("server-mode");
const params = new URLSearchParams(location.search);

let guesser = null; // once the model's description is loaded
let engineProblem = ""; // why the browser cannot run the model, when it cannot
const own = new OwnCategories(root.dataset.ownStorageKey); // the person's own categories (/teach)
let ownPrototypes = []; // theirs with enough examples, as the model in use reads them
const ownThreshold = Number(root.dataset.ownThreshold);
const ownStanding = Number(root.dataset.ownStanding); // where a proposed own category stands (own_categories.js)

const pad = new DrawingPad(canvas, (reason) => {
  if (reason !== "point") save();
  if (reason === "clear") guesser?.reset();
  if (guesser) {
    showModelInput();
    guesser.update(pad.strokes, pad.frame);
  }
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
    const valid = isDrawing(saved);
    if (valid && saved.length) pad.load(saved);
  } catch {
    localStorage.removeItem(STORAGE_KEY);
  }
}

function setStatus(text) {
  status.textContent = text;
}

// The person sees where the guessing happens; the cost of the last guess is under "What the model sees".
function showResult({ guesses, embedding, engine, points, computed, ms }) {
  const topK = Number(root.dataset.topK);
  showGuesses(
    embedding && ownPrototypes.length
      ? merge(guesses, embedding, ownPrototypes, topK, ownThreshold, ownStanding)
      : guesses,
    engine,
    ms,
  );
  setStatus(readyText());
  setHint(points ? "" : "Start drawing: Inkling's guesses appear here, best first.");
  document.getElementById("timing").textContent = !points
    ? ""
    : engine === "browser"
      ? `Last guess: ${ms.toFixed(1)} ms in this browser (TF.js, ${guesser.engine.backend}); ${points} points, ${computed} of them new.`
      : `Last guess: ${ms.toFixed(0)} ms from the server, for ${points} points.`;
}

function readyText() {
  if (engineProblem) return "The server guesses: this browser could not load the model.";
  return guesser.onServer ? "The server guesses." : "Inkling guesses right here in your browser.";
}

function setHint(text) {
  const hint = document.getElementById("guesses-hint");
  hint.textContent = text;
  hint.hidden = !text;
}

function showGuesses(guesses, engineName, ms) {
  renderGuesses(document.getElementById("guesses"), guesses, engineName, ms);
  showTopGuess();
}

// The best guess again right under the canvas: on a phone the list is below the fold.
function showTopGuess() {
  const best = document.querySelector("#guesses li[data-label]");
  document.getElementById("top-guess").textContent = best
    ? `Looks like: ${best.querySelector(".label").textContent} (${best.querySelector(".percent").textContent})`
    : "";
}

function showModelInput() {
  const { rows } = guesser.modelInput(pad.strokes, pad.frame); // at most max_points rows, as the model reads them
  const count = rows.length / 3;
  document.getElementById("input-shape").textContent = `(${count}, 3)`;
  const start = Math.max(0, count - 6);
  const body = document.getElementById("input-rows");
  body.replaceChildren(
    ...Array.from({ length: count - start }, (_, k) => {
      const i = start + k;
      const tr = document.createElement("tr");
      for (const value of [i, rows[3 * i].toFixed(3), rows[3 * i + 1].toFixed(3), rows[3 * i + 2]]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.append(td);
      }
      return tr;
    }),
  );
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
  if (!guesser) return;
  guesser.setServerMode(serverToggle.checked);
  guesser.update(pad.strokes, pad.frame);
});

// The person's own categories as the model in use reads them; the server, when it guesses, sends each
// drawing's embedding along so they can be matched here.
async function readOwnCategories() {
  own.categories = own.read();
  try {
    ownPrototypes = await own.prototypes(guesser);
  } catch (error) {
    ownPrototypes = [];
    setStatus(`Your own categories cannot be read just now (${error.message}).`);
  }
  guesser.withEmbedding = ownPrototypes.length > 0;
  root.dataset.ownCategories = String(ownPrototypes.length); // read by the tests
}

async function start() {
  restore();
  if (params.get("engine") === "server") serverToggle.checked = true;
  const backends = params.get("backend") ? [params.get("backend")] : undefined;
  let loaded;
  try {
    loaded = await loadModel(root, { backends });
  } catch (error) {
    setStatus(`No guesses for now (${error.message}). You can still draw.`);
    setHint("No guesses: Inkling cannot load its model just now.");
    root.dataset.ready = "true";
    return;
  }
  const { metadata, engine, engineError } = loaded;
  document.getElementById("delta-scale").textContent = metadata.preprocessing.delta_scale;
  guesser = new Guesser({
    metadata,
    engine,
    topK: Number(root.dataset.topK),
    predictUrl: root.dataset.predictUrl,
    onResult: showResult,
    onError: (message) => setStatus(`The server could not guess (${message}). Your drawing is kept; keep drawing.`),
    onBusy: (busy) => {
      root.dataset.guessing = busy ? "busy" : "idle"; // read by the tests: the guesses shown are the drawing's
    },
  });
  if (engine) {
    root.dataset.backend = engine.backend;
    guesser.setServerMode(serverToggle.checked);
  } else {
    engineProblem = engineError.message;
    console.info(`the browser engine is unavailable: ${engineProblem}`);
    serverToggle.checked = true;
    serverToggle.disabled = true;
  }
  await readOwnCategories();
  window.addEventListener("storage", (event) => {
    // taught in another tab
    if (event.key === own.storageKey) readOwnCategories().then(() => guesser.update(pad.strokes, pad.frame));
  });
  setStatus(readyText());
  root.dataset.ready = "true";
  root.dataset.readyMs = performance.now().toFixed(0); // read by benchmarks/browser_inference.py
  showModelInput();
  guesser.update(pad.strokes, pad.frame);
}

start();
