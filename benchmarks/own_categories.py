"""How well a person's own categories work (model_training/core/own_categories.py), on real drawings.

    python -m benchmarks.own_categories [--model-dir static/model] [--unseen-model-dir DIR]

Each drawing's embedding is the model's last LSTM state after its last point, as the page and the server
make it (the numpy engine); drawings are the dataset's real ones, read as the page reads them.

- N-way K-shot accuracy (N = 5 and 20; K = 1, 3 and 5): an episode draws N categories, takes K drawings of
  each from the test split as the examples of an own category and five others as drawings to guess; each is
  guessed as the category of the nearest prototype. Categories with at least ten test drawings take part.
  With --unseen-model-dir (a model trained with `--leave-out`), the same on the categories it never saw.
- Where a proposed own category stands (STANDING), at the shipped threshold: per standing, how often one of
  the person's drawings has its own category first, how often a right guess of the model is displaced, and
  how often a right and confident one (calibrated probability at least CONFIDENT). Today's STANDING is the
  largest that displaces at most CONFIDENT_DISPLACED_AT_MOST of the right, confident guesses on validation.
- The threshold: a person with five own categories (three drawings each, from the left-out categories)
  draws. Per threshold: how often one of their own drawings is proposed first as its category ("proposed"),
  how often a drawing the model guesses right is displaced by an own category ("displaced"). Printed per
  model: the lowest threshold on the validation split that displaces at most DISPLACED_AT_MOST of right
  guesses, from which the shipped THRESHOLD was chosen (model_training/core/own_categories.py says how).

Prints the tables and writes benchmarks/results/own_categories.json (own_categories_known_only.json without
--unseen-model-dir).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from benchmarks.common import write_result
from model_training.core.config import MODEL_DIR
from model_training.core.model_input import page_prefix
from model_training.core.model_package import ModelPackage
from model_training.core.own_categories import STANDING, THRESHOLD, prototype, unit
from model_training.data import add_dataset_arguments, load_split, prepare
from model_training.sketch_rnn import CATEGORIES

WAYS = (5, 20)
SHOTS = (1, 3, 5)
QUERIES = 5  # drawings guessed per category and episode, so every category weighs the same
MIN_TEST_DRAWINGS = 10
OWN_CATEGORIES = 5  # the person's, in the threshold episodes
OWN_EXAMPLES = 3
THRESHOLDS = np.round(np.arange(0.5, 0.99, 0.025), 3)
DISPLACED_AT_MOST = 0.02
STANDINGS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: ahead of every guess, as before STANDING
CONFIDENT = 0.5
CONFIDENT_DISPLACED_AT_MOST = 0.005


def embed(package, builder, split):
    """(unit embeddings (n, units), probabilities (n, classes), labels) of a split's real drawings."""
    engine = package.engine()
    strokes, labels, _ = load_split(builder, split, real_only=True)
    states, probabilities = [], []
    for s in strokes:
        p, state = engine.read(page_prefix(s, 1.0, package.preprocessing))
        probabilities.append(p)
        states.append(unit(state))
    return np.stack(states), np.stack(probabilities), labels


def few_shot(embeddings, labels, categories, ways, shots, episodes, rng):
    """Mean nearest-prototype accuracy over episodes of `ways` categories drawn from `categories`."""
    right = []
    by_category = {c: np.flatnonzero(labels == c) for c in categories}
    for _ in range(episodes):
        chosen = rng.choice(categories, size=ways, replace=False)
        prototypes, queries, truth = [], [], []
        for k, c in enumerate(chosen):
            picked = rng.permutation(by_category[c])
            prototypes.append(prototype(embeddings[picked[:shots]]))
            queries.extend(picked[shots : shots + QUERIES])
            truth.extend([k] * len(picked[shots : shots + QUERIES]))
        nearest = (embeddings[queries] @ np.stack(prototypes).T).argmax(axis=1)
        right.extend(nearest == np.array(truth))
    return float(np.mean(right))


