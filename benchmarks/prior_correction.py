"""What correcting the model's guesses for the categories' shares in training would change, on real drawings.

    python -m benchmarks.prior_correction --source ../shared/data/quickdraw [--model-dir static/model]

Training samples a category in proportion to (its drawings) ** category_power, so the model learns that a
category with thousands of drawings is likelier than one with forty, which is true of the dataset and not
of a person drawing. The standard post-hoc correction (logit adjustment, Menon et al. 2021) scores
log p(category | drawing) - tau * log(category's share of training), which would be folded into the output
layer's bias. For each tau: top-1 by drawing and by category (each category's own top-1, averaged: what a
person drawing a category at random meets), for the whole drawing and its first 25/50/75% as the page sees
them, overall and per category group. Validation chooses tau; the test split reports it.

Prints the tables and writes benchmarks/results/prior_correction.json.
"""

import argparse
import sys

import numpy as np

from benchmarks.common import write_result
from model_training.core.config import MODEL_DIR
from model_training.core.model_package import ModelPackage
from model_training.data import add_dataset_arguments, load_split, prepare, split_counts
from model_training.model import predict_last
from model_training.scoring import group_rows, page_inputs, scoring_groups
from model_training.sketch_rnn import CATEGORIES
from model_training.tfjs_model import load_tfjs_model

TAUS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0)


def training_log_share(builder, category_power):
    """log of each category's share of training batches (train.sampling_weights' per-category share)."""
    train = split_counts(builder)[0]["train"]
    drawings = np.array([train[c, False] + train[c, True] for c in CATEGORIES], float)
    share = np.where(drawings > 0, drawings**category_power, 0.0)
    return np.log(np.maximum(share / share.sum(), 1e-12))


def per_category_top1(scores, labels):
    """Each category's own top-1, averaged over the categories with drawings."""
    counts = np.bincount(labels, minlength=len(CATEGORIES))
    right = np.bincount(labels, weights=scores.argmax(axis=1) == labels, minlength=len(CATEGORIES))
    return float((right[counts > 0] / counts[counts > 0]).mean())


def score(by_fraction, labels, log_share, tau, groups):
    corrected = {f: np.log(np.maximum(p, 1e-12)) - tau * log_share for f, p in by_fraction.items()}
    rows = group_rows(corrected, labels, groups)
    return {
        "tau": tau,
        "top1_by_fraction": rows[0]["top1_by_fraction"],
        "per_category_by_fraction": {str(f): per_category_top1(s, labels) for f, s in corrected.items()},
        "top3": rows[0]["top3"],
        "groups": {row["name"]: {"top1": row["top1"], "per_category": row["top1_category_mean"]} for row in rows},
    }


def print_table(split, results):
    print(f"{split}: top-1 by drawing / by category, at 25/50/75/100% of the points; then per group, whole drawing")
    for r in results:
        by_drawing, by_category = r["top1_by_fraction"], r["per_category_by_fraction"]
        fractions = "  ".join(f"{by_drawing[f]:.3f}/{by_category[f]:.3f}" for f in ("0.25", "0.5", "0.75", "1.0"))
        groups = "  ".join(f"{g['top1']:.3f}/{g['per_category']:.3f}" for g in list(r["groups"].values())[1:])
        print(f"  tau {r['tau']:<5} {fractions}   top-3 {r['top3']:.3f}   groups {groups}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--model-dir", default=MODEL_DIR)
    args = parser.parse_args(argv)
    package = ModelPackage.from_pretrained(args.model_dir)
    builder = prepare(args, package.preprocessing)
    log_share = training_log_share(builder, package.metadata["run"]["config"]["category_power"])
    groups, _ = scoring_groups(builder)
    model = load_tfjs_model(args.model_dir)
    result = {"model": package.identity, "dataset": builder.info.full_name, "group_names": list(groups)}
    for split in ("validation", "test"):
        strokes, labels, _ = load_split(builder, split, real_only=True)
        by_fraction = {f: predict_last(model, x) for f, x in page_inputs(strokes, package.preprocessing).items()}
        result[split] = [score(by_fraction, labels, log_share, tau, groups) for tau in TAUS]
        print_table(split, result[split])
    best = max(result["validation"], key=lambda r: r["per_category_by_fraction"]["1.0"])
    result["best_validation_tau"] = best["tau"]
    print(f"tau with the best per-category top-1 on validation: {best['tau']}")
    write_result("prior_correction", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
