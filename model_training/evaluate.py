"""Evaluate the exported model on the real drawings of the test split, and write what the app shows.

    python -m model_training.evaluate --model-dir static/model
    python -m model_training.evaluate --teacher ../shared/teachers/doodlenet/doodlenet.h5   # and the teacher
    python -m model_training.evaluate --model-dir M --split validation   # tables alone, to choose between runs

Scores the shipped artifact itself (the TF.js weights, decoded as the browser decodes them). Prints
top-1/3/5 for all 345 categories and for three groups (categories with many real drawings, with synthetic
drawings, with neither), the same for categories without synthetic drawings binned by their real
training drawings (how accuracy grows with real data), accuracy on partial drawings, and the most
confused pairs. A partial drawing is scored as the drawing page sees it: simplified and scaled to its own
bounding box (model_training.core.model_input.page_prefix).
Real raw drawings of the same split (the source's raw/ folder) are also replayed with their own timestamps,
as the page receives them (scoring.early_recognition): top-1 against the fraction of the drawing's time, the
share guessed right before the drawing ends, and the median time to the first right guess, the game's own
figure.
Writes metrics.json and PNG plots into --model-dir (metadata.json is export's alone). metrics.json names the
model version and weights digest it was computed for, and lists the plots; the app shows them only with
that model (model_training.core.model_package).
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

from model_training.core.calibration import reliability  # noqa: E402
from model_training.core.config import MODEL_DIR, default_quickdraw_dir  # noqa: E402
from model_training.core.model_package import ModelPackage, ModelPackageError  # noqa: E402
from model_training.data import SYNTHETIC, THIN, add_dataset_arguments, load_split, prepare, raw_split  # noqa: E402
from model_training.model import predict_last  # noqa: E402
from model_training.scoring import (  # noqa: E402
    FRACTIONS,
    early_recognition,
    group_rows,
    page_inputs,
    print_rows,
    pulled_towards,
    scoring_groups,
)
from model_training.sketch_rnn import CATEGORIES  # noqa: E402
from model_training.teacher import Teacher, TeacherError, teacher_by_fraction  # noqa: E402
from model_training.tfjs_model import load_tfjs_model  # noqa: E402

PLOTS = ("accuracy_while_drawing.png", "accuracy_over_time.png", "most_confused_pairs.png", "training_curves.png")


def save(figure, path, version):
    """The figure, marked with the model it describes; ValueError if a title or label would be cut off."""
    figure.text(0.99, 0.01, f"model {version}", ha="right", va="bottom", fontsize=7, color="0.4")
    figure.tight_layout()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    for axis in figure.axes:
        for text in (axis.title, axis.xaxis.label, axis.yaxis.label):
            box = text.get_window_extent(renderer)
            if text.get_text() and (box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1):
                plt.close(figure)
                raise ValueError(f"{path.name}: '{text.get_text()}' does not fit the figure")
    figure.savefig(path, dpi=90)
    plt.close(figure)


def plot_training_curves(history, path, version):
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.plot([h["step"] for h in history["train"]], [h["loss"] for h in history["train"]])
    left.set(title="Training loss", xlabel="step", ylabel="weighted cross-entropy")
    steps = [h["step"] for h in history["validation"]]
    right.plot(steps, [h["val_top1"] for h in history["validation"]], label="whole drawing")
    if all("val_top1_page_half" in h for h in history["validation"]):  # recorded by today's training
        half = [h["val_top1_page_half"] for h in history["validation"]]
        right.plot(steps, half, label="first half, as the page frames it")
    right.set(title="Validation top-1 (real drawings)", xlabel="step", ylim=(0, 1))
    right.legend()
    save(figure, path, version)


def plot_partial(curves, path, version):
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
    save(figure, path, version)


def plot_over_time(early, path, version):
    figure, axis = plt.subplots(figsize=(6, 3.8))
    fractions = [float(f) * 100 for f in early["top1_by_time_fraction"]]
    axis.plot(fractions, list(early["top1_by_time_fraction"].values()), marker="o")
    axis.set(
        title=f"Top-1 against the drawing's time\n({early['drawings']:,} real raw drawings, replayed)",
        xlabel="% of the drawing's time",
        ylabel="top-1",
        ylim=(0, 1),
    )
    save(figure, path, version)


def plot_confusions(pairs, path, version):
    figure, axis = plt.subplots(figsize=(6, 4.5))
    names = [f"{p['true']} → {p['predicted']}" for p in pairs][::-1]
    axis.barh(names, [p["count"] for p in pairs][::-1])
    axis.set(title="Most confused pairs (real test drawings)", xlabel="drawings")
    save(figure, path, version)


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
        package = ModelPackage.from_pretrained(args.model_dir)
    except (TeacherError, ModelPackageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    preprocessing = package.preprocessing  # the model's own, as the pages use it
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
    # Thin categories pulled into the ones that have synthetic drawings (thousands each, so the model has seen
    # them far more often): where the wrong guesses on the thin ones go.
    pull = pulled_towards(predicted, labels, groups[THIN], groups[SYNTHETIC])
    print(
        f"wrong guesses on {THIN} categories: {pull['wrong_guesses']}, {pull['share_to_target']:.1%} of them to "
        f"categories {SYNTHETIC} ({pull['pull']:.2f} times their share of the categories)"
    )
    # Calibration: the package's temperature on the split's drawings, whole and as drawn (pooled prefixes).
    pooled = np.concatenate([by_fraction[f] for f in FRACTIONS])
    calibration = {
        "temperature": package.temperature,
        "whole_drawings": reliability(full, labels, package.temperature),
        "while_drawn": reliability(pooled, np.tile(labels, len(FRACTIONS)), package.temperature),
    }
    for name in ("whole_drawings", "while_drawn"):
        fit = calibration[name]
        print(
            f"calibration, {name.replace('_', ' ')}: expected calibration error {fit['ece_before']:.4f} without "
            f"the temperature, {fit['ece_after']:.4f} with {package.temperature:.3f}"
        )
    per_category = {}
    for index, category in enumerate(CATEGORIES):
        mask = labels == index
        if mask.any():
            per_category[category] = {"drawings": int(mask.sum()), "top1": float((predicted[mask] == index).mean())}
    confusions = Counter((CATEGORIES[t], CATEGORIES[p]) for t, p in zip(labels, predicted) if t != p)
    confused = [{"true": t, "predicted": p, "count": n} for (t, p), n in confusions.most_common(15)]
    metrics = {
        "model": package.identity,  # these figures are this model's, and no other's
        "test_drawings": len(labels),
        "groups": rows,
        "by_real_training_drawings": size_rows,
        "per_category": per_category,
        "most_confused": confused,
        "thin_categories_pulled_into_synthetic": pull,
        "calibration": calibration,
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
    # Drawings as the page receives them, with their own timestamps: how soon the guess is right.
    raw_drawings, raw_labels = raw_split(args.source or default_quickdraw_dir(), args.split)
    if args.categories:  # the same categories as the rest of the evaluation
        chosen = np.isin(raw_labels, [CATEGORIES.index(c.strip()) for c in args.categories.split(",")])
        raw_drawings, raw_labels = [d for d, keep in zip(raw_drawings, chosen) if keep], raw_labels[chosen]
    early = early_recognition(lambda x: predict_last(model, x), raw_drawings, raw_labels, preprocessing)
    metrics["early_recognition"] = early
    by_time = early["top1_by_time_fraction"]
    print(
        f"as drawn ({early['drawings']} raw drawings, every {early['step_ms']} ms): top-1 at 25/50/75/100% of the "
        f"time {by_time['0.25']:.3f} / {by_time['0.5']:.3f} / {by_time['0.75']:.3f} / {by_time['1.0']:.3f}; right "
        f"before the end {early['right_before_the_end']:.3f}; first right guess after "
        f"{early['median_ms_to_first_right_guess']} ms median "
        f"({early['median_fraction_to_first_right_guess']} of the time)"
    )
    if args.split != "test":
        return 0  # what the app shows is scored on the test split alone

    version = package.version
    plot_partial(partial_curves, args.model_dir / PLOTS[0], version)
    plot_over_time(early, args.model_dir / PLOTS[1], version)
    plot_confusions(confused, args.model_dir / PLOTS[2], version)
    history = json.loads((args.model_dir / "training_history.json").read_text())
    plot_training_curves(history, args.model_dir / PLOTS[3], version)
    metrics["plots"] = list(PLOTS)
    (args.model_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"written: {args.model_dir / 'metrics.json'} and plots, for model {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
