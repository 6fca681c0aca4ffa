"""Lighthouse's scores for every page, on a desktop and on a phone.

    python -m benchmarks.lighthouse

Serves the app with gunicorn on 127.0.0.1 and runs Lighthouse (npm `lighthouse`, pinned in package.json)
with Debian's Chromium (CHROME_PATH) on the drawing page, the teach page, the game, the model page, the learn
index and one learn question, with Lighthouse's desktop preset and its default mobile emulation. Prints a table of the
performance, accessibility, best-practices and SEO scores and writes benchmarks/results/lighthouse.json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import write_result
from harness.live_server import CHROMIUM, live_server
from model_training.core.config import PROJECT_ROOT

LIGHTHOUSE = PROJECT_ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = ("/", "/teach", "/play", "/model", "/learn", "/learn/lstm-cell")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def scores(url, device):
    """{category: score 0..100} of one Lighthouse run."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [
            "node",
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            *(["--preset=desktop"] if device == "desktop" else []),
        ]
        # Lighthouse sometimes loses the page load's trace (NO_NAVSTART) in headless Chromium: one more try.
        for attempt in (1, 2):
            finished = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
            if finished.returncode == 0:
                break
            if attempt == 2:
                raise SystemExit(f"error: Lighthouse failed twice on {url} ({device})")
        categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    results = []
    with live_server(workers=1) as (url, _):
        for device in ("desktop", "mobile"):
            for path in PAGES:
                results.append({"page": path, "device": device, **scores(url + path, device)})
    print(f"{'page':<20}{'device':<9}" + "".join(f"{name:>16}" for name in CATEGORIES))
    for row in results:
        print(f"{row['page']:<20}{row['device']:<9}" + "".join(f"{row[name]:>16}" for name in CATEGORIES))
    write_result("lighthouse", {"lighthouse": "12.2.3", "pages": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
