"""The most a single drawing can cost: hostile drawings of MAX_INPUT_POINTS points (the API's limit), timed in
Python (a whole POST /api/predict, in CPU seconds) and in JavaScript (static/js/strokes.js under node).

    python -m benchmarks.worst_case_drawings

Each shape attacks one step: a zig-zag of long segments (resampling, then RDP's worst case), a spiral,
random points, a straight line of 1-pixel steps, as many one-point strokes, and a drawing that is a
single point. Prints a table and writes benchmarks/results/worst_case_drawings.json.
"""

import json
import math
import sys
import time

import numpy as np

from benchmarks.common import write_result
from model_training.core.drawing_checks import MAX_INPUT_POINTS
from model_training.node import run_node
from webapp import create_app

N = MAX_INPUT_POINTS


def raw(xs, ys):
    """One raw stroke with timestamps, so it is read as raw and simplified."""
    return [[float(x) for x in xs], [float(y) for y in ys], list(range(len(xs)))]


def hostile_drawings():
    t = np.arange(N)
    rng = np.random.default_rng(0)
    return {
        "zig-zag, 1000 px segments": [raw(np.where(t % 2, 1000.5, 0.5), t * 0.5)],
        "spiral": [raw(500 + t / 40 * np.cos(t / 10), 500 + t / 40 * np.sin(t / 10))],
        "random points": [raw(rng.uniform(0, 1000, N), rng.uniform(0, 1000, N))],
        "straight line, 1 px steps": [raw(t, t * 0.0)],
        "one-point strokes": [raw([x], [y]) for x, y in rng.uniform(0, 1000, (N, 2))],
        "one point, tiny extent": [[[0.0, 5e-324], [0.0, 0.0], [0, 1]]],
    }


def javascript_ms(drawings, preprocessing):
    return [r["ms"] for r in run_node("strokes_cli.mjs", {"params": preprocessing, "drawings": drawings})]


def main():
    app = create_app({"TESTING": True})
    package = app.extensions["predictor"].package  # the drawings are read as the served model reads them
    client = app.test_client()
    drawings = hostile_drawings()
    js = javascript_ms(list(drawings.values()), package.preprocessing)
    rows = []
    for (name, drawing), js_ms in zip(drawings.items(), js, strict=True):
        points = sum(len(s[0]) for s in drawing)
        started = time.perf_counter()
        package.drawing_to_stroke3(drawing)
        simplify_s = time.perf_counter() - started
        body = json.dumps({"drawing": drawing})
        cpu = time.process_time()
        response = client.post("/api/predict", data=body, content_type="application/json")
        request_cpu_s = time.process_time() - cpu
        rows.append(
            {
                "drawing": name,
                "points": points,
                "body_kib": len(body) / 1024,
                "status": response.status_code,
                "python_simplify_ms": simplify_s * 1000,
                "request_cpu_ms": request_cpu_s * 1000,
                "javascript_simplify_ms": js_ms,
            }
        )
    print(f"{'drawing':<28}{'points':>8}{'KiB':>7}{'status':>8}{'Python ms':>11}{'request CPU ms':>16}{'JS ms':>8}")
    for r in rows:
        print(
            f"{r['drawing']:<28}{r['points']:>8}{r['body_kib']:>7.0f}{r['status']:>8}{r['python_simplify_ms']:>11.1f}"
            f"{r['request_cpu_ms']:>16.1f}{r['javascript_simplify_ms']:>8.1f}"
        )
    worst = max(rows, key=lambda r: r["request_cpu_ms"])
    print(f"worst request: {worst['drawing']}, {worst['request_cpu_ms']:.0f} ms of CPU")
    write_result("worst_case_drawings", {"max_points": N, "rows": rows})
    return 0 if all(math.isfinite(r["request_cpu_ms"]) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
