"""The game: /play names six categories, one per round, for a person to draw against the clock.

Prompts come from the categories the model knows well enough, by the per-category top-1 that the
evaluation measured on real test drawings (metrics.json), so the game is winnable; `?level=hard` asks for
categories it knows less well, and `?prompts=a,b,...` replays a given set (the summary's challenge link).
"""

import random

from flask import Blueprint, current_app, render_template, request

bp = Blueprint("play", __name__)


def prompt_pool(metrics, labels, level, config):
    """Categories whose measured top-1 lies in the level's range, on enough test drawings to trust it; when
    fewer than a game's rounds do, the best measured of the rest join them (nearest to the range first), so
    a game always has its rounds; every label when the model has no per-category figures. `config`: the
    app's settings (PLAY_LEVELS, PLAY_MIN_TEST_DRAWINGS, PLAY_ROUNDS)."""
    low, high = config["PLAY_LEVELS"][level]
    least, rounds = config["PLAY_MIN_TEST_DRAWINGS"], config["PLAY_ROUNDS"]
    per_category = (metrics or {}).get("per_category")
    if not per_category:
        return list(labels)

    def distance(label):  # how far a category's top-1 is from the level's range; unmeasured ones last
        figures = per_category.get(label)
        if not figures or figures["drawings"] < least:
            return 2.0
        return max(low - figures["top1"], figures["top1"] - high, 0.0)

    ranked = sorted(labels, key=distance)
    pool = [label for label in ranked if distance(label) == 0]
    return pool if len(pool) >= rounds else ranked[:rounds]


def chosen_prompts(labels, pool, rounds):
    """`?prompts=` when it names known categories, else a random draw from the pool; (prompts, problem)."""
    given = request.args.get("prompts")
    if given is not None:
        prompts = [p.strip() for p in given.split(",") if p.strip()]
        unknown = [p for p in prompts if p not in labels]
        if unknown or not 0 < len(prompts) <= rounds:
            return None, (
                f"A set of prompts names 1 to {rounds} of the model's categories"
                + (f"; not one: {', '.join(unknown[:3])}" if unknown else "")
                + "."
            )
        return prompts, None
    return random.sample(pool, min(rounds, len(pool))), None


@bp.get("/play")
def play():
    predictor = current_app.extensions["predictor"]
    levels = current_app.config["PLAY_LEVELS"]
    level = request.args.get("level", "easy")
    if level not in levels:
        level = "easy"
    if not predictor.ready:
        return render_template("play.html", error=predictor.error, level=level, levels=levels), 503
    labels = predictor.metadata["labels"]
    pool = prompt_pool(predictor.metrics, labels, level, current_app.config)
    prompts, problem = chosen_prompts(labels, pool, current_app.config["PLAY_ROUNDS"])
    if problem:
        return render_template("play.html", error=problem, level=level, levels=levels), 400
    return render_template(
        "play.html",
        prompts=prompts,
        level=level,
        levels=levels,
        pool_size=len(pool),
        measured=bool(predictor.metrics),
        round_seconds=current_app.config["PLAY_ROUND_SECONDS"],
        win_rule=current_app.config["WIN_RULE"],
    )
