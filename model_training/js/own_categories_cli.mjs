// Runs static/js/own_categories.js and own_store.js for the parity and unit tests: reads
// {cases: [{examples: {name: [embedding, ...]}, drawing, guesses, top_k, threshold, standing}], files: [text, ...],
// quota} from the file named in argv[2]; writes {merged: [...], prototypes: [{name: [...]}, ...], imports: [...],
// max_example_points} to argv[3]: per case the merged guesses and the prototypes, per file what importing it
// into an empty store gives (the categories' names, or the error's message and the names after it). The
// storage refuses values longer than `quota` characters, as a full localStorage does.
import { readFileSync, writeFileSync } from "node:fs";
import { merge, prototype } from "../../static/js/own_categories.js";
import { MAX_EXAMPLE_POINTS, OwnCategories } from "../../static/js/own_store.js";

const memory = new Map(); // a localStorage for node
const { cases, files, quota = Infinity } = JSON.parse(readFileSync(process.argv[2], "utf8"));
globalThis.localStorage = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => {
    if (String(v).length > quota) throw new DOMException("the quota has been exceeded", "QuotaExceededError");
    memory.set(k, String(v));
  },
};

const prototypes = cases.map(({ examples }) =>
  Object.entries(examples).map(([name, embeddings]) => ({
    name,
    prototype: prototype(embeddings),
  })),
);
const merged = cases.map((c, k) => merge(c.guesses, c.drawing, prototypes[k], c.top_k, c.threshold, c.standing));
const imports = files.map((text, k) => {
  const store = new OwnCategories(`test-${k}`);
  try {
    store.importFile(text);
    return { names: store.categories.map((c) => c.name), kept: JSON.parse(memory.get(`test-${k}`)).length };
  } catch (error) {
    return { error: error.message, names: store.categories.map((c) => c.name) };
  }
});
writeFileSync(
  process.argv[3],
  JSON.stringify({
    merged,
    prototypes: prototypes.map((list) => Object.fromEntries(list.map((p) => [p.name, Array.from(p.prototype)]))),
    imports,
    max_example_points: MAX_EXAMPLE_POINTS,
  }),
);
