"""Short training runs that each change one choice, scored on the real validation drawings.

    python -m model_training.ablate --steps 1000 [--only baseline,no-augment]

Every variant trains from scratch for the same number of steps with the same seed; the table gives the
best validation top-1 (whole drawings and their first half) and the difference from the baseline.
Writes benchmarks/results/ablation.json. Short runs rank choices; they do not predict final accuracy.
"""

import argparse
import json
import subprocess
import sys

from model_training.config import PROJECT_ROOT

VARIANTS = {
    "baseline": [],
    "no augmentation": ["--no-augment"],
    "loss on the last point only": ["--last-weight", "1.0"],
    "less loss on prefixes (last 0.5)": ["--last-weight", "0.5"],
    "no real-drawing boost": ["--real-boost", "1"],
    "uniform category sampling": ["--category-power", "0"],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--only", default="", help="comma-separated variant names")
    parser.add_argument("--source", default=None)
    args = parser.parse_args(argv)
    chosen = [v.strip() for v in args.only.split(",") if v.strip()] or list(VARIANTS)
    results = {}
    for name in chosen:
        out = PROJECT_ROOT / "runs" / "ablation" / name.replace(" ", "_")
        command = [
            sys.executable,
            "-m",
            "model_training.train",
            "--out",
            str(out),
            "--steps",
            str(args.steps),
            "--eval-every",
            str(args.steps // 2),
            "--warmup-steps",
            "100",
            *VARIANTS[name],
        ]
        if args.source:
            command += ["--source", args.source]
        print(f"== {name}: {' '.join(command[3:])}", flush=True)
        subprocess.run(command, check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
        history = json.loads((out / "history.json").read_text())
        best = max(history["validation"], key=lambda h: h["val_top1"])
        results[name] = {
            "val_top1": best["val_top1"],
            "val_top1_page_half": best["val_top1_page_half"],
            "args": VARIANTS[name],
        }
        print(f"   validation top-1 {best['val_top1']:.3f}, first half {best['val_top1_page_half']:.3f}", flush=True)

    base = results.get("baseline")
    print(f"\n{'variant':<36}{'top-1':>8}{'half':>8}{'Δ top-1':>10}{'Δ half':>9}")
    for name, r in results.items():
        delta = (
            f"{(r['val_top1'] - base['val_top1']) * 100:>+9.1f}p"
            f"{(r['val_top1_page_half'] - base['val_top1_page_half']) * 100:>+8.1f}p"
            if base
            else ""
        )
        print(f"{name:<36}{r['val_top1']:>8.3f}{r['val_top1_page_half']:>8.3f}{delta}")
    path = PROJECT_ROOT / "benchmarks" / "results" / "ablation.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"steps": args.steps, "results": results}, indent=2) + "\n")
    print(f"written to {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
