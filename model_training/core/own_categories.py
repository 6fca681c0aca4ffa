"""A person's own categories beside the model's 345, learned from a few drawings with no training.

The model's last LSTM layer summarises the drawing so far in its state; the output layer reads nothing
else, so drawings the model tells apart lie apart in that state. A drawing's embedding is that state at its
last point, scaled to length 1. An own category is the mean of its examples' embeddings, scaled to length 1
(its prototype). A drawing's similarity to it is the cosine: 1 for the same direction, 0 for unrelated.

Merging with the model's guesses, one order for both: an own category is proposed only when the drawing's
similarity to it reaches THRESHOLD, and a proposed one stands in the list as a guess of probability
STANDING would: ahead of the model's guesses below it (the person taught it on purpose), behind those the
model is surer of (its probabilities are calibrated, so a 80% guess is right four times in five); several
proposed ones, most similar first. Below the threshold it is not shown, so an own category never displaces
a right guess of the model unless the drawing really is close to it. benchmarks/own_categories.py measures
both sides of each choice (how often a taught category is proposed first for its own drawings, how often it
displaces a right built-in guess, and a right, confident one) and chose THRESHOLD and STANDING.
static/js/own_categories.js is the same algorithm; a parity test keeps them equal.
"""

import numpy as np

# Cosine similarity from which an own category is proposed. benchmarks/own_categories.py, on the validation
# split: the lowest threshold that displaces at most 2% of the model's right guesses is 0.575 for the shipped
# model and 0.625 for a model that never saw the taught categories (a person's things are new to it); 0.6
# lies between. On the test split it displaces 1.2% (1.9%) and proposes a taught thing first for 45% (23%)
# of its drawings, from three examples.
THRESHOLD = 0.6
# Where a proposed own category stands among the model's calibrated guesses (see the module's docstring):
# as a 70% guess. benchmarks/own_categories.py, on the validation split: the largest standing that displaces
# at most 0.5% of the model's right, confident (>= 50%) guesses; ahead of every guess it displaced 1.06%.
STANDING = 0.7


def unit(vector):
    """`vector` scaled to length 1 (a zero vector stays zero), float32."""
    vector = np.asarray(vector, dtype=np.float64)
    norm = float(np.sqrt(vector @ vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


def prototype(embeddings):
    """An own category from its examples' embeddings: the mean of their unit vectors, as a unit vector."""
    return unit(np.mean([unit(e) for e in embeddings], axis=0, dtype=np.float64))


def similarities(embedding, prototypes):
    """The cosine similarity of a drawing's embedding to each prototype, in order."""
    if not len(prototypes):
        return np.zeros(0, dtype=np.float32)
    products = np.asarray(prototypes, dtype=np.float32).astype(np.float64) @ unit(embedding).astype(np.float64)
    return products.astype(np.float32)


def merge(guesses, embedding, own, top_k, threshold=THRESHOLD, standing=STANDING):
    """The guesses to show, `top_k` in all: the model's `guesses` ([{"label", "probability"}], best first)
    with at least `standing` probability; the own categories (`own`: {name: prototype}) whose similarity
    reaches `threshold`, most similar first, as {"label", "similarity", "own": True}; the model's others."""
    names = list(own)
    scores = similarities(embedding, [own[n] for n in names])
    # Most similar first; equal similarities keep the order the person made them in.
    order = sorted(range(len(names)), key=lambda k: -scores[k])
    proposed = [
        {"label": names[k], "similarity": round(float(scores[k]), 6), "own": True}
        for k in order
        if scores[k] >= threshold
    ]
    surer = [g for g in guesses if g["probability"] >= standing]  # a prefix: the guesses are best first
    return (surer + proposed + list(guesses[len(surer) :]))[:top_k]
