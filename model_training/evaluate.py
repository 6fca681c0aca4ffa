"""Evaluate the exported model on the real drawings of the test split, and write what the app shows.

    python -m model_training.evaluate --model-dir static/model
    python -m model_training.evaluate --teacher ../shared/teachers/doodlenet/doodlenet.h5   # and the teacher
    python -m model_training.evaluate --model-dir M --split validation   # tables alone, to choose between runs

Scores the shipped artifact itself (the TF.js weights, decoded as the browser decodes them). Prints
top-1/3/5 for all 345 categories and for three groups (categories with many real drawings, with synthetic
drawings, with neither), the same for categories without synthetic drawings binned by their real
training drawings (how accuracy grows with real data), accuracy on partial drawings, and the most
confused pairs. A partial drawing is scored as the drawing page sees it: simplified and scaled to its own
bounding box (model_training.strokes.page_prefix).
Writes metrics.json and PNG plots into --model-dir (metadata.json is export's alone).
With --teacher, the teacher is scored on the same drawings and the same partial drawings (it is not causal:
each is rendered whole), and metrics.json holds both, for the model page to compare.
Synthetic drawings never enter these numbers: the test split holds real drawings only.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from model_training.config import MODEL_DIR  # noqa: E402
from model_training.data import (  # noqa: E402
    add_dataset_arguments,
    category_groups,
    data_size_groups,
    prepare,
    split_counts,
)
from model_training.model import predict_last  # noqa: E402
from model_training.sketch_rnn import CATEGORIES  # noqa: E402
from model_training.strokes import normalize, page_prefix  # noqa: E402
from model_training.teacher import Teacher, TeacherError, predict_prefixes  # noqa: E402
from model_training.tfjs_model import load_tfjs_model, read_metadata  # noqa: E402
from model_training.train import load_split  # noqa: E402

FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)
# The first-half curves runs record: scaled to its own box as the page does, or (older runs) a cut of the
# whole drawing's input, which knows the finished drawing's size.
HALF_CURVES = {
    "val_top1_page_half": "first half, as the page frames it",
    "val_top1_half": "first half, cut from the whole drawing",
}


def scoring_groups(builder):
    """All 345 categories, then data.category_groups by the dataset's training split; and the categories
    binned by their real training drawings (data.data_size_groups)."""
    train_counts = split_counts(builder)[0]["train"]
    groups = {"all 345 categories": np.ones(len(CATEGORIES), bool), **category_groups(train_counts)}
    return groups, data_size_groups(train_counts)


def page_inputs(sequences, preprocessing):
    """{fraction: model inputs} for every FRACTIONS of each drawing, as the drawing page sees it: whole, or its
    first points simplified and scaled to their own box (strokes.page_prefix)."""
    inputs = {f: [page_prefix(s, f, preprocessing) for s in sequences] for f in FRACTIONS if f < 1}
    inputs[1.0] = [normalize(s, preprocessing) for s in sequences]
    return inputs


def teacher_by_fraction(teacher, inputs):
    """The teacher's probabilities on page_inputs' drawings; it is not causal, so each is rendered whole."""
    return {f: predict_prefixes(teacher, sequences, (1.0,))[:, 0] for f, sequences in inputs.items()}


def topk_hits(probabilities, labels, k):
    top = np.argsort(-probabilities, axis=1)[:, :k]
    return (top == labels[:, None]).any(axis=1)


def group_rows(by_fraction, labels, groups):
    """Accuracy rows per category group from {fraction: (n, categories) probabilities}; 1.0 must be there.

    top1 counts drawings, so categories with many test drawings weigh most; top1_category_mean counts each
    category once (its own top-1, averaged), which is what someone drawing a category at random meets."""
    rows = []
    counts = np.bincount(labels, minlength=len(CATEGORIES))
    right = by_fraction[1.0].argmax(axis=1) == labels
    per_category = np.bincount(labels, weights=right, minlength=len(CATEGORIES)) / np.maximum(counts, 1)
    for name, members in groups.items():
        selected = members[labels]
        row = {"name": name, "categories": int(members.sum()), "drawings": int(selected.sum())}
        row["top1_category_mean"] = float(per_category[members & (counts > 0)].mean()) if selected.any() else 0.0
        for k in (1, 3, 5):
            row[f"top{k}"] = (
                float(topk_hits(by_fraction[1.0][selected], labels[selected], k).mean()) if selected.any() else 0.0
            )
        row["top1_by_fraction"] = {
            str(f): float(topk_hits(p[selected], labels[selected], 1).mean()) if selected.any() else 0.0
            for f, p in by_fraction.items()
        }
        rows.append(row)
    return rows


def print_rows(title, rows):
    """The rows as a table; 'per cat.' is top1_category_mean, the fractions are of points drawn (top-1)."""
    print(f"{title:<36}{'n':>6}{'top-1':>8}{'per cat.':>9}{'top-3':>8}{'top-5':>8}{'25%':>7}{'50%':>7}{'75%':>7}")
    for row in rows:
        f = row["top1_by_fraction"]
        print(
            f"{row['name']:<36}{row['drawings']:>6}{row['top1']:>8.3f}{row['top1_category_mean']:>9.3f}"
            f"{row['top3']:>8.3f}{row['top5']:>8.3f}{f['0.25']:>7.3f}{f['0.5']:>7.3f}{f['0.75']:>7.3f}"
        )


def plot_training_curves(history, path):
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.plot([h["step"] for h in history["train"]], [h["loss"] for h in history["train"]])
    left.set(title="Training loss", xlabel="step", ylabel="weighted cross-entropy")
    steps = [h["step"] for h in history["validation"]]
    right.plot(steps, [h["val_top1"] for h in history["validation"]], label="whole drawing")
    for key, label in HALF_CURVES.items():
        if key in history["validation"][0]:
            right.plot(steps, [h[key] for h in history["validation"]], label=label)
    right.set(title="Validation top-1 (real drawings)", xlabel="step", ylim=(0, 1))
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_partial(curves, path):
    figure, axis = plt.subplots(figsize=(6, 3.8))
    for name, values in curves.items():
        axis.plot(
            [f * 100 for f in FRACTIONS],
            values,
            marker="o",
            label=name,
            linestyle="--" if name.startswith("teacher") else "-",
        )
    axis.set(
        title="Top-1 against the part of the drawing seen", xlabel="% of points drawn", ylabel="top-1", ylim=(0, 1)
    )
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_confusions(pairs, path):
    figure, axis = plt.subplots(figsize=(6, 4.5))
    names = [f"{p['true']} → {p['predicted']}" for p in pairs][::-1]
    axis.barh(names, [p["count"] for p in pairs][::-1])
    axis.set(title="Most confused pairs (real test drawings)", xlabel="drawings")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--teacher", type=Path, default=None, help="also score this bitmap teacher")
    parser.add_argument(
        "--split",
        default="test",
        choices=("test", "validation"),
        help="validation prints the tables alone, to choose between runs; test also writes what the app shows",
    )
    args = parser.parse_args(argv)

    try:
        teacher = Teacher(args.teacher) if args.teacher else None
    except TeacherError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    preprocessing = read_metadata(args.model_dir)["preprocessing"]  # the model's own, as the pages use it
    builder = prepare(args, preprocessing)
    model = load_tfjs_model(args.model_dir)
    strokes, labels, _ = load_split(builder, args.split, real_only=True)
    inputs = page_inputs(strokes, preprocessing)
    by_fraction = {f: predict_last(model, sequences) for f, sequences in inputs.items()}
    full = by_fraction[1.0]
    groups, size_groups = scoring_groups(builder)
    rows = group_rows(by_fraction, labels, groups)
    size_rows = group_rows(by_fraction, labels, size_groups)
    partial_curves = {row["name"]: list(row["top1_by_fraction"].values()) for row in rows}

    predicted = full.argmax(axis=1)
    per_category = {}
    for index, category in enumerate(CATEGORIES):
        mask = labels == index
        if mask.any():
            per_category[category] = {"drawings": int(mask.sum()), "top1": float((predicted[mask] == index).mean())}
    confusions = Counter((CATEGORIES[t], CATEGORIES[p]) for t, p in zip(labels, predicted) if t != p)
    confused = [{"true": t, "predicted": p, "count": n} for (t, p), n in confusions.most_common(15)]
    metrics = {
        "test_drawings": len(labels),
        "groups": rows,
        "by_real_training_drawings": size_rows,
        "per_category": per_category,
        "most_confused": confused,
        "dataset": builder.info.full_name,
    }

    print_rows(f"real {args.split} drawings", rows)
    print_rows("by real training drawings", size_rows)
    if teacher:
        teacher_by = teacher_by_fraction(teacher, inputs)
        teacher_rows = group_rows(teacher_by, labels, groups)
        teacher_size_rows = group_rows(teacher_by, labels, size_groups)
        metrics["teacher"] = {
            "name": args.teacher.name,
            "rendering": teacher.rendering,
            "groups": teacher_rows,
            "by_real_training_drawings": teacher_size_rows,
            "parameters": int(teacher.model.count_params()),
            "file_bytes": args.teacher.stat().st_size,
        }
        partial_curves[f"teacher, {rows[0]['name']}"] = list(teacher_rows[0]["top1_by_fraction"].values())
        print_rows(f"teacher {args.teacher.name}", teacher_rows)
        print_rows("teacher, by real training drawings", teacher_size_rows)
    print("most confused:", ", ".join(f"{c['true']}→{c['predicted']} ({c['count']})" for c in confused[:8]))
    if args.split != "test":
        return 0  # what the app shows is scored on the test split alone

    (args.model_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    plot_partial(partial_curves, args.model_dir / "accuracy_while_drawing.png")
    plot_confusions(confused, args.model_dir / "most_confused_pairs.png")
    history = args.model_dir / "training_history.json"
    if history.is_file():
        plot_training_curves(json.loads(history.read_text()), args.model_dir / "training_curves.png")
    print(f"written: {args.model_dir / 'metrics.json'} and plots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
