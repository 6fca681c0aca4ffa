// Runs the exported TF.js model in node for the parity checks: reads {model_dir, backend, sequences} JSON
// from the file named in argv[2] (sequences: flat normalised rows), writes to the file argv[3], per
// sequence, the layers model's probabilities at the last point (uncalibrated, as tf_keras gives them) and
// the incremental classifier's with the package's temperature (with its embedding), fed the first half then
// the whole.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { IncrementalClassifier } from "../../static/js/sketch_model.js";

export async function loadModelFromDir(dir) {
  const modelJson = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = modelJson.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dir, p))));
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
}

const { model_dir: modelDir, backend, sequences } = JSON.parse(readFileSync(process.argv[2], "utf8"));
if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not initialise`);
const model = await loadModelFromDir(modelDir);
const { temperature } = JSON.parse(readFileSync(join(modelDir, "metadata.json"), "utf8")).calibration;
const classifier = new IncrementalClassifier(tf, model, { temperature });
const results = sequences.map((flat) => {
  const rows = Float32Array.from(flat);
  const n = rows.length / 3;
  const full = tf.tidy(() => {
    const out = model.predict(tf.tensor3d(rows, [1, n, 3]));
    return Array.from(out.slice([0, n - 1, 0], [1, 1, out.shape[2]]).dataSync());
  });
  classifier.predict(rows.subarray(0, Math.ceil(n / 2) * 3));
  const step = classifier.predict(rows);
  return {
    full,
    incremental: Array.from(step.probabilities),
    embedding: Array.from(step.embedding),
    reused: step.reused,
  };
});
writeFileSync(process.argv[3], JSON.stringify({ results, tensors: tf.memory().numTensors }));
