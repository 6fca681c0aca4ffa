// Teaching Inkling a person's own things: name one, draw it a few times, keep each drawing as an example.
// The examples stay in this browser (own_store.js); the guesses here, as on the drawing page, include the
// person's things (own_categories.js) through the one guessing pipeline (guesser.js).
import { DrawingPad } from "./canvas.js";
import { Guesser } from "./guesser.js";
import { renderGuesses } from "./guesses.js";
import { loadModel } from "./model_client.js";
import { merge } from "./own_categories.js";
import { MAX_EXAMPLES, MIN_EXAMPLES, OwnCategories } from "./own_store.js";
import { thumbnail } from "./thumbnail.js";

const root = document.getElementById("teach");
const $ = (id) => document.getElementById(id);
const topK = Number(root.dataset.topK);
const threshold = Number(root.dataset.ownThreshold);
const standing = Number(root.dataset.ownStanding);
const own = new OwnCategories(root.dataset.ownStorageKey);

let guesser = null; // once the model's description is loaded
let current = null; // the category being taught
let prototypes = []; // the person's categories with enough examples, as the model reads them

const pad = new DrawingPad($("pad"), (reason) => {
  if (reason === "clear") guesser?.reset();
  guesser?.update(pad.strokes, pad.frame);
  setKeepable();
});

function setStatus(text) {
  $("status").textContent = text;
}

// Keep names the thing it keeps the drawing for, so a drawing tried out is never kept under a name unseen.
function setKeepable() {
  $("keep").textContent = current ? `Keep as “${current.name}”` : "Keep this drawing";
  $("keep").disabled = !guesser || !current || !pad.strokes.length || current.examples.length >= MAX_EXAMPLES;
}

function drawings(n) {
  return `${n} drawing${n === 1 ? "" : "s"}`;
}

// What to do next for the category being taught.
function showTeaching() {
  const teaching = $("teaching");
  if (!current) {
    teaching.textContent = own.categories.length
      ? "Name a new thing, or choose “Draw more” for one of yours."
      : "Name a thing to start.";
    return;
  }
  const n = current.examples.length;
  teaching.textContent =
    n >= MAX_EXAMPLES
      ? `“${current.name}” has ${drawings(n)}, as many as it takes.`
      : n < MIN_EXAMPLES
        ? `Draw “${current.name}”, then keep it: ${drawings(n)} of ${MIN_EXAMPLES} kept.`
        : `Inkling knows “${current.name}” from ${drawings(n)}. Another drawing teaches it more (up to ${MAX_EXAMPLES}).`;
}

function button(text, onClick, label = text) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = text;
  element.setAttribute("aria-label", label);
  element.addEventListener("click", onClick);
  return element;
}

function renderList() {
  $("own-empty").hidden = own.categories.length > 0;
  $("own-list").replaceChildren(
    ...own.categories.map((category) => {
      const item = document.createElement("li");
      item.dataset.name = category.name;
      if (category === current) item.setAttribute("aria-current", "true");

      const rename = document.createElement("form");
      rename.className = "toolbar";
      const name = document.createElement("input");
      name.value = category.name;
      name.maxLength = 40;
      name.setAttribute("aria-label", `Name of “${category.name}”`);
      const save = document.createElement("button");
      save.type = "submit";
      save.textContent = "Rename";
      rename.append(name, save);
      rename.addEventListener("submit", (event) => {
        event.preventDefault();
        act(
          () => own.rename(category, name.value),
          () => `Renamed to “${category.name}”.`,
        );
      });

      const count = document.createElement("p");
      count.className = "hint";
      count.textContent =
        category.examples.length >= MIN_EXAMPLES
          ? `${drawings(category.examples.length)}: guessed`
          : `${drawings(category.examples.length)}: guessed from ${MIN_EXAMPLES}`;

      const examples = document.createElement("ul");
      examples.className = "own-examples";
      examples.append(
        ...category.examples.map((example, k) => {
          const figure = document.createElement("li");
          const image = thumbnail(example.strokes);
          image.setAttribute("role", "img");
          image.setAttribute("aria-label", `Drawing ${k + 1} of “${category.name}”`);
          figure.append(
            image,
            button(
              "Remove",
              () => act(() => own.removeExample(category, k), "Drawing removed."),
              `Remove drawing ${k + 1} of “${category.name}”`,
            ),
          );
          return figure;
        }),
      );

      const tools = document.createElement("div");
      tools.className = "toolbar";
      tools.append(
        button("Draw more", () => teach(category), `Draw more of “${category.name}”`),
        button(
          "Delete",
          () => {
            if (!confirm(`Delete “${category.name}” and its drawings?`)) return;
            if (current === category) current = null;
            act(() => own.remove(category), `“${category.name}” is deleted.`);
          },
          `Delete “${category.name}”`,
        ),
      );
      item.append(rename, count, examples, tools);
      return item;
    }),
  );
}

