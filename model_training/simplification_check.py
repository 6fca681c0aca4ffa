"""How closely our simplifier reproduces Google's: every drawing held in both raw/ and simplified/.

    python -m model_training.simplification_check --source ../shared/data/quickdraw [--out FILE.json]

For each pair (same key_id) it simplifies the raw drawing and compares with Google's simplified one:
exact matches, equal point counts, the difference in point count, and the mean distance between
corresponding points (over pairs with equal counts). Prints a table and writes JSON.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from model_training.core.config import PREPROCESSING, PROJECT_ROOT, default_quickdraw_dir
from model_training.core.drawing_checks import DrawingError, validate_drawing
from model_training.core.ndjson import read_ndjson
from model_training.core.simplification import simplify


def read_pairs(folder, categories=None, per_category=None):
    """[(raw_drawing, google_simplified_drawing)] for key_ids present in both folders."""
    pairs = []
    for raw_path in sorted((folder / "raw").glob("*.ndjson.gz")):
        category = raw_path.name[: -len(".ndjson.gz")]
        if categories and category not in categories:
            continue
        simplified_path = folder / "simplified" / raw_path.name
        if not simplified_path.is_file():
            continue
        google = {r["key_id"]: r["drawing"] for r in read_ndjson(simplified_path)}
        taken = 0
        for record in read_ndjson(raw_path):
            if record["key_id"] in google:
                pairs.append((record["drawing"], google[record["key_id"]]))
                taken += 1
                if per_category and taken >= per_category:
                    break
    return pairs


def agreement(pairs):
    """Agreement figures between our simplification of each raw drawing and Google's."""
    exact = same_count = 0
    count_differences, distances = [], []
    for raw, google in pairs:
        try:
            ours = simplify(validate_drawing(raw), PREPROCESSING)  # Google's recipe itself, not a model's
        except DrawingError:
            continue
        ours_points = np.array([p for s in ours for p in zip(s[0], s[1])], dtype=float)
        google_points = np.array([p for s in google for p in zip(s[0], s[1])], dtype=float)
        count_differences.append(len(ours_points) - len(google_points))
        exact += ours == google
        if len(ours_points) == len(google_points) and [len(s[0]) for s in ours] == [len(s[0]) for s in google]:
            same_count += 1
            distances.append(float(np.hypot(*(ours_points - google_points).T).mean()))
    differences = np.abs(count_differences)
    return {
        "pairs": len(count_differences),
        "exact_match": exact / len(count_differences),
        "same_point_count": same_count / len(count_differences),
        "mean_abs_point_count_difference": float(differences.mean()),
        "p99_abs_point_count_difference": float(np.percentile(differences, 99)),
        "mean_point_distance_px": float(np.mean(distances)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=default_quickdraw_dir())
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks" / "results" / "simplification.json")
    args = parser.parse_args(argv)
    if args.source is None or not (args.source / "raw").is_dir():
        print("error: no raw/ folder; pass --source or set INKLING_QUICKDRAW_DIR", file=sys.stderr)
        return 2
    figures = agreement(read_pairs(args.source))
    for name, value in figures.items():
        print(f"{name:<34} {value:.4f}" if isinstance(value, float) else f"{name:<34} {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
