"""In-browser inference in headless Chromium, per TF.js backend, on real drawings.

    python -m benchmarks.browser_inference [--drawings 10] [--repeats 3]

Serves the app with gunicorn on 127.0.0.1 and, for each backend (wasm, cpu, webgl), measures:
- time from navigation to the model being ready, and bytes the first visit transferred (as served, gzip);
- a full prediction (the incremental classifier from an empty cache, as after a change of scale) and TF.js's
  own layers model (model.predict), for the first 25, 50, 100 and 200 points of real drawings;
- one incremental update: the cost of one new point after the rest of the drawing.
Prints a table and writes benchmarks/results/browser_inference.json.
"""

import argparse
import sys

from playwright.sync_api import sync_playwright

from benchmarks.common import percentiles, real_stroke3, shipped_package, spread, write_result
from harness.live_server import CHROMIUM, CHROMIUM_ARGS, live_server
from webapp.config import DEFAULTS

LENGTHS = (25, 50, 100, 200)
BACKENDS = DEFAULTS["BROWSER_BACKENDS"]

TIMING = """async ({ sequences, repeats }) => {
  const { loadBrowserEngine } = await import("/static/js/browser_engine.js");
  const root = document.querySelector(".draw-layout");
  const backend = root.dataset.backend;
  const { tf, model, classifier } = await loadBrowserEngine(
    { modelUrl: root.dataset.modelUrl, wasmUrl: root.dataset.wasmUrl, backends: [backend] });
  const result = {};
  for (const [length, list] of Object.entries(sequences)) {
    const full = [], layers = [], step = [];
    for (const flat of list) {
      const rows = Float32Array.from(flat);
      classifier.reset(); classifier.predict(rows);  // warm-up for this length
      for (let r = 0; r < repeats; r++) {
        classifier.reset();
        let t = performance.now(); classifier.predict(rows); full.push(performance.now() - t);
        classifier.reset(); classifier.predict(rows.subarray(0, rows.length - 3));
        t = performance.now(); classifier.predict(rows); step.push(performance.now() - t);
        t = performance.now();
        const input = tf.tensor3d(rows, [1, rows.length / 3, 3]);
        const output = model.predict(input);
        output.dataSync();  // read outside tf.tidy, which would search the values for tensors
        layers.push(performance.now() - t);
        tf.dispose([input, output]);
      }
    }
    result[length] = { full, step, layers };
  }
  return result;
}"""


def first_visit(page, url, backend):
    page.goto(f"{url}/?backend={backend}")
    page.wait_for_selector(".draw-layout[data-ready=true]", timeout=120000)
    if page.get_attribute(".draw-layout", "data-backend") != backend:
        return None
    ready_ms = float(page.get_attribute(".draw-layout", "data-ready-ms"))
    entries = page.evaluate("""() => [...performance.getEntriesByType('navigation'),
                                        ...performance.getEntriesByType('resource')]
                                 .map(e => [e.name, e.transferSize])""")
    transferred = {"model": 0, "scripts": 0, "wasm": 0, "other": 0}
    for name, size in entries:
        kind = (
            "model"
            if "/model/files/" in name
            else "wasm"
            if name.endswith(".wasm")
            else "scripts"
            if name.endswith(".js")
            else "other"
        )
        transferred[kind] += size
    transferred["total"] = sum(transferred.values())
    return ready_ms, transferred


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=None)
    parser.add_argument("--drawings", type=int, default=10, help="drawings per length")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    package = shipped_package()
    drawings = real_stroke3(args.source, package)
    sequences = {}
    for length in LENGTHS:
        long_enough = [d for d in drawings if len(d) >= length]
        sequences[str(length)] = [
            package.model_input(d[:length]).ravel().tolist() for d in spread(long_enough, args.drawings)
        ]

    report = {"backends": {}, "drawings_per_length": {k: len(v) for k, v in sequences.items()}}
    with live_server(workers=1) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for backend in BACKENDS:
            context = browser.new_context()
            page = context.new_page()
            visit = first_visit(page, url, backend)
            if visit is None:
                print(f"{backend}: not available in this browser")
                report["backends"][backend] = None
                context.close()
                continue
            timings = page.evaluate(TIMING, {"sequences": sequences, "repeats": args.repeats})
            report["backends"][backend] = {
                "ready_ms": visit[0],
                "first_visit_bytes": visit[1],
                "lengths": {
                    length: {kind: percentiles(values) for kind, values in kinds.items()}
                    for length, kinds in timings.items()
                },
            }
            context.close()
        browser.close()

    print(
        f"{'backend':<8}{'points':>7}{'full median':>13}{'full p95':>10}{'update median':>15}"
        f"{'update p95':>12}{'layers.predict':>16}"
    )
    for backend, result in report["backends"].items():
        if not result:
            continue
        for length, kinds in result["lengths"].items():
            print(
                f"{backend:<8}{length:>7}{kinds['full']['median']:>11.1f}ms{kinds['full']['p95']:>8.1f}ms"
                f"{kinds['step']['median']:>13.2f}ms{kinds['step']['p95']:>10.2f}ms{kinds['layers']['median']:>14.1f}ms"
            )
    for backend, result in report["backends"].items():
        if result:
            b = result["first_visit_bytes"]
            print(
                f"{backend}: model ready {result['ready_ms']:.0f} ms after navigation; first visit "
                f"{b['total'] / 1024:.0f} KiB (model {b['model'] / 1024:.0f}, scripts {b['scripts'] / 1024:.0f}, "
                f"wasm {b['wasm'] / 1024:.0f}, other {b['other'] / 1024:.0f})"
            )
    report["preprocessing"] = package.preprocessing
    write_result("browser_inference", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
