// What the pages read from metadata.json, checked by the rules the server applies at start-up
// (model_training/model_package.py, validate_metadata): the same rules and the same sentences for these
// fields, kept alike by tests/test_model_metadata.py. A page refuses a description that fails them
// instead of guessing from it.
export const SCHEMA_VERSION = 3;

const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const nonEmptyString = (v) => typeof v === "string" && v.length > 0;

const REQUIRED = {
  schema_version: (v) => v === SCHEMA_VERSION,
  name: nonEmptyString,
  version: nonEmptyString,
  labels: (v) => Array.isArray(v) && v.length > 0 && v.every(nonEmptyString) && new Set(v).size === v.length,
  preprocessing: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  calibration: (v) => typeof v === "object" && v !== null && inRange("temperature", v.temperature),
};

// The range of each preprocessing setting and of the calibration's temperature (model_package.py's RANGES,
// the same numbers).
const PREPROCESSING_RANGES = {
  canvas_size: [16, 4096],
  resample_spacing: [0.1, 16],
  rdp_epsilon: [0, 64],
  delta_scale: [0.01, 10000],
  max_points: [1, 100000],
};
const RANGES = { ...PREPROCESSING_RANGES, temperature: [0.05, 20] };

function inRange(field, value) {
  const [low, high] = RANGES[field];
  const number = field === "max_points" ? Number.isInteger(value) : isNumber(value);
  return number && low <= value && value <= high;
}

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
    for (const field of Object.keys(PREPROCESSING_RANGES)) {
      if (!inRange(field, metadata.preprocessing[field]))
        problems.push(`metadata.json's preprocessing has no valid '${field}'`);
    }
  }
  return problems;
}
