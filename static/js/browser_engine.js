// Loads TF.js, the first of `backends` that works, and the exported model, calibrated by `temperature`.
import { IncrementalClassifier } from "./sketch_model.js";

export async function loadBrowserEngine({ modelUrl, wasmUrl, backends, temperature }) {
  const tf = window.tf;
  if (!tf) throw new Error("TF.js did not load");
  const failures = [];
  let backend = null;
  for (const name of backends) {
    if (name === "wasm") {
      if (typeof WebAssembly !== "object" || !tf.wasm) {
        failures.push("wasm: WebAssembly unavailable");
        continue;
      }
      tf.wasm.setWasmPaths(wasmUrl);
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        backend = name;
        break;
      }
      failures.push(`${name}: did not initialise`);
    } catch (error) {
      failures.push(`${name}: ${error.message}`);
    }
  }
  if (!backend) throw new Error(`no TF.js backend works (${failures.join("; ")})`);
  const model = await tf.loadLayersModel(modelUrl);
  const classifier = new IncrementalClassifier(tf, model, { temperature });
  return { tf, backend, model, classifier };
}
