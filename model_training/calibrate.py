"""Fit an exported model's calibration on the real validation drawings and write it into its metadata.json.

    python -m model_training.calibrate --model-dir static/model --source ../shared/data/quickdraw

`export` fits the calibration of every model it writes (fit_calibration); this command fits it again for a
model already exported, on the validation split the flags choose. The temperature (model_training.core.calibration)
changes no ranking, so the weights, the version and metrics.json's figures of top-1 stay valid; evaluate
reports the expected calibration error on the test split.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from model_training.core.calibration import fit_temperature, reliability
from model_training.core.config import MODEL_DIR
from model_training.core.model_package import SCHEMA_VERSION, ModelPackage, ModelPackageError
from model_training.data import add_dataset_arguments, load_split, prepare
from model_training.model import predict_last
from model_training.scoring import FRACTIONS, page_inputs
from model_training.tfjs_model import load_tfjs_model


def fit_calibration(model, sequences, labels, preprocessing):
    """metadata.json's "calibration" for `model`: the temperature fitted on the stored drawings `sequences`
    as the page shows them, whole and while drawn (scoring.FRACTIONS of their points, pooled), with the
    expected calibration error and negative log-likelihood there before and after."""
    inputs = page_inputs(sequences, preprocessing)
    probabilities = np.concatenate([predict_last(model, inputs[f]) for f in FRACTIONS])
    pooled = np.tile(labels, len(FRACTIONS))
    temperature = fit_temperature(probabilities, pooled)
    return {
        "temperature": temperature,
        "fitted_on": f"{len(labels)} real validation drawings, whole and their first "
        + "/".join(f"{f:.0%}" for f in FRACTIONS[:-1])
        + " of points",
        "validation": reliability(probabilities, pooled, temperature),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    path = args.model_dir / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["schema_version"] = SCHEMA_VERSION
    metadata.setdefault("calibration", {"temperature": 1.0})  # so that an older package can be read
    path.write_text(json.dumps(metadata, indent=2) + "\n")
    try:
        package = ModelPackage.from_pretrained(args.model_dir)
    except ModelPackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    builder = prepare(args, package.preprocessing)
    sequences, labels, _ = load_split(builder, "validation", real_only=True)
    calibration = fit_calibration(load_tfjs_model(args.model_dir), sequences, labels, package.preprocessing)
    metadata["calibration"] = calibration
    path.write_text(json.dumps(metadata, indent=2) + "\n")
    fit = calibration["validation"]
    print(
        f"temperature {calibration['temperature']:.3f} ({calibration['fitted_on']}): expected calibration error "
        f"{fit['ece_before']:.4f} -> {fit['ece_after']:.4f}, NLL {fit['nll_before']:.4f} -> {fit['nll_after']:.4f}"
    )
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
