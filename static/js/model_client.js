// What every page that guesses needs: the model's metadata (labels, preprocessing, version) and the
// browser engine (TF.js), or the reason it cannot run, so the page can ask the server instead.
import { loadBrowserEngine } from "./browser_engine.js";
import { metadataProblems } from "./model_metadata.js";

// The model's description from the first of `urls` that gives one; throws, saying why, when none does.
async function fetchMetadata(urls) {
  let problem = "";
  for (const url of urls) {
    let response;
    try {
      response = await fetch(url);
    } catch {
      problem = "the server cannot be reached";
      continue;
    }
    if (!response.ok) {
      problem =
        response.status === 503
          ? "the server has no model"
          : `the model's description is unavailable (HTTP ${response.status})`;
      continue;
    }
    try {
      return await response.json();
    } catch {
      problem = "the model's description is not readable JSON";
    }
  }
  throw new Error(problem);
}

// root carries data-metadata-url, data-model-info-url (the same description from the server's API, for
// when the model's files cannot be fetched), data-model-url, data-wasm-url and data-backends (the server's
// BROWSER_BACKENDS, tried in order unless `backends` is given). Throws when the metadata cannot be read:
// without it nothing can be guessed. `engine` is null when the browser cannot run the model.
export async function loadModel(root, { backends = root.dataset.backends.split(",") } = {}) {
  const metadata = await fetchMetadata([root.dataset.metadataUrl, root.dataset.modelInfoUrl]);
  const problems = metadataProblems(metadata);
  if (problems.length) throw new Error(`the model's description is not usable (${problems.join("; ")})`);
  try {
    const engine = await loadBrowserEngine({
      modelUrl: root.dataset.modelUrl,
      wasmUrl: root.dataset.wasmUrl,
      backends,
      temperature: metadata.calibration.temperature,
    });
    const outputs = engine.model.outputs[0].shape.at(-1);
    if (outputs !== metadata.labels.length) {
      throw new Error(`the model has ${outputs} outputs for ${metadata.labels.length} labels`);
    }
    return { metadata, engine, engineError: null };
  } catch (error) {
    return { metadata, engine: null, engineError: error };
  }
}
