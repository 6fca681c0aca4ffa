"""Correct a model package's guesses for the categories' shares in training (logit adjustment).

    python -m model_training.prior_correction --source ../shared/data/quickdraw --tau 0.25 [--model-dir static/model]

Training draws a category in proportion to (its drawings) ** category_power, so the model learns that a
category with thousands of drawings is likelier than one with forty: true of the dataset, not of a person
drawing. Logit adjustment (Menon et al. 2021) scores log p(category | drawing) - tau * log(its share of
training). The output layer's bias absorbs that term, so the browser's and the server's engines run the
corrected model as they run any other. tau is chosen on the validation split by
`python -m benchmarks.prior_correction`.

Rewrites the package in place: the weights (in the quantisation it had), a temperature refitted on the
corrected guesses, its version and checksums, and metadata.json's "prior_correction". Its metrics and plots
go, since they describe the weights before; `python -m model_training.evaluate` writes the new ones.
"""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from model_training.calibrate import fit_calibration
from model_training.core.config import MODEL_DIR
from model_training.core.model_package import ModelPackage, ModelPackageError, package_version, sha256_of
from model_training.data import add_dataset_arguments, load_split, prepare, split_counts
from model_training.export import convert, remove_figures
from model_training.sketch_rnn import CATEGORIES
from model_training.tfjs_model import load_tfjs_model

OUTPUT_LAYER = "probabilities"


def training_log_share(builder, category_power):
    """log of each category's share of training batches, in CATEGORIES order (train.sampling_weights draws a
    category in proportion to its drawings ** category_power); 0 for a category with no training drawings,
    which the model never learned: there is no share to undo, and log 0 would raise it above all others."""
    train = split_counts(builder)[0]["train"]
    drawings = np.array([train[c, False] + train[c, True] for c in CATEGORIES], float)
    seen = drawings > 0
    log_share = np.zeros(len(CATEGORIES))
    log_share[seen] = category_power * np.log(drawings[seen]) - np.log((drawings[seen] ** category_power).sum())
    return log_share


def applied_tau(metadata):
    """The tau a package's weights already carry (0 for a package never corrected)."""
    return metadata.get("prior_correction", {}).get("tau", 0.0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--tau", type=float, required=True, help="the correction's strength, 0 to 1")
    args = parser.parse_args(argv)
    try:
        if not 0 < args.tau <= 1:
            raise ValueError(f"--tau must be above 0 and at most 1, not {args.tau}")
        package = ModelPackage.from_pretrained(args.model_dir)
        if applied_tau(package.metadata):
            raise ValueError(
                f"{package.version} is already corrected (tau {applied_tau(package.metadata)}): "
                "export its run again to start from the uncorrected model"
            )
    except (ModelPackageError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    metadata, corrected = package.metadata, package.version
    category_power = metadata["run"]["config"]["category_power"]
    builder = prepare(args, package.preprocessing)
    log_share = training_log_share(builder, category_power)

    model = load_tfjs_model(args.model_dir)
    layer = model.get_layer(OUTPUT_LAYER)
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel, bias - args.tau * log_share.astype(np.float32)])
    val_strokes, val_y, _ = load_split(builder, "validation", real_only=True)
    # Made whole in a scratch folder first: a failure on the way leaves the package as it was.
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        convert(model, scratch, metadata["quantization"]["chosen"])
        checksums = {p.name: sha256_of(p) for p in sorted(scratch.glob("*.bin"))}
        metadata.update(
            version=package_version(checksums),
            weights=checksums,
            model_json=sha256_of(scratch / "model.json"),
            calibration=fit_calibration(load_tfjs_model(scratch), val_strokes, val_y, package.preprocessing),
            prior_correction={
                "tau": args.tau,
                "category_power": category_power,
                "shares_of": builder.info.full_name,
                "corrected": corrected,
            },
        )
        remove_figures(args.model_dir)
        for path in scratch.iterdir():
            shutil.copy(path, args.model_dir / path.name)
    (args.model_dir / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n")
    print(
        f"{corrected} corrected with tau {args.tau}: {metadata['version']}, "
        f"temperature {metadata['calibration']['temperature']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