def taught(embeddings, labels, own_pool, rng):
    """One episode's person: OWN_CATEGORIES things from `own_pool`, OWN_EXAMPLES drawings each. Returns their
    prototypes (things, units), the indices of their other drawings, and which thing each of those is."""
    chosen = rng.choice(own_pool, size=OWN_CATEGORIES, replace=False)
    prototypes, queries, truth = [], [], []
    for k, c in enumerate(chosen):
        picked = rng.permutation(np.flatnonzero(labels == c))
        prototypes.append(prototype(embeddings[picked[:OWN_EXAMPLES]]))
        queries.extend(picked[OWN_EXAMPLES:])
        truth.extend([k] * len(picked[OWN_EXAMPLES:]))
    return np.stack(prototypes), queries, np.array(truth)


def threshold_sweep(embeddings, probabilities, labels, own_pool, episodes, rng):
    """Per threshold: {"proposed", "displaced"} averaged over episodes of a person with OWN_CATEGORIES own
    categories from `own_pool` (OWN_EXAMPLES drawings each); drawings of other categories that the model
    guesses right are the ones an own category could displace."""
    model_right = np.flatnonzero((probabilities.argmax(axis=1) == labels) & ~np.isin(labels, own_pool))
    proposed = np.zeros(len(THRESHOLDS))
    displaced = np.zeros(len(THRESHOLDS))
    for _ in range(episodes):
        prototypes, queries, truth = taught(embeddings, labels, own_pool, rng)
        own_scores = embeddings[queries] @ prototypes.T
        best, which = own_scores.max(axis=1), own_scores.argmax(axis=1)
        others = (embeddings[model_right] @ prototypes.T).max(axis=1)
        for t, threshold in enumerate(THRESHOLDS):
            proposed[t] += np.mean((best >= threshold) & (which == truth))
            displaced[t] += np.mean(others >= threshold)
    return [
        {"threshold": float(t), "proposed": p / episodes, "displaced": d / episodes}
        for t, p, d in zip(THRESHOLDS, proposed, displaced)
    ]


def standing_sweep(embeddings, probabilities, labels, own_pool, episodes, rng):
    """Per standing, at THRESHOLD: {"first", "displaced", "displaced_confident"} averaged over episodes as in
    threshold_sweep: a person's drawing with its own category first; a right guess of the model displaced; a
    right guess with at least CONFIDENT probability displaced."""
    top = probabilities.max(axis=1)
    right = np.flatnonzero((probabilities.argmax(axis=1) == labels) & ~np.isin(labels, own_pool))
    confident = top[right] >= CONFIDENT
    first, displaced, displaced_confident = (np.zeros(len(STANDINGS)) for _ in range(3))
    for _ in range(episodes):
        prototypes, queries, truth = taught(embeddings, labels, own_pool, rng)
        own_scores = embeddings[queries] @ prototypes.T
        proposed = (own_scores.max(axis=1) >= THRESHOLD) & (own_scores.argmax(axis=1) == truth)
        near = (embeddings[right] @ prototypes.T).max(axis=1) >= THRESHOLD
        for s, standing in enumerate(STANDINGS):
            first[s] += np.mean(proposed & (top[queries] < standing))
            ahead = near & (top[right] < standing)
            displaced[s] += np.mean(ahead)
            displaced_confident[s] += np.mean(ahead[confident])
    return [
        {"standing": s, "first": f / episodes, "displaced": d / episodes, "displaced_confident": c / episodes}
        for s, f, d, c in zip(STANDINGS, first, displaced, displaced_confident)
    ]


def chosen_standing(sweep):
    """The largest standing that displaces at most CONFIDENT_DISPLACED_AT_MOST of right, confident guesses."""
    return max(row["standing"] for row in sweep if row["displaced_confident"] <= CONFIDENT_DISPLACED_AT_MOST)


def chosen_threshold(sweep):
    """The lowest threshold that displaces at most DISPLACED_AT_MOST of the model's right guesses."""
    return next(row["threshold"] for row in sweep if row["displaced"] <= DISPLACED_AT_MOST)


def at(sweep, threshold):
    return next(row for row in sweep if abs(row["threshold"] - threshold) < 1e-9)


