"""Where a training step's time goes on this machine: making the batches, the teacher's labels, the step.

    python -m benchmarks.training_profile --source ../shared/data/quickdraw [--batches 60] [--mix-rate 0.3] [--xla]
        [--batch-sizes 64,256] [--lstm-kernels]

Each part is timed alone, one after the other, on the same batches of the shipped recipe (batch 128, the
real and synthetic training drawings, the teacher): the batch stream (sampling, augmentation, the model's
input: Python and numpy, in one tf.data thread while training runs), the teacher's view of each drawing
(rendering and its CNN), and the student's forward and backward pass as train runs it; with --xla, also
compiled with XLA (`jit_compile`, on lengths padded to a multiple of JIT_LENGTH_STEP so few shapes are
compiled; on CPU it is many times slower, so train does not use it). Training overlaps the first two with the
third, in tf.data threads, on the same cores.
--batch-sizes also times the step on the same drawings batched otherwise (pairs of batches joined, or each one
halved): drawings a second by batch shape. --lstm-kernels times one LSTM layer's forward and backward pass
(the shapes of the model's first: 128 inputs, 160 units, the batches' mean length) as Keras runs it, unrolled,
and as TensorFlow's fused LSTM kernel (BlockLSTMV2): what a faster recurrence would give.
Prints a table and writes benchmarks/results/training_profile.json.
"""

import argparse
import os
import sys
import time

import numpy as np
import tensorflow as tf
import tf_keras as keras

from benchmarks.common import write_result
from model_training import train
from model_training.core.config import PREPROCESSING, default_teacher
from model_training.data import add_dataset_arguments, load_split, prepare
from model_training.model import MODEL_CONFIG, build_model
from model_training.run_config import RunConfig
from model_training.sketch_rnn import CATEGORIES
from model_training.teacher import Teacher

JIT_LENGTH_STEP = 32


def timed(function, items):
    """Seconds per item of function(item) over a second pass: the first traces (and compiles) every shape."""
    for item in items:
        function(item)
    began = time.perf_counter()
    for item in items:
        function(item)
    return (time.perf_counter() - began) / len(items)


