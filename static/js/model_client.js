// What every page that guesses needs: the model's metadata (labels, preprocessing, version) and the
// browser engine (TF.js), or the reason it cannot run, so the page can ask the server instead.
import { loadBrowserEngine } from "./browser_engine.js";

// root carries data-metadata-url, data-model-url and data-wasm-url. Throws when the metadata cannot be read:
// without it nothing can be guessed. `engine` is null when the browser cannot run the model.
export async function loadModel(root, { backends } = {}) {
  const response = await fetch(root.dataset.metadataUrl);
  if (!response.ok) throw new Error(`the model's description is unavailable (HTTP ${response.status})`);
  const metadata = await response.json();
  try {
    const engine = await loadBrowserEngine({ modelUrl: root.dataset.modelUrl, wasmUrl: root.dataset.wasmUrl, backends });
    return { metadata, engine, engineError: null };
  } catch (error) {
    return { metadata, engine: null, engineError: error };
  }
}
