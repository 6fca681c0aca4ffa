"""Training throughput of the shipped configuration on this machine, and its time to the shipped accuracy.

    python -m benchmarks.training_throughput [--steps 300] [--teacher PATH]

Trains the default configuration for --steps steps from scratch (real and synthetic drawings, batch 128;
with --teacher, distilled as the shipped model was, the teacher's cost included) and reports drawings per
second; reads the shipped model's own training history
(static/model/training_history.json) for the time it took to reach its best validation top-1.
Writes benchmarks/results/training_throughput.json.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.common import write_result
from model_training import train
from model_training.core.config import MODEL_DIR


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--source", default=None)
    parser.add_argument("--teacher", default=None, help="a teacher file, to distil from as the shipped run did")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        options = ["--out", scratch, "--steps", str(args.steps), "--eval-every", str(10 * args.steps)]
        options += ["--source", args.source] if args.source else []
        options += ["--teacher", args.teacher] if args.teacher else []
        train.main(options)
        measured = json.loads((Path(scratch) / "history.json").read_text())["throughput"][-1]
    report = {"cores": os.cpu_count(), "teacher": args.teacher is not None, "measured": measured}
    history_path = MODEL_DIR / "training_history.json"
    if history_path.is_file():
        history = json.loads(history_path.read_text())
        best = max(history["validation"], key=lambda h: h["val_top1"])
        shipped = history["throughput"][0]
        seconds = best.get("elapsed_s", best["step"] / shipped["steps"] * shipped["seconds"])
        report["shipped_run"] = {
            "steps": shipped["steps"],
            "minutes": shipped["seconds"] / 60,
            "drawings_per_second": shipped["drawings_per_second"],
            "best_val_top1": best["val_top1"],
            "minutes_to_best": seconds / 60,
        }
    print(
        f"training throughput: {measured['drawings_per_second']:.0f} drawings/s over {measured['steps']} steps "
        f"on {report['cores']} cores"
    )
    if "shipped_run" in report:
        s = report["shipped_run"]
        print(
            f"shipped model: {s['steps']} steps in {s['minutes']:.0f} min ({s['drawings_per_second']:.0f} drawings/s); "
            f"best validation top-1 {s['best_val_top1']:.3f} after {s['minutes_to_best']:.0f} min"
        )
    write_result("training_throughput", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