def rebatched(batches, size):
    """The same drawings in batches of `size`: batches of like length joined (padded to the longer, as train
    batches a pool sorted by length), or each cut into equal parts. `size` a multiple or a divisor of the
    batches' own size."""
    own = len(batches[0][1])
    if size <= own:
        return [tuple(part[k : k + size] for part in batch) for batch in batches for k in range(0, own, size)]
    batches = sorted(batches, key=lambda b: b[0].shape[1])
    joined = []
    for first in range(0, len(batches) - size // own + 1, size // own):
        group = batches[first : first + size // own]
        length = max(b[0].shape[1] for b in group)
        rows = [padded_to(b, length) for b in group]
        joined.append(tuple(np.concatenate(column) for column in zip(*rows)))
    return joined


def padded_to(batch, length):
    """A batch with its points padded at the end to `length`: zero weight, so the loss is the same (the model
    is causal)."""
    inputs, labels, weights, shares, teacher_log_p = (np.asarray(part) for part in batch)
    extra = length - inputs.shape[1]
    inputs, weights = np.pad(inputs, [[0, 0], [0, extra], [0, 0]]), np.pad(weights, [[0, 0], [0, extra]])
    return inputs, labels, weights, shares, teacher_log_p


def lstm_kernel_seconds(batch, length, inputs=128, units=160):
    """Seconds of one LSTM layer's forward and backward pass, by kernel, on random (batch, length, inputs)."""
    x = tf.random.normal((batch, length, inputs))
    keras_lstm = keras.layers.LSTM(units, return_sequences=True)
    unrolled = keras.layers.LSTM(units, return_sequences=True, unroll=True)
    weights = tf.Variable(tf.random.normal((inputs + units, 4 * units), stddev=0.05))
    bias = tf.Variable(tf.zeros(4 * units))
    peephole = tf.zeros(units)  # BlockLSTMV2 takes peephole weights; unused

    def fused(x):
        state = tf.zeros((batch, units))
        outputs = tf.raw_ops.BlockLSTMV2(
            seq_len_max=tf.constant(length, tf.int64),
            x=tf.transpose(x, [1, 0, 2]),
            cs_prev=state,
            h_prev=state,
            w=weights,
            wci=peephole,
            wcf=peephole,
            wco=peephole,
            b=bias,
            cell_clip=0.0,
            use_peephole=False,
        )
        return tf.transpose(outputs[6], [1, 0, 2])

    def gradients(layer, variables):
        @tf.function
        def step(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(layer(x) ** 2)
            return tape.gradient(loss, [x, *variables])

        return step

    keras_lstm.build(x.shape)
    unrolled.build(x.shape)
    steps = {
        "Keras LSTM, as trained": gradients(lambda v: keras_lstm(v, training=True), keras_lstm.trainable_variables),
        "Keras LSTM, unrolled": gradients(lambda v: unrolled(v, training=True), unrolled.trainable_variables),
        "fused kernel (BlockLSTMV2)": gradients(fused, [weights, bias]),
    }
    return {name: timed(lambda _: [g.numpy() for g in step(x)], range(10)) for name, step in steps.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--mix-rate", type=float, default=0.0)
    parser.add_argument("--xla", action="store_true", help="also time the step compiled with XLA (minutes)")
    parser.add_argument("--batch-sizes", default="", help="also time the step at these batch sizes, e.g. 64,256")
    parser.add_argument("--lstm-kernels", action="store_true", help="also time one LSTM layer by kernel")
    args = parser.parse_args(argv)
    teacher_path = default_teacher()
    if teacher_path is None:
        print("error: no teacher found: set INKLING_TEACHER", file=sys.stderr)
        return 2
    run = RunConfig(dataset={}, model=MODEL_CONFIG, preprocessing=PREPROCESSING, mix_rate=args.mix_rate)
    builder = prepare(args, run.preprocessing)
    train_x, train_y, synthetic = load_split(builder, "train")
    probabilities = train.sampling_weights(train_y, synthetic, run.category_power, run.real_boost)
    stream = train.batches(train_x, train_y, probabilities, run, first_batch=0)

    made = []
    began = time.perf_counter()
    for _ in range(args.batches):
        made.append(next(stream))
    stream_seconds = (time.perf_counter() - began) / args.batches

    teacher = Teacher(teacher_path)
    teacher_labels = tf.function(
        lambda x, w: train.teacher_log_probabilities(teacher, x, w, run), reduce_retracing=True
    )
    teacher_seconds = timed(lambda b: teacher_labels(b[0], b[2]).numpy(), made)
    labelled = [(*b, teacher_labels(b[0], b[2])) for b in made]

    def step_function(jit):
        model = build_model(len(CATEGORIES), run.model)
        optimizer = keras.optimizers.Adam(learning_rate=run.lr, global_clipnorm=run.clipnorm)

        def step(inputs, labels, weights, shares, teacher_log_p):
            with tf.GradientTape() as tape:
                per_point = train.point_losses(model(inputs, training=True), labels, teacher_log_p, shares)
                loss = tf.reduce_sum(per_point * weights) / run.batch_size
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss

        return tf.function(step, jit_compile=jit, reduce_retracing=True)

    eager_step = step_function(False)
    parts = {
        "batch stream (numpy)": stream_seconds,
        "teacher labels": teacher_seconds,
        "train step": timed(lambda b: float(eager_step(*b)), labelled),
    }
    if args.xla:
        jit_step = step_function(True)
        # Lengths rounded up to a multiple of JIT_LENGTH_STEP: the compiled step meets a few shapes, not one a length.
        fixed = [padded_to(b, -(-b[0].shape[1] // JIT_LENGTH_STEP) * JIT_LENGTH_STEP) for b in labelled]
        shapes = len({b[0].shape[1] for b in fixed})
        began = time.perf_counter()
        for batch in fixed:  # compiling counted: once per shape
            float(jit_step(*batch))
        parts[f"train step, XLA ({shapes} shapes, compiling counted)"] = (time.perf_counter() - began) / len(fixed)
        parts["train step, XLA, compiled"] = timed(lambda b: float(jit_step(*b)), fixed)
    print(f"{'part':<50}{'ms / batch':>12}{'steps/s alone':>15}")
    for name, seconds in parts.items():
        print(f"{name:<50}{seconds * 1000:>12.1f}{1 / seconds:>15.2f}")
    by_batch_size = {run.batch_size: parts["train step"]}
    for size in (int(n) for n in args.batch_sizes.split(",") if n):
        by_batch_size[size] = timed(lambda b: float(eager_step(*b)), rebatched(labelled, size))
    if len(by_batch_size) > 1:
        print(f"{'train step by batch size':<50}{'ms / batch':>12}{'drawings/s':>15}")
        for size, seconds in sorted(by_batch_size.items()):
            print(f"{size:<50}{seconds * 1000:>12.1f}{size / seconds:>15.0f}")
    mean_points = float(np.mean([b[0].shape[1] for b in made]))
    mean_length = int(mean_points)
    lstm = lstm_kernel_seconds(run.batch_size, mean_length) if args.lstm_kernels else {}
    if lstm:
        print(f"{f'one LSTM layer, forward and backward, {mean_length} points':<50}{'ms / batch':>12}")
        for name, seconds in lstm.items():
            print(f"{name:<50}{seconds * 1000:>12.1f}")
    write_result(
        "training_profile",
        {
            "cores": os.cpu_count(),
            "batch_size": run.batch_size,
            "batches": args.batches,
            "mix_rate": args.mix_rate,
            "xla": args.xla,
            "mean_points_per_batch_row": mean_points,
            "ms_per_batch": {name: seconds * 1000 for name, seconds in parts.items()},
            "train_step_ms_by_batch_size": {size: seconds * 1000 for size, seconds in sorted(by_batch_size.items())},
            "lstm_layer_ms_by_kernel": {name: seconds * 1000 for name, seconds in lstm.items()},
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