def measure(model_dir, args, own_pool, unseen, rng):
    """The figures of one model: N-way K-shot on categories it knows (and, when `unseen`, on those it never
    saw), and the threshold sweeps on validation and test."""
    package = ModelPackage.from_pretrained(model_dir)
    builder = prepare(args, package.preprocessing)
    print(f"{model_dir}: {package.version}, embedding {builder.info.full_name} ...", flush=True)
    result = {"model": package.identity, "dataset": builder.info.full_name}
    splits = {split: embed(package, builder, split) for split in ("validation", "test")}
    embeddings, _, labels = splits["test"]
    counts = np.bincount(labels, minlength=len(CATEGORIES))
    eligible = np.flatnonzero(counts >= MIN_TEST_DRAWINGS)
    pools = {"known": np.setdiff1d(eligible, own_pool) if unseen else eligible}
    if unseen:
        pools["never seen"] = own_pool
    result["few_shot"] = {
        name: {
            "categories": len(pool),
            "accuracy": {
                f"{ways}-way {shots}-shot": few_shot(embeddings, labels, pool, ways, shots, args.episodes, rng)
                for ways in WAYS
                for shots in SHOTS
                if ways <= len(pool)
            },
        }
        for name, pool in pools.items()
    }
    result["threshold_sweep"] = {
        split: threshold_sweep(*splits[split], own_pool, args.episodes, rng) for split in ("validation", "test")
    }
    result["standing_sweep"] = {
        split: standing_sweep(*splits[split], own_pool, args.episodes, rng) for split in ("validation", "test")
    }
    return result


def print_result(name, result):
    print(f"\n{name}: {result['model']['version']}")
    for pool, figures in result["few_shot"].items():
        cells = "  ".join(f"{k} {v:.1%}" for k, v in figures["accuracy"].items())
        print(f"  {pool} ({figures['categories']} categories): {cells}")
    print("  threshold   proposed (val / test)   displaced (val / test)")
    for val, test in zip(*result["threshold_sweep"].values()):
        print(
            f"  {val['threshold']:.3f}       {val['proposed']:6.1%} / {test['proposed']:6.1%}"
            f"        {val['displaced']:6.1%} / {test['displaced']:6.1%}"
        )
    print(
        f"  at threshold {THRESHOLD}: standing   first (val / test)   displaced   right & >= {CONFIDENT:.0%} displaced"
    )
    for val, test in zip(*result["standing_sweep"].values()):
        print(
            f"  {val['standing']:>22.2f}   {val['first']:6.1%} / {test['first']:6.1%}   {val['displaced']:5.1%} / "
            f"{test['displaced']:5.1%}   {val['displaced_confident']:5.2%} / {test['displaced_confident']:5.2%}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument(
        "--unseen-model-dir", type=Path, help="a model trained with --leave-out: its left-out categories are the own"
    )
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    if args.unseen_model_dir:
        left_out = ModelPackage.from_pretrained(args.unseen_model_dir).metadata["run"]["config"].get("leave_out", "")
        own_pool = np.array([CATEGORIES.index(n) for n in left_out.split(",") if n])
        if not len(own_pool):
            print(f"error: {args.unseen_model_dir} was trained on every category (no --leave-out)", file=sys.stderr)
            return 2
    else:
        own_pool = None
    report = {"shipped_threshold": THRESHOLD, "displaced_at_most": DISPLACED_AT_MOST, "shipped_standing": STANDING}
    models = {"shipped": (args.model_dir, False)}
    if own_pool is not None:
        models["unseen"] = (args.unseen_model_dir, True)
    else:  # without a left-out model, the own categories are the shipped model's best-covered ones
        own_pool = np.argsort(-np.bincount(load_split(prepare(args), "test", real_only=True)[1]))[:20]
    report["own_pool"] = [CATEGORIES[c] for c in own_pool]
    for name, (model_dir, unseen) in models.items():
        result = measure(model_dir, args, own_pool, unseen, rng)
        result["chosen_threshold"] = chosen_threshold(result["threshold_sweep"]["validation"])
        result["at_shipped_threshold"] = {
            split: at(sweep, THRESHOLD) for split, sweep in result["threshold_sweep"].items()
        }
        result["chosen_standing"] = chosen_standing(result["standing_sweep"]["validation"])
        report[name] = result
        print_result(name, result)
        print(
            f"  largest standing displacing <= {CONFIDENT_DISPLACED_AT_MOST:.1%} of right, confident guesses: "
            f"{result['chosen_standing']}"
        )
        print(f"  lowest threshold displacing <= {DISPLACED_AT_MOST:.0%} on validation: {result['chosen_threshold']}")
    # Without a left-out model the own categories are ones the model knows: a result of its own.
    write_result("own_categories" if "unseen" in report else "own_categories_known_only", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
