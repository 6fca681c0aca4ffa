"""How a model's guesses are scored on real drawings, by category group and by the part of a drawing drawn:
the one definition that evaluation, the teacher's scoring and the benchmarks share."""

import numpy as np

from model_training.core.drawing_checks import validate_drawing
from model_training.core.model_input import drawing_frame, drawing_to_stroke3, normalize, page_prefix
from model_training.data import category_groups, data_size_groups, split_counts
from model_training.sketch_rnn import CATEGORIES

FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)


def scoring_groups(builder):
    """All 345 categories, then data.category_groups by the dataset's training split; and the categories
    binned by their real training drawings (data.data_size_groups)."""
    train_counts = split_counts(builder)[0]["train"]
    groups = {"all 345 categories": np.ones(len(CATEGORIES), bool), **category_groups(train_counts)}
    return groups, data_size_groups(train_counts)


def page_inputs(sequences, preprocessing, fractions=FRACTIONS):
    """{fraction: model inputs} for each of `fractions` of each stored drawing's points, as the drawing page
    sees it (strokes.page_prefix)."""
    return {f: [page_prefix(s, f, preprocessing) for s in sequences] for f in fractions}


def topk_hits(probabilities, labels, k):
    top = np.argsort(-probabilities, axis=1)[:, :k]
    return (top == labels[:, None]).any(axis=1)


def per_category_top1(right, labels):
    """Each category's own top-1 from per-drawing hits (0 where it has no drawings), and its drawings."""
    counts = np.bincount(labels, minlength=len(CATEGORIES))
    return np.bincount(labels, weights=right, minlength=len(CATEGORIES)) / np.maximum(counts, 1), counts


def category_mean(right, labels):
    """Top-1 of each category that has drawings, averaged: every category counts once, as a person meets them."""
    per_category, counts = per_category_top1(right, labels)
    return float(per_category[counts > 0].mean())


def choose_by_category(right_by_candidate, labels):
    """The shipping rule, for taus, recipes or models alike: the candidate with the best per-category mean on
    whole drawings, or, among the candidates whose mean is within one standard error of the best one's (paired
    over the categories), the one right on the most drawings: differences that small are noise, and the
    per-drawing figure stands beside the per-category one. `right_by_candidate`: {name: per-drawing hits}.
    Returns the best's name, the chosen one's, and each candidate's gap behind the best with its error."""
    has_drawings = np.bincount(labels, minlength=len(CATEGORIES)) > 0
    each = {name: per_category_top1(right, labels)[0][has_drawings] for name, right in right_by_candidate.items()}
    best = max(each, key=lambda name: each[name].mean())
    behind = {}
    for name, per_category in each.items():
        gap = each[best] - per_category
        behind[name] = {"per_category": float(gap.mean()), "standard_error": float(gap.std(ddof=1) / np.sqrt(gap.size))}
    close = [name for name, b in behind.items() if b["per_category"] <= b["standard_error"]]
    return best, max(close, key=lambda name: right_by_candidate[name].mean()), behind


def group_rows(by_fraction, labels, groups):
    """Accuracy rows per category group from {fraction: (n, categories) probabilities}; 1.0 must be there.

    top1 counts drawings, so categories with many test drawings weigh most; top1_category_mean counts each
    category once (its own top-1, averaged), which is what someone drawing a category at random meets."""
    rows = []
    per_category, counts = per_category_top1(by_fraction[1.0].argmax(axis=1) == labels, labels)
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


def pulled_towards(predicted, labels, source, target):
    """Where the wrong guesses on the drawings of the `source` categories go (boolean masks over CATEGORIES):
    the share naming a `target` category, and that share over the target's share of the other categories (1:
    no pull; 1.8: the target categories take 1.8 times the wrong guesses their number would)."""
    wrong = source[labels] & (predicted != labels)
    share = float(target[predicted[wrong]].mean()) if wrong.any() else 0.0
    return {"wrong_guesses": int(wrong.sum()), "share_to_target": share, "pull": share / target.mean()}


