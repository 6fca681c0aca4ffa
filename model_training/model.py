"""The sketch classifier: causal Conv1D layers, then unidirectional LSTMs, a softmax after every point.

Built with tf_keras (the Keras 2 API) because TF.js 4.22 cannot load the layer configs Keras 3 writes.

Everything is causal, so the output at point t depends on points 0..t only. That gives:
- a guess after every point from one pass (sequence-to-sequence), used to train on prefixes and to
  show how the guess evolves;
- the whole-drawing guess (sequence-to-vector) as the output at the last point;
- exact padding: sequences are padded at the END, and the outputs at real points never see the padding.
  (Keras masking does not pass through Conv1D, so padding is handled by where we read, not by masks.)
- incremental inference in the browser: one new point costs one step of each layer.
"""

import numpy as np
import tensorflow as tf
import tf_keras as keras

MODEL_CONFIG = {
    "conv_filters": [64, 96, 128],
    "conv_kernel": 5,
    "lstm_units": [160, 160],
    "dropout": 0.2,
}
QUICK_MODEL_CONFIG = {"conv_filters": [8], "conv_kernel": 3, "lstm_units": [16], "dropout": 0.0}


def causal_conv1d(x, filters, kernel, name):
    """Conv1D(padding="causal"), spelled with layers TF.js 4.22 supports.

    TF.js implements neither causal padding nor ZeroPadding1D, so the k - 1 zeros go in front through
    ZeroPadding2D on a (time, 1, channels) view, then a "valid" convolution. Same weights, same outputs.
    """
    channels = x.shape[-1]
    x = keras.layers.Reshape((-1, 1, channels), name=f"{name}_as_2d")(x)
    x = keras.layers.ZeroPadding2D(((kernel - 1, 0), (0, 0)), name=f"{name}_causal_pad")(x)
    x = keras.layers.Reshape((-1, channels), name=f"{name}_as_1d")(x)
    return keras.layers.Conv1D(filters, kernel, padding="valid", activation="relu", name=name)(x)


def build_model(num_classes, config=MODEL_CONFIG):
    inputs = keras.Input(shape=(None, 3), name="strokes")
    x = inputs
    for i, filters in enumerate(config["conv_filters"]):
        x = causal_conv1d(x, filters, config["conv_kernel"], name=f"conv{i + 1}")
    for i, units in enumerate(config["lstm_units"]):
        x = keras.layers.LSTM(units, return_sequences=True, name=f"lstm{i + 1}")(x)
        if config["dropout"]:
            x = keras.layers.Dropout(config["dropout"], name=f"dropout{i + 1}")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="inkling_sketch_lstm")


def pad_batch(sequences):
    """Float sequences of different lengths -> (batch, max_len, 3) padded at the end, and the lengths."""
    lengths = np.array([len(s) for s in sequences], dtype=np.int32)
    batch = np.zeros((len(sequences), lengths.max(), 3), dtype=np.float32)
    for i, s in enumerate(sequences):
        batch[i, : len(s)] = s
    return batch, lengths


def predict_steps(model, sequences, batch_size=256):
    """Per-point probabilities for each sequence: a list of (len_i, num_classes) arrays.

    Sequences are grouped by length so each batch pads little; results come back in input order.
    """
    order = np.argsort([len(s) for s in sequences], kind="stable")
    results = [None] * len(sequences)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        batch, lengths = pad_batch([sequences[i] for i in chunk])
        probabilities = model(tf.constant(batch), training=False).numpy()
        for row, index in enumerate(chunk):
            results[index] = probabilities[row, : lengths[row]]
    return results


def predict_last(model, sequences, batch_size=256):
    """Whole-drawing probabilities: the output at each sequence's last point, (n, num_classes)."""
    return np.stack([steps[-1] for steps in predict_steps(model, sequences, batch_size)])


def guessed_right(model, sequences, labels):
    """(n,) bool: whether each sequence's whole-drawing guess is its label."""
    return predict_last(model, sequences).argmax(axis=1) == labels


def top1(model, sequences, labels):
    """The share of sequences whose whole-drawing guess is their label."""
    return float(guessed_right(model, sequences, labels).mean())
