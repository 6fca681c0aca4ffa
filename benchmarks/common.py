"""Shared by the benchmarks: real drawings, percentiles, and writing a result file."""

import json
from pathlib import Path

import numpy as np

from model_training.core.config import MODEL_DIR, PROJECT_ROOT, default_quickdraw_dir
from model_training.core.drawing_checks import DrawingError
from model_training.core.model_package import ModelPackage
from model_training.core.ndjson import read_ndjson

RESULTS = PROJECT_ROOT / "benchmarks" / "results"


def shipped_package():
    """The shipped model package: the labels and preprocessing the benchmarks read drawings with."""
    return ModelPackage.from_pretrained(MODEL_DIR)


def real_stroke3(source=None, package=None):
    """Every real drawing in simplified/ as stroke-3 by the package's preprocessing (default: the shipped
    model's), in a fixed order."""
    package = package or shipped_package()
    folder = Path(source or default_quickdraw_dir() or "")
    files = sorted((folder / "simplified").glob("*.ndjson.gz"))
    if not files:
        raise SystemExit(f"error: no real drawings under {folder}; pass --source or set INKLING_QUICKDRAW_DIR")
    drawings = []
    for path in files:
        for record in read_ndjson(path):
            try:
                drawings.append(package.drawing_to_stroke3(record["drawing"]))
            except DrawingError:
                continue
    return drawings


def spread(items, count):
    """`count` items taken evenly across the list (so across categories)."""
    if len(items) <= count:
        return list(items)
    return [items[i] for i in np.linspace(0, len(items) - 1, count).astype(int)]


def percentiles(values):
    values = np.asarray(values, dtype=float)
    return {
        "median": float(np.median(values)),
        "p95": float(np.percentile(values, 95)),
        "p99": float(np.percentile(values, 99)),
        "n": int(len(values)),
    }


def write_result(name, result):
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {path.relative_to(PROJECT_ROOT)}")
