"""Parity of the engines: the exported model run by TF.js in node (wasm and cpu backends, the page's first
two choices) and by the server's numpy engine, against the same weights run by tf_keras, on real test
drawings.

    python -m model_training.parity --model-dir static/model [--drawings 300]

Reports top-1 agreement and probability differences for TF.js's layers model and for the incremental
classifier the page uses (fed the first half of each drawing, then the whole), per backend, and for the
server's numpy engine (model_training/core/sketch_model.py), and how far the page's drawing embeddings are from
the server's; prints them and writes JSON.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from model_training.core.calibration import with_temperature
from model_training.core.config import MODEL_DIR, PROJECT_ROOT, default_quickdraw_dir
from model_training.core.drawing_checks import DrawingError
from model_training.core.model_package import ModelPackage
from model_training.core.ndjson import read_ndjson
from model_training.model import predict_last
from model_training.node import run_node
from model_training.sketch_rnn import split_for_key
from model_training.tfjs_model import load_tfjs_model

BACKENDS = ("wasm", "cpu")


def real_test_sequences(quickdraw_dir, count, package):
    """The first `count` real test-split drawings as `package`'s model reads them, a few per category."""
    files = sorted((Path(quickdraw_dir) / "simplified").glob("*.ndjson.gz"))
    per_category = -(-count // len(files))
    sequences = []
    for path in files:
        taken = 0
        for record in read_ndjson(path):
            if taken == per_category or len(sequences) == count:
                break
            if split_for_key(record["key_id"]) != "test":
                continue
            try:
                sequences.append(package.model_input(package.drawing_to_stroke3(record["drawing"])))
                taken += 1
            except DrawingError:
                continue
    return sequences


def run_tfjs(model_dir, sequences, backend):
    request = {"model_dir": str(model_dir), "backend": backend, "sequences": [s.ravel().tolist() for s in sequences]}
    return run_node("predict.mjs", request)["results"]


def agreement(probabilities, reference):
    difference = np.abs(probabilities - reference)
    return {
        "top1_agreement": float((probabilities.argmax(1) == reference.argmax(1)).mean()),
        "max_abs_probability_difference": float(difference.max()),
        "mean_abs_probability_difference": float(difference.mean()),
    }


def parity(model_dir, sequences):
    """{"drawings": n, backend: {engine: agreement and differences}} for each TF.js backend and the server,
    and {"embedding": {backend: largest difference between the page's and the server's embeddings}}."""
    package = ModelPackage.from_pretrained(model_dir)
    uncalibrated = predict_last(load_tfjs_model(model_dir), sequences)
    keras_probabilities = with_temperature(uncalibrated, package.temperature)  # what both engines give
    server = package.engine()
    probabilities, embeddings = (np.stack(column) for column in zip(*(server.read(s) for s in sequences)))
    report = {"drawings": len(sequences), "embedding": {}}
    for backend in BACKENDS:
        results = run_tfjs(model_dir, sequences, backend)
        report[backend] = {
            "tfjs_layers_model": agreement(np.array([r["full"] for r in results]), uncalibrated),
            "tfjs_incremental": agreement(np.array([r["incremental"] for r in results]), keras_probabilities),
        }
        page_embeddings = np.array([r["embedding"] for r in results])
        report["embedding"][backend] = float(np.abs(page_embeddings - embeddings).max())
    report["server"] = {"numpy": agreement(probabilities, keras_probabilities)}
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--source", type=Path, default=default_quickdraw_dir())
    parser.add_argument("--drawings", type=int, default=300)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks" / "results" / "parity.json")
    args = parser.parse_args(argv)
    if args.source is None:
        print("error: no Quick, Draw! folder; pass --source or set INKLING_QUICKDRAW_DIR", file=sys.stderr)
        return 2
    sequences = real_test_sequences(args.source, args.drawings, ModelPackage.from_pretrained(args.model_dir))
    report = parity(args.model_dir, sequences)
    print(json.dumps(report, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
