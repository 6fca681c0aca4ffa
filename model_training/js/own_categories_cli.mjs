// Runs static/js/own_categories.js and own_store.js for the parity and unit tests: reads
// {cases: [{examples: {name: [embedding, ...]}, drawing, guesses, top_k, threshold, standing}], files: [text, ...]}
// from the file named in argv[2]; writes {merged: [...], prototypes: [{name: [...]}, ...], imports: [...]}
// to argv[3]: per case the merged guesses and the prototypes, per file what importing it into an empty
// store gives (the categories' names, or the error's message).
import { readFileSync, writeFileSync } from "node:fs";
import { merge, prototype } from "../../static/js/own_categories.js";
import { OwnCategories } from "../../static/js/own_store.js";

const memory = new Map(); // a localStorage for node
globalThis.localStorage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, String(v)) };

const { cases, files } = JSON.parse(readFileSync(process.argv[2], "utf8"));
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
    return { error: error.message };
  }
});
writeFileSync(
  process.argv[3],
  JSON.stringify({
    merged,
    prototypes: prototypes.map((list) => Object.fromEntries(list.map((p) => [p.name, Array.from(p.prototype)]))),
    imports,
  }),
);
