// Live parts of the learn pages, built from Inkling itself: a small drawing pad whose drawing feeds
// the widgets beside it (tensor shapes, a guess after every point, the LSTM's gates).
// Pages arrive by htmx navigation too, so widgets are set up on every swap, not only on load.
import { DrawingPad } from "./canvas.js";
import { loadModel } from "./model_client.js";
import { drawingToStroke3, normalize } from "./strokes.js";

let enginePromise = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    if (document.querySelector(`script[src="${src}"]`)) return resolve();
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}

async function engineFor(root) {
  enginePromise ??= (async () => {
    await loadScript(root.dataset.tfUrl);
    await loadScript(root.dataset.tfWasmUrl);
    const { metadata, engine, engineError } = await loadModel(root);
    if (!engine) throw engineError; // the live widgets run the model's layers in the browser, or not at all
    return { ...engine, metadata };
  })();
  return enginePromise;
}

function cells(row, tag = "td") {
  const tr = document.createElement("tr");
  for (const value of row) {
    const cell = document.createElement(tag);
    cell.textContent = value;
    tr.append(cell);
  }
  return tr;
}

const render = {
  shape(element, { n, labels }) {
    element.querySelector("[data-input]").textContent = `(1, ${n}, 3)`;
    element.querySelector("[data-sequence]").textContent = `(1, ${n}, ${labels})`;
    element.querySelector("[data-vector]").textContent = `(1, ${labels})`;
  },
  perPoint(element, { perPoint, metadata }) {
    const n = perPoint.length;
    const top = (p) => metadata.labels[p.indexOf(Math.max(...p))];
    const marks = [...new Set([0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.ceil(f * n))))];
    element.querySelector("tbody").replaceChildren(...marks.map((k) => {
      const p = perPoint[k - 1];
      return cells([`${k} of ${n}`, top(p), `${Math.round(Math.max(...p) * 100)}%`]);
    }));
    element.querySelector("[data-final]").textContent = top(perPoint[n - 1]);
  },
  gates(element, { trace }) {
    const svg = element.querySelector("svg");
    const width = 600, height = 200;
    for (const gate of ["input", "forget", "output"]) {
      const points = trace.map((g, t) => `${(t / Math.max(1, trace.length - 1)) * width},${height - g[gate] * height}`);
      svg.querySelector(`[data-gate=${gate}]`).setAttribute("points", points.join(" "));
    }
    element.querySelector("[data-points]").textContent = trace.length;
  },
};

function setUp(root) {
  if (root.dataset.started) return;
  root.dataset.started = "true";
  const status = root.querySelector("[data-status]");
  const widgets = [...document.querySelectorAll("[data-widget]")];
  const pad = new DrawingPad(root.querySelector("canvas"), () => update());
  root.querySelector("[data-clear]").addEventListener("click", () => pad.clear());
  let engine = null;

  function update() {
    if (!engine) return;
    const stroke3 = drawingToStroke3(pad.strokes, engine.metadata.preprocessing);
    if (!stroke3.length) return;
    const rows = normalize(stroke3, engine.metadata.preprocessing);
    engine.classifier.predict(rows);
    const facts = {
      n: rows.length / 3,
      labels: engine.metadata.labels.length,
      metadata: engine.metadata,
      get perPoint() { return engine.classifier.perPoint(); },
      get trace() { return engine.classifier.gateTrace(); },
    };
    for (const widget of widgets) render[widget.dataset.widget](widget, facts);
    root.dataset.drawnPoints = facts.n;
  }

  engineFor(root).then((loaded) => {
    engine = loaded;
    status.textContent = `Model ready (TF.js, ${engine.backend}). Draw in the box.`;
    root.dataset.ready = "true";
    update();
  }).catch((error) => {
    status.textContent = `The model cannot run in this browser (${error.message}).`;
  });
}

function setUpAll() {
  document.querySelectorAll("[data-live-pad]").forEach(setUp);
}

document.addEventListener("DOMContentLoaded", setUpAll);
document.addEventListener("htmx:afterSettle", setUpAll);
if (document.readyState !== "loading") setUpAll();
