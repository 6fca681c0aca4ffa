"""Temperature scaling (model_training.core.calibration): the fit finds the temperature that made the labels, the
calibration error says when confidence and accuracy part, and the package's temperature reaches the server's
engine. (The page's engine applies it too: tests/test_model.py's parity runs both on the shipped package.)"""

import copy

import numpy as np

from model_training.core.calibration import expected_calibration_error, fit_temperature, with_temperature
from model_training.core.config import MODEL_DIR
from model_training.core.model_package import ModelPackage


def drawn_from(logits, rng):
    """Labels sampled from softmax(logits): outputs calibrated by construction."""
    p = with_temperature(np.exp(logits), 1.0)
    return np.array([rng.choice(len(row), p=row) for row in p])


def test_the_fit_finds_the_temperature_that_made_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(4000, 10))
    labels = drawn_from(logits, rng)
    overconfident = with_temperature(np.exp(logits), 1 / 1.8)  # as if the logits were 1.8 times too large
    assert abs(fit_temperature(overconfident, labels) - 1.8) < 0.15
    assert abs(fit_temperature(with_temperature(np.exp(logits), 1.0), labels) - 1.0) < 0.1


def test_the_calibration_error_sees_overconfidence_and_the_temperature_mends_it():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 3, size=(4000, 10))
    labels = drawn_from(logits, rng)
    calibrated = with_temperature(np.exp(logits), 1.0)
    overconfident = with_temperature(calibrated, 0.5)
    assert expected_calibration_error(calibrated, labels) < 0.03
    assert expected_calibration_error(overconfident, labels) > 0.1
    mended = with_temperature(overconfident, fit_temperature(overconfident, labels))
    assert expected_calibration_error(mended, labels) < 0.03
    assert (mended.argmax(axis=1) == overconfident.argmax(axis=1)).all()  # no guess changes


def test_the_server_engine_divides_the_logits_by_the_packages_temperature():
    package = ModelPackage.from_pretrained(MODEL_DIR)
    assert package.temperature != 1.0  # the shipped model is calibrated
    rows = package.model_input(package.drawing_to_stroke3([[[0, 40, 80, 40, 0], [0, 60, 0, 30, 0]]]))
    calibrated = package.engine().probabilities(rows)
    plain = copy.copy(package)
    plain.metadata = {**package.metadata, "calibration": {"temperature": 1.0}}
    raw = plain.engine().probabilities(rows)
    np.testing.assert_allclose(calibrated, with_temperature(raw[None], package.temperature)[0], rtol=1e-4, atol=1e-7)
