"""Real raw drawings replayed on the drawing page, as people draw them: what each update costs, and
whether the browser and the server agree.

    python -m benchmarks.page_replay [--drawings 200] [--source DIR]

Serves the app with gunicorn on 127.0.0.1 and opens the page in headless Chromium. Each drawing, a raw
Quick, Draw! drawing from the real test split (spread across categories), is drawn on the canvas, the
even ones with the mouse and the odd ones with touch, then:
- agreement: the browser's top guess against the server's for the strokes the page recorded
  (POST /api/predict {"drawing": ..., "canvas_size": ...}), the check that both sides preprocess alike;
- update cost: the recorded strokes are replayed point by point through the page's own pipeline
  (static/js/guesser.js: strokes.js, then the incremental classifier), timing every update:
  framing and streamed simplification, normalisation and inference together. Every point is an update
  here; the page coalesces the points of one animation frame, so this is the most work the page can be
  asked for. Also: how many rows (model steps) each update computed, and the share of updates that
  recomputed a finished row, one before the row the pen was on (none: only that row ever changes).
Prints a summary and writes benchmarks/results/page_replay.json.
"""

import argparse
import json
import sys
import urllib.request

from playwright.sync_api import sync_playwright

from benchmarks.common import percentiles, spread, write_result
from harness.live_server import CHROMIUM, CHROMIUM_ARGS, live_server
from harness.pointer_input import draw_with_mouse, draw_with_touch
from model_training.core.config import default_quickdraw_dir
from model_training.data import raw_split
from webapp.config import DEFAULTS

STORAGE_KEY = DEFAULTS["DRAWING_STORAGE_KEY"]

REPLAY = """async ({ strokes, size }) => {
  const { Guesser } = await import("/static/js/guesser.js");
  const { loadModel } = await import("/static/js/model_client.js");
  const root = document.querySelector(".draw-layout");
  if (!window.replayGuesser) {
    const { metadata, engine } = await loadModel(root, { backends: [root.dataset.backend] });
    window.replayGuesser = new Guesser({ metadata, engine, topK: 5, onResult: () => {} });
  }
  const guesser = window.replayGuesser;
  guesser.reset();
  const updates = [];
  const frame = { x: 0, y: 0, size };
  const drawn = []; // grows point by point, as the pad's strokes do
  for (const stroke of strokes) {
    const growing = stroke.map(() => []);
    drawn.push(growing);
    for (let i = 0; i < stroke[0].length; i++) {
      stroke.forEach((column, c) => growing[c].push(column[i]));
      const started = performance.now();
      const before = guesser.engine.classifier.length;
      const { rows } = guesser.modelInput(drawn, frame);
      const { computed } = guesser.guessInBrowser(rows);
      updates.push([performance.now() - started, computed, rows.length / 3, before]);
    }
  }
  return updates;
}"""


def raw_test_drawings(source, count):
    """`count` raw drawings of the real test split, spread across categories, in a fixed order."""
    drawings, _ = raw_split(source, "test")
    if not drawings:
        raise SystemExit(f"error: no raw test drawings under {source}; pass --source")
    return spread(drawings, count)


def server_top1(url, strokes, canvas_size):
    request = urllib.request.Request(
        url + "/api/predict",
        data=json.dumps({"drawing": strokes, "canvas_size": canvas_size}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["guesses"][0]["label"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=None)
    parser.add_argument("--drawings", type=int, default=200)
    args = parser.parse_args(argv)
    drawings = raw_test_drawings(args.source or default_quickdraw_dir() or "", args.drawings)

    agree = {"mouse": [], "touch": []}
    updates = []
    with live_server(workers=1) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(has_touch=True).new_page()
        page.goto(url + "/")
        page.wait_for_selector(".draw-layout[data-ready=true]", timeout=120000)
        backend = page.get_attribute(".draw-layout", "data-backend")
        for number, drawing in enumerate(drawings):
            page.keyboard.press("Escape")  # clears the canvas
            pointer = "mouse" if number % 2 == 0 else "touch"
            (draw_with_mouse if pointer == "mouse" else draw_with_touch)(page, drawing)
            page.wait_for_timeout(50)  # the last animation frame's update
            browser_top1 = page.get_attribute("#guesses li[data-label]", "data-label")
            strokes = json.loads(page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')"))
            box = page.locator("#pad").bounding_box()
            size = max(box["width"], box["height"])  # the canvas frames the drawing (the pad's frame)
            agree[pointer].append(browser_top1 == server_top1(url, strokes, size))
            updates += page.evaluate(REPLAY, {"strokes": strokes, "size": size})
        browser.close()

    times = [u[0] for u in updates]
    recomputed = [u[1] for u in updates]
    # Rows recomputed beyond the new ones and the one the pen was on: a change to what was finished.
    revised = sum(u[1] > u[2] - u[3] + 1 for u in updates)
    report = {
        "backend": backend,
        "drawings": len(drawings),
        "agreement": {kind: {"drawings": len(v), "same_top1": sum(v) / len(v)} for kind, v in agree.items() if v},
        "updates": len(updates),
        "update_ms": percentiles(times),
        "rows_recomputed": percentiles(recomputed),
        "rows_per_update_mean": sum(u[2] for u in updates) / len(updates),
        "rows_recomputed_max": max(recomputed),
        "share_revising_finished_rows": revised / len(updates),
    }
    everyone = agree["mouse"] + agree["touch"]
    print(f"{len(drawings)} real raw test drawings on the page ({backend})")
    for kind, result in report["agreement"].items():
        print(f"  {kind}: browser top-1 = server top-1 on {result['same_top1']:.1%} of {result['drawings']}")
    print(f"  all: {sum(everyone) / len(everyone):.1%}")
    ms, rows = report["update_ms"], report["rows_recomputed"]
    print(
        f"{len(updates)} updates (one per point): {ms['median']:.2f} ms median, {ms['p95']:.2f} ms p95, "
        f"{ms['p99']:.2f} ms p99; rows recomputed median {rows['median']:.0f}, p95 {rows['p95']:.0f} of "
        f"{report['rows_per_update_mean']:.1f} on average, {report['rows_recomputed_max']} at most; finished rows "
        f"recomputed on {report['share_revising_finished_rows']:.1%} of updates"
    )
    write_result("page_replay", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
