"""Inkling's model run with numpy: the server's engine, no TensorFlow.

The same algorithm as the browser's static/js/sketch_model.js, for a whole drawing at once: each causal
convolution and each LSTM's input projection (x·W + b) is one matrix product over all points; per time
step only the recurrent product h·U and the gates remain. Built from the exported model.json and its
decoded weights, checked layer by layer, so an export this code cannot run fails at start-up, not on a
request. `python -m model_training.parity` checks it against tf_keras on real drawings.
"""

import numpy as np


class UnsupportedModel(ValueError):
    """model.json holds a layer or setting this engine does not implement."""


def _output_shape(kind, config, shape):
    """A layer's output shape as Keras prints it, None for the batch and the number of points."""
    if kind == "InputLayer":
        return tuple(config["batch_input_shape"])
    if kind == "Reshape":
        return (None, *(None if d == -1 else d for d in config["target_shape"]))
    if kind == "Conv1D":
        return (*shape[:-1], config["filters"])
    if kind in ("LSTM", "Dense"):
        return (*shape[:-1], config["units"])
    return shape  # ZeroPadding2D along time, Dropout


class SketchModel:
    def __init__(self, model_json, weights, temperature=1.0):
        """`temperature` divides the output layer's logits (the package's calibration, core.calibration)."""
        self.temperature = temperature
        self.convs, self.lstms, self.dense = [], [], None
        self.layers = []  # name, type, output shape, parameters: for the learn pages
        causal_padding = 0  # zeros put in front by the ZeroPadding2D before a "valid" Conv1D
        shape = None
        for layer in model_json["modelTopology"]["model_config"]["config"]["layers"]:
            kind, config = layer["class_name"], layer["config"]
            name = config["name"]
            shape = _output_shape(kind, config, shape)
            self.layers.append(
                {
                    "name": name,
                    "type": kind,
                    "output_shape": str(shape),
                    "parameters": sum(int(w.size) for key, w in weights.items() if key.startswith(f"{name}/")),
                }
            )
            if kind == "ZeroPadding2D":
                causal_padding = config["padding"][0][0]
            elif kind == "Conv1D":
                kernel = weights[f"{name}/kernel"]
                if config["padding"] != "valid" or causal_padding != len(kernel) - 1 or config["activation"] != "relu":
                    raise UnsupportedModel(f"Conv1D {name}: needs {len(kernel) - 1} zeros in front, valid, relu")
                causal_padding = 0
                # (size, channels, filters) -> (size * channels, filters): one product per window of rows.
                self.convs.append((kernel.reshape(-1, kernel.shape[-1]), weights[f"{name}/bias"], len(kernel)))
            elif kind == "LSTM":
                if config["activation"] != "tanh" or config["recurrent_activation"] != "sigmoid":
                    raise UnsupportedModel(f"LSTM {name}: needs tanh and sigmoid activations")
                cell, units = f"{name}/lstm_cell", config["units"]
                # sigmoid(z) = (tanh(z / 2) + 1) / 2: with the gates i, f, o pre-scaled by 1/2, one tanh over
                # all four gates (Keras order i, f, g, o) serves every step, then * scale + offset.
                scale = np.full(4 * units, 0.5, np.float32)
                scale[2 * units : 3 * units] = 1.0
                offset = np.where(scale == 0.5, 0.5, 0.0).astype(np.float32)
                self.lstms.append(
                    (
                        weights[f"{cell}/kernel"] * scale,
                        weights[f"{cell}/recurrent_kernel"] * scale,
                        weights[f"{cell}/bias"] * scale,
                        scale,
                        offset,
                        units,
                    )
                )
            elif kind == "Dense":
                if config["activation"] != "softmax":
                    raise UnsupportedModel(f"Dense {name}: needs a softmax")
                self.dense = (weights[f"{name}/kernel"], weights[f"{name}/bias"])
            elif kind not in ("InputLayer", "Dropout", "Reshape"):
                raise UnsupportedModel(f"unsupported layer {kind}")
        if not self.lstms or self.dense is None:
            raise UnsupportedModel("model.json has no LSTM or no Dense output")
        self.classes = self.dense[1].shape[0]

    def probabilities(self, rows):
        """(n, 3) normalised rows -> the (classes,) probabilities after the last point."""
        return self.read(rows)[0]

    def read(self, rows):
        """(n, 3) normalised rows -> the (classes,) probabilities after the last point, and the drawing's
        embedding: the last LSTM layer's state there, what the output layer reads (core.own_categories)."""
        x = np.asarray(rows, dtype=np.float32)
        for kernel, bias, size in self.convs:
            padded = np.concatenate([np.zeros((size - 1, x.shape[1]), np.float32), x])
            windows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=0)  # (n, channels, size)
            # The reshape of overlapping windows is a strided view; a contiguous copy keeps the product in
            # BLAS (without it the product is 20x slower).
            rows = np.ascontiguousarray(windows.transpose(0, 2, 1).reshape(len(x), -1))
            x = np.maximum(rows @ kernel + bias, 0)
        for kernel, recurrent, bias, scale, offset, units in self.lstms:
            projected = x @ kernel + bias  # (n, 4 * units), pre-scaled (see __init__)
            states = np.zeros((len(x) + 1, units), np.float32)  # states[t + 1] is h after point t
            c = np.zeros(units, np.float32)
            gates = np.empty(4 * units, np.float32)  # written in place: each step is a handful of numpy calls
            i, f, g, o = (gates[k * units : (k + 1) * units] for k in range(4))
            for t in range(len(x)):
                np.dot(states[t], recurrent, out=gates)
                gates += projected[t]
                np.tanh(gates, out=gates)
                gates *= scale
                gates += offset
                c *= f
                c += i * g
                np.multiply(o, np.tanh(c), out=states[t + 1])
            x = states[1:]
        logits = (x[-1] @ self.dense[0] + self.dense[1]) / self.temperature
        exp = np.exp(logits - logits.max())
        return exp / exp.sum(), x[-1].copy()
