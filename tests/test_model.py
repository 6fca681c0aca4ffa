"""The model's padding and causality, and the engines' parity on the shipped model."""

import numpy as np
import pytest

from model_training.core.config import MODEL_DIR
from model_training.core.model_package import ModelPackage
from model_training.model import MODEL_CONFIG, build_model, pad_batch, predict_steps
from model_training.parity import parity, real_test_sequences


@pytest.fixture(scope="module")
def model():
    return build_model(345, MODEL_CONFIG)  # random weights: the properties hold for any weights


def sequences(lengths, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for n in lengths:
        s = rng.normal(0, 1, size=(n, 3)).astype(np.float32)
        s[:, 2] = rng.random(n) < 0.2
        out.append(s)
    return out


def test_padded_batch_equals_each_drawing_alone(model):
    drawings = sequences([3, 17, 40, 41, 90])
    batch, lengths = pad_batch(drawings)
    padded = model(batch, training=False).numpy()
    for i, drawing in enumerate(drawings):
        alone = model(drawing[None], training=False).numpy()[0]
        np.testing.assert_allclose(padded[i, : lengths[i]], alone, atol=1e-5)
        assert padded[i, lengths[i] - 1].argmax() == alone[-1].argmax()


def test_outputs_are_causal(model):
    drawing = sequences([50], seed=1)[0]
    whole = predict_steps(model, [drawing])[0]
    prefix = predict_steps(model, [drawing[:20]])[0]
    np.testing.assert_allclose(whole[:20], prefix, atol=1e-5)
    changed = drawing.copy()
    changed[30:] += 1.0
    np.testing.assert_allclose(predict_steps(model, [changed])[0][:30], whole[:30], atol=1e-5)


@pytest.mark.slow  # over ten seconds
def test_shipped_model_runs_the_same_in_tfjs_and_in_the_servers_numpy_engine(quickdraw_dir):
    # 100 real test drawings, or all of the fixture's (`python -m model_training.parity` checks 300).
    report = parity(MODEL_DIR, real_test_sequences(quickdraw_dir, 100, ModelPackage.from_pretrained(MODEL_DIR)))
    assert report["drawings"] >= 25
    for backend in ("wasm", "cpu"):
        for engine in ("tfjs_layers_model", "tfjs_incremental"):
            assert report[backend][engine]["top1_agreement"] >= 0.99, (backend, engine)
            assert report[backend][engine]["max_abs_probability_difference"] < 1e-4, (backend, engine)
    assert report["server"]["numpy"]["top1_agreement"] == 1.0
    assert report["server"]["numpy"]["max_abs_probability_difference"] < 1e-5
    # A person's own categories are matched on embeddings made by either engine (own_categories).
    assert max(report["embedding"].values()) < 1e-4
