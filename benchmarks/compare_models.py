"""Exported models side by side on one split's real drawings, and which one the shipping rule picks.

    python -m benchmarks.compare_models --source ../shared/data/quickdraw static/model <runs>/mix30-val [--split test]

Each model is a package folder, scored as it would ship (its own preprocessing, temperature and any
correction), on whole drawings and on their first half as the page frames it: top-1 per category (each
category's own top-1, averaged) and per drawing, per category group. The rule (scoring.choose_by_category):
the best per-category mean on whole drawings, or among the models within one standard error of it (paired
over the categories) the one right on the most drawings. Choose on validation (the default); test reports.

Prints the table and writes benchmarks/results/compare_models.json.
"""

import argparse
import sys

from benchmarks.common import write_result
from model_training.core.model_package import ModelPackage
from model_training.data import add_dataset_arguments, load_split, prepare
from model_training.model import predict_last
from model_training.scoring import choose_by_category, group_rows, page_inputs, scoring_groups
from model_training.tfjs_model import load_tfjs_model

HALF = 0.5


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR")
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    args = parser.parse_args(argv)

    models, right, labels_seen = {}, {}, None
    for folder in args.model_dirs:
        package = ModelPackage.from_pretrained(folder)
        builder = prepare(args, package.preprocessing)
        groups, _ = scoring_groups(builder)
        strokes, labels, _ = load_split(builder, args.split, real_only=True)
        if labels_seen is not None and not (len(labels) == len(labels_seen) and (labels == labels_seen).all()):
            raise SystemExit(f"error: {folder} reads another set of drawings; compare models of one dataset")
        labels_seen = labels
        model = load_tfjs_model(folder)
        by_fraction = {
            f: predict_last(model, x) for f, x in page_inputs(strokes, package.preprocessing, (HALF, 1.0)).items()
        }
        rows = group_rows(by_fraction, labels, groups)
        right[package.version] = by_fraction[1.0].argmax(axis=1) == labels
        models[package.version] = {
            "folder": str(folder),
            "dataset": builder.info.full_name,
            "groups": {
                row["name"]: {
                    "drawings": row["drawings"],
                    "per_category": row["top1_category_mean"],
                    "per_drawing": row["top1"],
                    "first_half_per_drawing": row["top1_by_fraction"][str(HALF)],
                }
                for row in rows
            },
        }
    best, chosen, behind = choose_by_category(right, labels_seen)
    for version, model in models.items():
        model["behind_best"] = behind[version]

    print(f"{args.split}, real drawings: top-1 per category / per drawing (whole drawings)")
    names = list(next(iter(models.values()))["groups"])
    print(" | ".join(["group", *models]))
    for name in names:
        cells = [
            f"{100 * m['groups'][name]['per_category']:.1f} / {100 * m['groups'][name]['per_drawing']:.1f}"
            for m in models.values()
        ]
        print(" | ".join([name, *cells]))
    half = [f"{100 * m['groups'][names[0]]['first_half_per_drawing']:.1f}" for m in models.values()]
    print(" | ".join(["first half, per drawing", *half]))
    gaps = [f"{100 * b['per_category']:.1f} ({100 * b['standard_error']:.1f})" for b in behind.values()]
    print(" | ".join(["behind the best per category (standard error)", *gaps]))
    print(f"best per category: {best}; chosen by the rule: {chosen}")
    write_result(
        "compare_models",
        {"split": args.split, "models": models, "best_per_category": best, "chosen": chosen},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
