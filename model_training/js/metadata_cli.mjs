// Runs static/js/model_metadata.js on metadata objects, for tests/test_model_metadata.py: reads a JSON list
// from the file named in argv[2], prints {schema_version, problems: [[sentence, ...], ...]} as JSON.
import { readFileSync } from "node:fs";
import { SCHEMA_VERSION, metadataProblems } from "../../static/js/model_metadata.js";

const variants = JSON.parse(readFileSync(process.argv[2], "utf8"));
process.stdout.write(JSON.stringify({ schema_version: SCHEMA_VERSION, problems: variants.map(metadataProblems) }));
