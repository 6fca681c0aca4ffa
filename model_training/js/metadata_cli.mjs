// Runs static/js/model_metadata.js on metadata objects, for tests/test_model_metadata.py: reads a JSON list
// from the file named in argv[2], writes {schema_version, problems: [[sentence, ...], ...]} as JSON to the
// file named in argv[3].
import { readFileSync, writeFileSync } from "node:fs";
import { metadataProblems, SCHEMA_VERSION } from "../../static/js/model_metadata.js";

const variants = JSON.parse(readFileSync(process.argv[2], "utf8"));
writeFileSync(
  process.argv[3],
  JSON.stringify({ schema_version: SCHEMA_VERSION, problems: variants.map(metadataProblems) }),
);
