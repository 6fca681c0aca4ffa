// Copies the pinned front-end libraries from node_modules into static/vendor/ (git-ignored), so the
// app serves them itself and needs no CDN. The ES2017 builds: the ES5 ones evaluate strings, which the
// Content-Security-Policy forbids. For the same reason the pages' validator of metadata.json is generated here,
// as plain code, from the one schema (model_training/core/metadata.schema.json), with Ajv.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "static", "vendor");
const files = {
  "@tensorflow/tfjs/dist/tf.es2017.min.js": "tf.min.js",
  "@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.es2017.min.js": "tf-backend-wasm.min.js",
  "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm": "tfjs-backend-wasm.wasm",
  "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm": "tfjs-backend-wasm-simd.wasm",
  "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm": "tfjs-backend-wasm-threaded-simd.wasm",
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
};
mkdirSync(target, { recursive: true });
for (const [source, name] of Object.entries(files)) {
  copyFileSync(join(root, "node_modules", source), join(target, name));
}

const schema = JSON.parse(readFileSync(join(root, "model_training", "core", "metadata.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, code: { source: true, esm: true } });
const validator = standaloneCode(ajv, ajv.compile(schema));
const version = `export const schemaVersion = ${JSON.stringify(schema.properties.schema_version.const)};\n`;
writeFileSync(join(target, "metadata_validator.js"), `${validator}\n${version}`);
console.log(`vendor: copied ${Object.keys(files).length} files and wrote metadata_validator.js into static/vendor/`);
