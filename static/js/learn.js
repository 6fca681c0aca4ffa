// Live parts of the learn pages, built from Inkling itself: a small drawing pad whose drawing feeds
// the widgets beside it (tensor shapes, a guess after every point, the LSTM's gates).
// Pages arrive by htmx navigation too, so widgets are set up on every swap, not only on load.
import { DrawingPad } from "./canvas.js";
import { Guesser } from "./guesser.js";
import { loadModel } from "./model_client.js";
import { similarities } from "./own_categories.js";
import { OwnCategories } from "./own_store.js";

let guesserPromise = null;

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

// The widgets read the model's layers as they run, so they need the browser engine: no server fallback.
async function guesserFor(root) {
  guesserPromise ??= (async () => {
    await loadScript(root.dataset.tfUrl);
    await loadScript(root.dataset.tfWasmUrl);
    const { metadata, engine, engineError } = await loadModel(root);
    if (!engine) throw engineError;
    return new Guesser({ metadata, engine, topK: 1, onResult: () => {} });
  })();
  return guesserPromise;
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
    element.querySelector("tbody").replaceChildren(
      ...marks.map((k) => {
        const p = perPoint[k - 1];
        return cells([`${k} of ${n}`, top(p), `${Math.round(Math.max(...p) * 100)}%`]);
      }),
    );
    element.querySelector("[data-final]").textContent = top(perPoint[n - 1]);
  },
  // The cosine of the state after each point to each of the person's own categories (own_categories.js).
  likeness(element, { states, own }) {
    const svg = element.querySelector("svg");
    const width = 600,
      height = 200;
    const threshold = Number(element.dataset.ownThreshold);
    const line = svg.querySelector("[data-threshold]");
    line.setAttribute("y1", height - threshold * height);
    line.setAttribute("y2", height - threshold * height);
    for (const polyline of svg.querySelectorAll("polyline")) polyline.remove();
    const perPoint = states.map((state) =>
      similarities(
        state,
        own.map((c) => c.prototype),
      ),
    );
    own.forEach((_category, k) => {
      const points = perPoint.map(
        (s, t) => `${(t / Math.max(1, states.length - 1)) * width},${height - Math.max(0, s[k]) * height}`,
      );
      const polyline = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      polyline.setAttribute("points", points.join(" "));
      polyline.setAttribute("class", `likeness-${k % 4}`);
      svg.append(polyline);
    });
    const last = perPoint.at(-1) ?? [];
    element.querySelector("[data-likeness]").replaceChildren(
      ...own.map((category, k) => {
        const item = document.createElement("li");
        item.className = `likeness-${k % 4}`;
        item.textContent = `${category.name}: ${last[k].toFixed(2)}${last[k] >= threshold ? " (proposed)" : ""}`;
        return item;
      }),
    );
    element.querySelector("[data-own-summary]").textContent = own.length
      ? `Cosine of your drawing's state to each of your things after each of its ${states.length} points; the grey line is the threshold (${threshold}).`
      : element.querySelector("[data-own-summary]").textContent;
  },
  gates(element, { trace }) {
    const svg = element.querySelector("svg");
    const width = 600,
      height = 200;
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
  let guesser = null;
  let own = []; // the person's own categories, for the likeness widget

  function update() {
    if (!guesser) return;
    const { stroke3, rows } = guesser.modelInput(pad.strokes, pad.frame);
    if (!stroke3.length) return;
    guesser.guessInBrowser(rows);
    const { classifier } = guesser.engine;
    const facts = {
      n: rows.length / 3,
      labels: guesser.metadata.labels.length,
      metadata: guesser.metadata,
      get perPoint() {
        return classifier.perPoint();
      },
      get trace() {
        return classifier.gateTrace();
      },
      get states() {
        return classifier.lastLayerStates();
      },
      own,
    };
    for (const widget of widgets) render[widget.dataset.widget](widget, facts);
    root.dataset.drawnPoints = facts.n;
  }

  guesserFor(root)
    .then(async (loaded) => {
      guesser = loaded;
      const likeness = document.querySelector("[data-widget=likeness]");
      if (likeness) own = await new OwnCategories(likeness.dataset.ownStorageKey).prototypes(guesser);
      status.textContent = `Model ready (TF.js, ${guesser.engine.backend}). Draw in the box.`;
      root.dataset.ready = "true";
      update();
    })
    .catch((error) => {
      status.textContent = `The model cannot run in this browser (${error.message}).`;
    });
}

function setUpAll() {
  document.querySelectorAll("[data-live-pad]").forEach(setUp);
}

document.addEventListener("DOMContentLoaded", setUpAll);
document.addEventListener("htmx:afterSettle", setUpAll);
if (document.readyState !== "loading") setUpAll();
