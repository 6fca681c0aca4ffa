"""When a round of the game is won: the prompt leads the model's calibrated guesses, with at least
`min_probability` and at least `min_margin` over the second guess, and has held so for `hold_ms`.

The rule's numbers are one setting, WIN_RULE (webapp/config.py), chosen on real validation drawings
replayed as the page receives them (`python -m benchmarks.win_rule`, docs/experiments.md): calling a round
won the moment the prompt leads wins many rounds on a half-drawn shape at 10%, and those go back into
training marked recognised. The page applies it while a round is drawn (static/js/win_rule.js, kept
identical by tests/test_play.py); the contributions export applies it to the finished drawing, where a
condition that holds goes on holding, so the hold is met.
"""


def holds(leads, probability, margin, rule):
    """The rule's condition, elementwise over arrays too: the prompt `leads`, with its `probability` and its
    `margin` over the best other category."""
    return leads & (probability >= rule["min_probability"]) & (margin >= rule["min_margin"])


def guesses_hold(guesses, prompt, rule):
    """The condition for a list of guesses ({label, probability}, most likely first)."""
    if not guesses or guesses[0]["label"] != prompt:
        return False
    second = guesses[1]["probability"] if len(guesses) > 1 else 0.0
    return bool(holds(True, guesses[0]["probability"], guesses[0]["probability"] - second, rule))