def print_rows(title, rows):
    """The rows as a table; 'per cat.' is top1_category_mean, the fractions are of points drawn (top-1)."""
    print(f"{title:<36}{'n':>6}{'top-1':>8}{'per cat.':>9}{'top-3':>8}{'top-5':>8}{'25%':>7}{'50%':>7}{'75%':>7}")
    for row in rows:
        f = row["top1_by_fraction"]
        print(
            f"{row['name']:<36}{row['drawings']:>6}{row['top1']:>8.3f}{row['top1_category_mean']:>9.3f}"
            f"{row['top3']:>8.3f}{row['top5']:>8.3f}{f['0.25']:>7.3f}{f['0.5']:>7.3f}{f['0.75']:>7.3f}"
        )


# --- drawings as they arrive --------------------------------------------------------------------------
TIME_STEP_MS = 250  # how often a replayed drawing is looked at: about every 15th animation frame


def drawn_by(drawing, ms):
    """The part of a raw drawing ([[xs, ys, ts], ...], ts in ms from its first point) drawn by `ms`: what the
    page holds at that moment. None before the first point."""
    part = []
    for xs, ys, ts in drawing:
        count = sum(t <= ms for t in ts)
        if count:
            part.append([xs[:count], ys[:count], ts[:count]])
        if count < len(ts):
            break
    return part or None


def arrival_inputs(drawing, preprocessing, step_ms=TIME_STEP_MS):
    """(times in ms, model inputs): the drawing as the page sees it every `step_ms` while it is drawn, and
    at its last point, each in the frame of the whole drawing (its box stands for the canvas it was drawn on)."""
    end = max(stroke[2][-1] for stroke in drawing)
    frame = drawing_frame(validate_drawing(drawing), preprocessing, raw=True)
    times = [*range(0, int(end), step_ms), end]
    parts = [(t, drawn_by(drawing, t)) for t in times]
    return [t for t, part in parts if part], [
        normalize(drawing_to_stroke3(part, preprocessing, frame), preprocessing) for _, part in parts if part
    ]


def early_recognition(predict, drawings, labels, preprocessing, step_ms=TIME_STEP_MS):
    """How soon real drawings are recognised as the page receives them, replayed with their own timestamps.

    `predict(inputs)` gives (n, categories) probabilities. Returns top-1 by fraction of drawing time, the
    share of drawings whose top guess is right before the drawing ends, and the median time to the first
    right guess (ms, and as a fraction of the drawing's time) among those recognised at all."""
    times, inputs, owners = [], [], []
    for i, drawing in enumerate(drawings):
        t, x = arrival_inputs(drawing, preprocessing, step_ms)
        times += t
        inputs += x
        owners += [i] * len(x)
    right = predict(inputs).argmax(axis=1) == np.asarray(labels)[owners]
    times, owners = np.asarray(times, float), np.asarray(owners)
    by_fraction = {f: [] for f in FRACTIONS}
    first_right, before_end = [], 0
    for i in range(len(drawings)):
        mine = owners == i
        t, r = times[mine], right[mine]
        for f in FRACTIONS:  # the last look at or before that fraction of the drawing's time
            by_fraction[f].append(r[np.searchsorted(t, f * t[-1], side="right") - 1])
        if r.any():
            first = t[np.argmax(r)]
            first_right.append((first, first / t[-1] if t[-1] else 1.0))
            before_end += first < t[-1]
    return {
        "drawings": len(drawings),
        "step_ms": step_ms,
        "top1_by_time_fraction": {str(f): float(np.mean(v)) for f, v in by_fraction.items()},
        "right_before_the_end": before_end / len(drawings),
        "recognised_at_some_point": len(first_right) / len(drawings),
        "median_ms_to_first_right_guess": float(np.median([ms for ms, _ in first_right])) if first_right else None,
        "median_fraction_to_first_right_guess": float(np.median([f for _, f in first_right])) if first_right else None,
    }
