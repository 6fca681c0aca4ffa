"""Where a training step's time goes on this machine: making the batches, the teacher's labels, the step.

    python -m benchmarks.training_profile --source ../shared/data/quickdraw [--batches 60] [--mix-rate 0.3] [--xla]

Each part is timed alone, one after the other, on the same batches of the shipped recipe (batch 128, the
real and synthetic training drawings, the teacher): the batch stream (sampling, augmentation, the model's
input: Python and numpy, in one tf.data thread while training runs), the teacher's view of each drawing
(rendering and its CNN), and the student's forward and backward pass as train runs it; with --xla, also
compiled with XLA (`jit_compile`, on lengths padded to a multiple of JIT_LENGTH_STEP so few shapes are
compiled; on CPU it is many times slower, so train does not use it). Training overlaps the first two with the
third, in tf.data threads, on the same cores.
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


def padded(inputs, labels, weights, shares, teacher_log_p):
    """A batch with its points padded at the end to a multiple of JIT_LENGTH_STEP (zero weight, so the loss is
    the same: the model is causal), so that the XLA-compiled step meets a few shapes, not one per length."""
    extra = -inputs.shape[1] % JIT_LENGTH_STEP
    return (
        np.pad(inputs, [[0, 0], [0, extra], [0, 0]]),
        labels,
        np.pad(weights, [[0, 0], [0, extra]]),
        shares,
        teacher_log_p,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--mix-rate", type=float, default=0.0)
    parser.add_argument("--xla", action="store_true", help="also time the step compiled with XLA (minutes)")
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
        fixed = [padded(*b) for b in labelled]
        shapes = len({b[0].shape[1] for b in fixed})
        began = time.perf_counter()
        for batch in fixed:  # compiling counted: once per shape
            float(jit_step(*batch))
        parts[f"train step, XLA ({shapes} shapes, compiling counted)"] = (time.perf_counter() - began) / len(fixed)
        parts["train step, XLA, compiled"] = timed(lambda b: float(jit_step(*b)), fixed)
    print(f"{'part':<50}{'ms / batch':>12}{'steps/s alone':>15}")
    for name, seconds in parts.items():
        print(f"{name:<50}{seconds * 1000:>12.1f}{1 / seconds:>15.2f}")
    write_result(
        "training_profile",
        {
            "cores": os.cpu_count(),
            "batch_size": run.batch_size,
            "batches": args.batches,
            "mix_rate": args.mix_rate,
            "xla": args.xla,
            "mean_points_per_batch_row": float(np.mean([b[0].shape[1] for b in made])),
            "ms_per_batch": {name: seconds * 1000 for name, seconds in parts.items()},
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
