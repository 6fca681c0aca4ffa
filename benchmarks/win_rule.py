"""When the game should call a round won: rules measured on real drawings replayed as the page receives them.

    python -m benchmarks.win_rule [--source DIR] [--split validation|test] [--step-ms 100]

Every real raw drawing of the split whose category the game can prompt (the easy and hard levels' pools,
webapp/play.py) is replayed with its own timestamps, looked at every --step-ms and at its last point, in
the frame of its own box, through the shipped model with its calibration; the round's clock cuts it at
PLAY_ROUND_SECONDS. A rule (webapp/win_rule.py) wins a round at the first moment its condition has held
for its hold time: the prompt leads, with at least a calibrated probability and a margin over the second
guess. Holds are tried up to a second: a player who sees the right guess and waits longer for the verdict
feels unheard.
A condition that still holds when the drawing is finished goes on holding while the player looks, so a
hold can complete after the last point (within the round's time).

For each rule: (a) the share of drawings won, (b) the median time to the win, (c) false wins: rounds won
at a moment when the prompt is not the model's top-1 for the whole drawing. Today's rule (the prompt
leads, nothing more) is the first row. The rule chosen keeps at least 80% of today's wins with the fewest
false wins; it is chosen on the validation split and set as WIN_RULE (webapp/config.py), which the test
split's run scores beside today's. Prints the table and writes benchmarks/results/win_rule_<split>.json.
"""

import argparse
import itertools
import sys

import numpy as np

from benchmarks.common import write_result
from model_training.core.calibration import with_temperature
from model_training.core.config import MODEL_DIR, default_quickdraw_dir
from model_training.core.model_package import ModelPackage
from model_training.data import raw_split
from model_training.model import predict_last
from model_training.scoring import arrival_inputs
from model_training.sketch_rnn import CATEGORIES
from model_training.tfjs_model import load_tfjs_model
from webapp.config import DEFAULTS
from webapp.play import prompt_pool
from webapp.win_rule import holds

TODAY = {"min_probability": 0.0, "min_margin": 0.0, "hold_ms": 0}
GRID = {
    "min_probability": [0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6],
    "min_margin": [0.0, 0.05, 0.1, 0.2, 0.3],
    "hold_ms": [0, 200, 400, 700, 1000],
}


def won_at(times, leads, probability, margin, rule, end_ms):
    """The moment (ms) `rule` wins a replayed drawing, or None. `leads`, `probability`, `margin` are the
    prompt's state at each look at `times`; the last look's state holds on until `end_ms`."""
    since = None
    for t, ok in zip(times, holds(leads, probability, margin, rule)):
        if not ok:
            since = None
            continue
        since = t if since is None else since
        if t - since >= rule["hold_ms"]:
            return since + rule["hold_ms"]
    if since is not None and since + rule["hold_ms"] <= end_ms:
        return since + rule["hold_ms"]
    return None


def replayed_states(package, drawings, labels, step_ms, round_ms):
    """Per drawing: (look times, prompt leads?, prompt's probability, its margin over the best other, whole
    drawing's top-1 is the prompt?), calibrated as the page shows them."""
    model = load_tfjs_model(package.folder)
    looks, owners, times = [], [], []
    for i, drawing in enumerate(drawings):
        t, x = arrival_inputs(drawing, package.preprocessing, step_ms)
        kept = [k for k, ms in enumerate(t) if ms <= round_ms]
        looks += [x[k] for k in kept]
        times += [t[k] for k in kept]
        owners += [i] * len(kept)
    probabilities = with_temperature(predict_last(model, looks), package.temperature)
    finished = [arrival_inputs(drawing, package.preprocessing, step_ms)[1][-1] for drawing in drawings]
    whole = predict_last(model, finished)  # ranking only: the temperature changes no top-1
    owners, times = np.asarray(owners), np.asarray(times, float)
    states = []
    for i, label in enumerate(labels):
        mine = owners == i
        p = probabilities[mine]
        prompt = p[:, label]
        others = np.delete(p, label, axis=1).max(axis=1)
        states.append((times[mine], p.argmax(axis=1) == label, prompt, prompt - others, whole[i].argmax() == label))
    return states


def score(rule, states, round_ms):
    wins, false_wins = [], 0
    for times, leads, probability, margin, right_at_end in states:
        moment = won_at(times, leads, probability, margin, rule, round_ms)
        if moment is not None:
            wins.append(moment)
            false_wins += not right_at_end
    n = len(states)
    return {
        **rule,
        "won": len(wins) / n,
        "median_ms_to_win": float(np.median(wins)) if wins else None,
        "false_wins": false_wins / n,
        "false_share_of_wins": false_wins / len(wins) if wins else 0.0,
    }


def chosen(rows, today):
    """The rule with the fewest false wins among those keeping 80% of today's wins; ties to more wins, then
    to the faster."""
    keeping = [r for r in rows if r["won"] >= 0.8 * today["won"]]
    return min(keeping, key=lambda r: (r["false_wins"], -r["won"], r["median_ms_to_win"] or 0))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=default_quickdraw_dir(), help="Quick, Draw! folder with raw/")
    parser.add_argument("--model-dir", default=MODEL_DIR)
    parser.add_argument("--split", default="validation", choices=("validation", "test"))
    parser.add_argument("--step-ms", type=int, default=100, help="how often a replayed drawing is looked at")
    args = parser.parse_args(argv)
    if not args.source:
        parser.error("no Quick, Draw! folder: pass --source or set INKLING_QUICKDRAW_DIR")

    package = ModelPackage.from_pretrained(args.model_dir)
    prompts = set()
    for level in DEFAULTS["PLAY_LEVELS"]:
        prompts |= set(prompt_pool(package.metrics, package.labels, level, DEFAULTS))
    drawings, labels = raw_split(args.source, args.split)
    kept = [i for i, label in enumerate(labels) if CATEGORIES[label] in prompts]
    drawings, labels = [drawings[i] for i in kept], labels[kept]
    round_ms = DEFAULTS["PLAY_ROUND_SECONDS"] * 1000
    print(f"{len(drawings)} real raw {args.split} drawings of {len(set(labels.tolist()))} game prompts", flush=True)
    states = replayed_states(package, drawings, labels, args.step_ms, round_ms)

    rules = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    rows = [score(rule, states, round_ms) for rule in rules]
    today = score(TODAY, states, round_ms)
    best = chosen(rows, today)
    shipped = score(DEFAULTS["WIN_RULE"], states, round_ms)
    print("min p  margin  hold ms   won     median s   false wins  (of wins)")
    frontier = [r for r in rows if not any(o["won"] >= r["won"] and o["false_wins"] < r["false_wins"] for o in rows)]
    for row in [today, *sorted(frontier, key=lambda r: -r["won"]), best, shipped]:
        ms = row["median_ms_to_win"]
        print(
            f"{row['min_probability']:5.2f}  {row['min_margin']:6.2f}  {row['hold_ms']:7d}   {row['won']:5.1%}  "
            f"{(ms or 0) / 1000:8.2f}   {row['false_wins']:9.1%}  ({row['false_share_of_wins']:.1%})"
        )
    print(f"today: {today}\nchosen here (false wins lowest, keeping 80% of today's wins): {best}")
    print(f"the game's (WIN_RULE): {shipped}")
    write_result(
        f"win_rule_{args.split}",
        {
            "model_version": package.version,
            "split": args.split,
            "drawings": len(drawings),
            "prompts": len(set(labels.tolist())),
            "step_ms": args.step_ms,
            "round_ms": round_ms,
            "today": today,
            "chosen_here": best,
            "win_rule": shipped,
            "frontier": frontier,
            "rules": rows,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