function teach(category) {
  current = category;
  pad.clear();
  refresh();
  $("pad").focus();
}

// Runs a change to the person's categories; says what happened (`done`, or what it returns once the change
// is made), or why it could not happen.
async function act(change, done) {
  try {
    await change();
    setStatus(typeof done === "function" ? done() : done);
  } catch (error) {
    setStatus(`That did not work: ${error.message}.`);
  }
  await refresh();
}

async function refresh() {
  renderList();
  showTeaching();
  setKeepable();
  if (!guesser) return;
  try {
    prototypes = await own.prototypes(guesser);
  } catch (error) {
    setStatus(`Inkling cannot read your drawings just now (${error.message}); they are kept.`);
    prototypes = [];
  }
  guesser.withEmbedding = prototypes.length > 0;
  root.dataset.ownCategories = String(prototypes.length); // read by the tests
  guesser.update(pad.strokes, pad.frame);
}

function showResult({ guesses, embedding }) {
  const shown =
    embedding && prototypes.length ? merge(guesses, embedding, prototypes, topK, threshold, standing) : guesses;
  renderGuesses($("guesses"), shown, guesser.onServer ? "server" : "browser", "");
  const best = shown[0];
  $("top-guess").textContent = best ? `Looks like: ${best.label}${best.own ? " (yours)" : ""}` : "";
}

$("new-category").addEventListener("submit", (event) => {
  event.preventDefault();
  try {
    const category = own.add($("new-name").value);
    $("new-name").value = "";
    setStatus(`Now draw “${category.name}”.`);
    teach(category);
  } catch (error) {
    setStatus(`That did not work: ${error.message}.`);
  }
});
$("keep").addEventListener("click", async () => {
  const category = current;
  await act(() => own.addExample(category, pad.strokes, pad.frame), "Kept.");
  // Once taught, what is drawn next is a try, not a lesson: Keep waits for "Draw more".
  const taught = category.examples.length === MIN_EXAMPLES;
  if (taught) current = null;
  pad.clear();
  renderList();
  showTeaching();
  if (taught) {
    $("teaching").textContent =
      `Kept: Inkling knows “${category.name}” now. Try a drawing; “Draw more” teaches it more.`;
  }
});
$("undo").addEventListener("click", () => pad.undo());
$("clear").addEventListener("click", () => pad.clear());
document.addEventListener("keydown", (event) => {
  if (event.target.closest?.("input")) return;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    pad.undo();
  } else if (event.key === "Escape") {
    pad.clear();
  }
});
$("export").addEventListener("click", () => {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([own.toFile()], { type: "application/json" }));
  link.download = "inkling-own-categories.json";
  link.click();
  URL.revokeObjectURL(link.href);
  $("file-status").textContent = `Exported ${own.categories.length} of your things.`;
});
$("import").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  event.target.value = "";
  if (!file) return;
  try {
    const { added, replaced } = own.importFile(await file.text());
    const names = replaced.map((name) => `“${name}”`).join(", ");
    $("file-status").textContent =
      `Imported ${added} of your things from ${file.name}.` +
      (replaced.length ? ` The file's ${names} replaced yours of the same name.` : "");
  } catch (error) {
    $("file-status").textContent = `Nothing imported: ${error.message}.`;
  }
  if (current && !own.categories.includes(current)) current = null;
  await refresh();
});

async function start() {
  renderList();
  showTeaching();
  let loaded;
  try {
    loaded = await loadModel(root);
  } catch (error) {
    setStatus(`Inkling cannot learn just now (${error.message}). Your things are kept.`);
    root.dataset.ready = "true";
    return;
  }
  const { metadata, engine } = loaded;
  guesser = new Guesser({
    metadata,
    engine,
    topK,
    predictUrl: root.dataset.predictUrl,
    onResult: showResult,
    onError: (message) => setStatus(`The server could not guess (${message}). Your drawing is kept.`),
  });
  setStatus(
    engine
      ? "Ready: Inkling learns right here in your browser."
      : "Ready: the server reads your drawings (this browser could not load the model); your things stay here.",
  );
  await refresh();
  root.dataset.ready = "true";
}

start();
