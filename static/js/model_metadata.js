// What the pages read from metadata.json, checked against the one schema of it
// (model_training/core/metadata.schema.json), which the server checks too (model_training/core/model_package.py):
// scripts/vendor.mjs generates the validator from it at setup, and the problems are worded as the server
// words them, each naming its field (tests/test_model_metadata.py). A page refuses a description that fails
// them instead of guessing from it.
import { schemaVersion, validate } from "../vendor/metadata_validator.js";

export const SCHEMA_VERSION = schemaVersion;

// "/preprocessing/delta_scale" and a missing property -> "preprocessing.delta_scale".
function field(instancePath, missing) {
  const steps = instancePath.split("/").slice(1);
  if (missing !== undefined) steps.push(missing);
  return steps.join(".");
}

function problem(error) {
  if (error.instancePath === "" && error.keyword === "type") return "metadata.json is not a JSON object";
  if (error.keyword === "required")
    return `metadata.json has no '${field(error.instancePath, error.params.missingProperty)}'`;
  return `metadata.json has an invalid '${field(error.instancePath)}'`;
}

// Every problem with a metadata.json object, as sorted sentences; empty when the pages can use it.
export function metadataProblems(metadata) {
  if (validate(metadata)) return [];
  return [...new Set(validate.errors.map(problem))].sort();
}
