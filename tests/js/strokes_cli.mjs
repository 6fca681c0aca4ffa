// Runs static/js/strokes.js on drawings for the parity test: reads {params, drawings} JSON from the
// file named in argv[2], prints [{stroke3, normalized}] as JSON.
import { readFileSync } from "node:fs";
import { drawingToStroke3, normalize } from "../../static/js/strokes.js";

const { params, drawings } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = drawings.map((drawing) => {
  const stroke3 = drawingToStroke3(drawing, params);
  return { stroke3, normalized: Array.from(normalize(stroke3, params)) };
});
process.stdout.write(JSON.stringify(results));
