// A person's own categories, kept in this browser (localStorage) and in files they export and import:
// each is a name and its example drawings (the pad's raw strokes and frame), nothing else. Embeddings are
// not kept: the model in use reads the examples again, so a new model version still knows them.
import { isDrawing } from "./canvas.js";
import { prototype } from "./own_categories.js";

export const MIN_EXAMPLES = 3; // an own category is guessed once it has this many examples
export const MAX_EXAMPLES = 10;
export const MAX_CATEGORIES = 30;
export const MAX_NAME = 40;
// Points a drawing may have: the API's MAX_INPUT_POINTS (model_training/core/drawing_checks.py; a test keeps
// the two equal). A file's example with more would cost the page seconds to read at each start.
export const MAX_EXAMPLE_POINTS = 4000;
const FILE_FORMAT = "inkling-own-categories";
const FILE_VERSION = 1;

function pointsOf(strokes) {
  return strokes.reduce((total, [xs]) => total + xs.length, 0);
}

// Why `value` is not a list of own categories, or "" when it is one.
function problemWith(value) {
  if (!Array.isArray(value)) return "it holds no list of categories";
  if (value.length > MAX_CATEGORIES) return `it holds more than ${MAX_CATEGORIES} categories`;
  const names = new Set();
  for (const category of value) {
    const name = category?.name;
    if (typeof name !== "string" || !name.trim() || name.length > MAX_NAME) {
      return `a category has no name of 1 to ${MAX_NAME} characters`;
    }
    if (names.has(name)) return `"${name}" is there twice`;
    names.add(name);
    const examples = category.examples;
    if (!Array.isArray(examples) || examples.length > MAX_EXAMPLES) {
      return `"${name}" needs a list of at most ${MAX_EXAMPLES} example drawings`;
    }
    for (const { strokes, frame } of examples) {
      if (!isDrawing(strokes) || !strokes.length) return `an example of "${name}" is not a drawing`;
      if (pointsOf(strokes) > MAX_EXAMPLE_POINTS) {
        return `an example of "${name}" has more than ${MAX_EXAMPLE_POINTS} points`;
      }
      if (![frame?.x, frame?.y, frame?.size].every(Number.isFinite) || !(frame.size > 0)) {
        return `an example of "${name}" has no frame`;
      }
    }
  }
  return "";
}

export class OwnCategories {
  constructor(storageKey) {
    this.storageKey = storageKey;
    this.categories = this.read();
    this.embeddings = new WeakMap(); // example -> its embedding, by the model in use
  }

  read() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) || "[]");
      return problemWith(saved) ? [] : saved;
    } catch {
      return [];
    }
  }

  // Writes `categories` (by default the current ones) to the browser's storage; throws when it cannot.
  save(categories = this.categories) {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(categories));
    } catch {
      throw new Error("this browser cannot keep them (its storage is full or turned off)");
    }
  }

  find(name) {
    return this.categories.find((c) => c.name === name);
  }

  // A checked, trimmed name for `name` that no other category has; throws an Error saying why not.
  checkName(name, except = null) {
    const trimmed = name.trim();
    if (!trimmed) throw new Error("give it a name");
    if (trimmed.length > MAX_NAME) throw new Error(`a name has at most ${MAX_NAME} characters`);
    const other = this.find(trimmed);
    if (other && other !== except) throw new Error(`"${trimmed}" exists already`);
    return trimmed;
  }

  add(name) {
    if (this.categories.length >= MAX_CATEGORIES) throw new Error(`at most ${MAX_CATEGORIES} own categories`);
    const category = { name: this.checkName(name), examples: [] };
    this.categories.push(category);
    this.save();
    return category;
  }

  rename(category, name) {
    category.name = this.checkName(name, category);
    this.save();
  }

  addExample(category, strokes, frame) {
    if (category.examples.length >= MAX_EXAMPLES) throw new Error(`at most ${MAX_EXAMPLES} drawings a category`);
    if (pointsOf(strokes) > MAX_EXAMPLE_POINTS) throw new Error(`a drawing has at most ${MAX_EXAMPLE_POINTS} points`);
    category.examples.push({ strokes: structuredClone(strokes), frame: { ...frame } });
    this.save();
  }

  removeExample(category, index) {
    category.examples.splice(index, 1);
    this.save();
  }

  remove(category) {
    this.categories = this.categories.filter((c) => c !== category);
    this.save();
  }

  toFile() {
    return JSON.stringify({ format: FILE_FORMAT, version: FILE_VERSION, categories: this.categories });
  }

  // Adds the categories of an exported file; one with a name already here replaces it. Returns
  // {added, replaced}: how many were read, and the names of the person's things they replaced. Throws an
  // Error saying what is wrong with the file, or that the browser cannot keep them, and then changes nothing.
  importFile(text) {
    let file;
    try {
      file = JSON.parse(text);
    } catch {
      throw new Error("the file is not JSON");
    }
    if (file?.format !== FILE_FORMAT || file.version !== FILE_VERSION) {
      throw new Error("the file is not an export of Inkling's own categories");
    }
    const problem = problemWith(file.categories);
    if (problem) throw new Error(`the file cannot be read: ${problem}`);
    const names = new Set(file.categories.map((c) => c.name));
    const merged = [...this.categories.filter((c) => !names.has(c.name)), ...file.categories];
    if (merged.length > MAX_CATEGORIES) throw new Error(`with these there would be more than ${MAX_CATEGORIES}`);
    this.save(merged); // first: a full storage leaves the person's things as they were, here and on reload
    const replaced = this.categories.filter((c) => names.has(c.name)).map((c) => c.name);
    this.categories = merged;
    return { added: file.categories.length, replaced };
  }

  // [{name, prototype}] of the categories with enough examples, read by `guesser`'s model (see Guesser.embed).
  async prototypes(guesser) {
    const ready = this.categories.filter((c) => c.examples.length >= MIN_EXAMPLES);
    const result = [];
    for (const category of ready) {
      const embeddings = [];
      for (const example of category.examples) {
        if (!this.embeddings.has(example))
          this.embeddings.set(example, await guesser.embed(example.strokes, example.frame));
        embeddings.push(this.embeddings.get(example));
      }
      result.push({ name: category.name, prototype: prototype(embeddings) });
    }
    return result;
  }
}
