// What the pages read from metadata.json, checked by the rules the server applies at start-up
// (model_training/model_package.py, validate_metadata): the same rules and the same sentences for these
// fields, kept alike by tests/test_model_metadata.py. A page refuses a description that fails them
// instead of guessing from it.
export const SCHEMA_VERSION = 2;

const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const positiveNumber = (v) => isNumber(v) && v > 0;
const nonEmptyString = (v) => typeof v === "string" && v.length > 0;

const REQUIRED = {
  schema_version: (v) => v === SCHEMA_VERSION,
  name: nonEmptyString,
  version: nonEmptyString,
  labels: (v) => Array.isArray(v) && v.length > 0 && v.every(nonEmptyString) && new Set(v).size === v.length,
  preprocessing: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
};

const PREPROCESSING = {
  canvas_size: positiveNumber,
  resample_spacing: positiveNumber,
  rdp_epsilon: (v) => isNumber(v) && v >= 0,
  delta_scale: positiveNumber,
  max_points: (v) => Number.isInteger(v) && v > 0,
};

// Every problem with a metadata.json object, as sentences; empty when the pages can use it.
export function metadataProblems(metadata) {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return ["metadata.json is not a JSON object"];
  }
  const problems = [];
  for (const [field, check] of Object.entries(REQUIRED)) {
    if (!(field in metadata)) problems.push(`metadata.json has no '${field}'`);
    else if (!check(metadata[field])) problems.push(`metadata.json has an invalid '${field}'`);
  }
  if (REQUIRED.preprocessing(metadata.preprocessing)) {
    for (const [field, check] of Object.entries(PREPROCESSING)) {
      if (!check(metadata.preprocessing[field])) problems.push(`metadata.json's preprocessing has no valid '${field}'`);
    }
  }
  return problems;
}
