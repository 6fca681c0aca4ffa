"""Training runs' validation curves side by side at equal steps, beside the shipped model's own curve.

    python -m benchmarks.training_curves mix30=<runs>/mix30 patient=<runs>/patient72 [--steps 8000,24000]

A run is NAME=FOLDER: a training run's folder (its history.json) or an exported model package (its
training_history.json). The figures are training's own validation, every `eval_every` steps: top-1 per
category (each category's own top-1, averaged), per drawing, per category group, and on the first half of
each drawing as the page frames it. A recipe is screened against another at equal steps; a longer schedule
decays its learning rate later, so at equal steps it is behind by design until its own end.

The shipped curve was recorded on the dataset of its day, so its groups may differ a little from a run's on
today's; it predates the per-category figure, which it then lacks ("-").

Prints the table and writes benchmarks/results/training_curves.json.
"""

import argparse
import json
import sys
from pathlib import Path

from benchmarks.common import write_result
from model_training.core.config import MODEL_DIR
from model_training.data import THIN

SHIPPED = "shipped"
COLUMNS = {  # the table's columns: a label and how to read it from one validation record
    "per category": lambda r: r.get("val_top1_per_category"),
    "per drawing": lambda r: r.get("val_top1"),
    "few real": lambda r: r.get("val_top1_by_group", {}).get(THIN),
}


def read_curve(folder):
    """A run's or a package's validation records by step, and the schedule's length where the run says it."""
    folder = Path(folder)
    for name in ("history.json", "training_history.json"):
        if (folder / name).exists():
            records = json.loads((folder / name).read_text())["validation"]
            break
    else:
        raise SystemExit(f"error: {folder} has neither history.json (a run) nor training_history.json (a package)")
    run = folder / "run.json"
    steps = json.loads(run.read_text())["config"]["steps"] if run.exists() else None
    return {"folder": str(folder), "schedule_steps": steps, "validation": {int(r["step"]): r for r in records}}


def parse_run(text):
    name, sep, folder = text.partition("=")
    if not sep or not name or not folder:
        raise argparse.ArgumentTypeError(f"a run is NAME=FOLDER, got {text!r}")
    return name, folder


def table(curves, steps):
    """One row a step, one cell a run: its COLUMNS joined by " / ", a dash for a figure it lacks there."""
    header = ["step"] + list(curves)
    rows = []
    for step in steps:
        cells = []
        for curve in curves.values():
            record = curve["validation"].get(step, {})
            cells.append(
                " / ".join("-" if read(record) is None else f"{100 * read(record):.1f}" for read in COLUMNS.values())
            )
        rows.append([f"{step:,}"] + cells)
    return header, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=parse_run, metavar="NAME=FOLDER")
    parser.add_argument("--shipped", type=Path, default=MODEL_DIR, help="the package whose curve is the reference")
    parser.add_argument("--steps", default="", help="only these steps, e.g. 8000,24000 (default: every one)")
    args = parser.parse_args(argv)

    curves = {SHIPPED: read_curve(args.shipped)} | {name: read_curve(folder) for name, folder in args.runs}
    every_step = sorted({step for curve in curves.values() for step in curve["validation"]})
    steps = [int(s) for s in args.steps.split(",")] if args.steps else every_step
    header, rows = table(curves, steps)
    print("validation top-1, %: " + " / ".join(COLUMNS))
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(row))
    write_result("training_curves", {"columns": header, "rows": rows, "curves": curves})
    return 0


if __name__ == "__main__":
    sys.exit(main())
