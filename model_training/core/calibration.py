"""Confidence that means what it says: one temperature for the model's outputs, fitted on real drawings.

A network trained with cross-entropy (and here with a teacher's soft targets and heavy augmentation) is not
calibrated: among the guesses it gives at 60%, the share that are right need not be 60%. Temperature scaling
(Guo et al., "On calibration of modern neural networks", 2017) divides the output layer's logits by one
number T, fitted by the negative log-likelihood of real validation drawings, whole and as the page sees them
while they are drawn. It changes no ranking, so top-1 stays what it was. The package carries T
(metadata.json's "calibration") and both engines apply it: the server's sketch_model.py and the page's
sketch_model.js.

Without TensorFlow: the server and the page's tests read this module.
"""

import numpy as np

TEMPERATURE_RANGE = (0.125, 8.0)  # where the fit looks: far wider than any model's
ECE_BINS = 15  # equal-width bins of confidence, the usual choice for the expected calibration error


def with_temperature(probabilities, temperature):
    """Softmax outputs as they would be with the logits divided by `temperature` (softmax(log p / T))."""
    logits = np.log(np.clip(np.asarray(probabilities, np.float64), 1e-30, None)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=-1, keepdims=True)


def negative_log_likelihood(probabilities, labels):
    """Mean -log p(true category)."""
    chosen = np.asarray(probabilities)[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(chosen, 1e-30, None)).mean())


def fit_temperature(probabilities, labels, tolerance=1e-4):
    """The temperature in TEMPERATURE_RANGE that minimises the negative log-likelihood of `labels`. The
    likelihood is convex in 1 / T (a log-sum-exp of functions linear in it, less one), so a golden-section
    search on 1 / T finds the minimum."""
    logits = np.log(np.clip(np.asarray(probabilities, np.float64), 1e-30, None))
    true = logits[np.arange(len(labels)), labels]

    def loss(inverse):
        scaled = logits * inverse
        top = scaled.max(axis=1)
        return float(np.mean(top + np.log(np.exp(scaled - top[:, None]).sum(axis=1)) - true * inverse))

    low, high = 1 / TEMPERATURE_RANGE[1], 1 / TEMPERATURE_RANGE[0]
    ratio = (np.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    loss_a, loss_b = loss(a), loss(b)
    while high - low > tolerance:
        if loss_a < loss_b:
            high, b, loss_b = b, a, loss_a
            a = high - ratio * (high - low)
            loss_a = loss(a)
        else:
            low, a, loss_a = a, b, loss_b
            b = low + ratio * (high - low)
            loss_b = loss(b)
    return float(2 / (low + high))


def expected_calibration_error(probabilities, labels, bins=ECE_BINS):
    """How far the top guess's confidence is from its accuracy, averaged over drawings: sum over equal-width
    confidence bins of (share of drawings in the bin) x |accuracy - mean confidence| there."""
    probabilities = np.asarray(probabilities)
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == np.asarray(labels)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(right[inside].mean() - confidence[inside].mean())
    return float(error)


def reliability(probabilities, labels, temperature):
    """Expected calibration error and negative log-likelihood before and after `temperature`."""
    after = with_temperature(probabilities, temperature)
    return {
        "ece_before": expected_calibration_error(probabilities, labels),
        "ece_after": expected_calibration_error(after, labels),
        "nll_before": negative_log_likelihood(probabilities, labels),
        "nll_after": negative_log_likelihood(after, labels),
    }
