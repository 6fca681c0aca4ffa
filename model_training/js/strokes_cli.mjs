// Runs static/js/strokes.js on drawings, for the parity test and the worst-case benchmark: reads
// {params, drawings, frames} JSON from the file named in argv[2] (a frame per drawing, [originX, originY,
// scale]), writes [{stroke3, normalized, ms}] as JSON to the file named in argv[3] (ms: the time
// drawingToStroke3 and normalize took for that drawing).
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { drawingToStroke3, normalize } from "../../static/js/strokes.js";

const { params, drawings, frames } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = drawings.map((drawing, k) => {
  const started = performance.now();
  const stroke3 = drawingToStroke3(drawing, params, frames[k]);
  const normalized = Array.from(normalize(stroke3, params));
  return { stroke3, normalized, ms: performance.now() - started };
});
writeFileSync(process.argv[3], JSON.stringify(results));
