"""The code the learn pages show runs and does what the pages say."""

import numpy as np
import pytest
import tf_keras as keras

from model_training import examples


@pytest.fixture(autouse=True)
def seeded():
    """Weights start the same on every run, so whether training helps is not left to chance."""
    keras.utils.set_random_seed(0)


@pytest.mark.slow  # over ten seconds
def test_both_week_forecasters_train_and_emit_seven_days():
    t = np.arange(400, dtype=np.float32)
    series = np.sin(2 * np.pi * t / 7) + 0.05 * np.random.default_rng(0).normal(size=len(t))
    x, y = examples.week_windows(series, lookback=28)
    seq2vec = examples.seq2vec_forecaster()
    seq2vec.compile(loss="mse", optimizer="adam")
    before = seq2vec.evaluate(x, y, verbose=0)
    seq2vec.fit(x, y, epochs=5, verbose=0)
    assert seq2vec.predict(x[:1], verbose=0).shape == (1, 7)
    assert seq2vec.evaluate(x, y, verbose=0) < before

    seq2seq = examples.seq2seq_forecaster()
    y_seq = examples.seq2seq_targets(series, lookback=28)
    assert y_seq.shape == (len(x), 28, 7)
    np.testing.assert_allclose(y_seq[:, -1], y)  # the last step's target is the next week
    seq2seq.compile(loss="mse", optimizer="adam")
    seq2seq.fit(x, y_seq, epochs=2, verbose=0)
    assert seq2seq.predict(x[:1], verbose=0)[:, -1].shape == (1, 7)


def test_video_classifier_reads_a_sequence_of_frames():
    model = examples.video_classifier(frames=8, size=32, classes=5)
    out = model.predict(np.zeros((2, 8, 32, 32, 3), np.float32), verbose=0)
    assert out.shape == (2, 5)
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)
