"""Small, runnable models the learn pages show (tests/test_examples.py runs each one)."""

import numpy as np
import tf_keras as keras


def week_windows(series, lookback, horizon=7):
    """Inputs (n, lookback, 1) and the next `horizon` values after each window, (n, horizon)."""
    n = len(series) - lookback - horizon + 1
    x = np.stack([series[i : i + lookback] for i in range(n)])[..., None]
    y = np.stack([series[i + lookback : i + lookback + horizon] for i in range(n)])
    return x.astype(np.float32), y.astype(np.float32)


def seq2vec_forecaster(horizon=7):
    """Reads the window, emits all seven days at once from its last state."""
    return keras.Sequential(
        [
            keras.layers.Input(shape=(None, 1)),
            keras.layers.LSTM(32),
            keras.layers.Dense(horizon),
        ]
    )


def seq2seq_forecaster(horizon=7):
    """At every time step, forecasts the next seven days: seven times more error signal per window."""
    return keras.Sequential(
        [
            keras.layers.Input(shape=(None, 1)),
            keras.layers.LSTM(32, return_sequences=True),
            keras.layers.Dense(horizon),  # applied at every step
        ]
    )


def seq2seq_targets(series, lookback, horizon=7):
    """For seq2seq training: at step t of each window, the `horizon` values after step t."""
    n = len(series) - lookback - horizon + 1
    y = np.stack([[series[i + t + 1 : i + t + 1 + horizon] for t in range(lookback)] for i in range(n)])
    return y.astype(np.float32)


def video_classifier(frames=16, size=64, classes=10):
    """A CNN reads each frame (TimeDistributed), an LSTM reads the sequence of frame vectors."""
    frame_encoder = keras.Sequential(
        [
            keras.layers.Input(shape=(size, size, 3)),
            keras.layers.Conv2D(16, 3, strides=2, activation="relu"),
            keras.layers.Conv2D(32, 3, strides=2, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
        ]
    )
    return keras.Sequential(
        [
            keras.layers.Input(shape=(frames, size, size, 3)),
            keras.layers.TimeDistributed(frame_encoder),
            keras.layers.LSTM(64),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )
