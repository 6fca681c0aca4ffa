"""A bitmap classifier as a teacher for the stroke model: how it sees a drawing, and how good it is.

    python -m model_training.teacher [--teacher PATH] [--model-dir static/model]

The command scores the teacher on the real drawings of the test split, per category group and against the
fraction of the drawing seen (each partial drawing as the drawing page shows it with the model's own
preprocessing, the inputs `evaluate` gives the student), so a rendering can be chosen by a number.

The teacher is a Keras CNN over (28, 28, 1) bitmaps (0 background, 1 ink) with one output per category,
and a `class_names.txt` beside it naming its outputs in order. It is used at training time only
(`python -m model_training.train --teacher PATH`) and is never exported or shipped.

Rendering runs in TensorFlow, batched, inside the training step: the teacher labels the very (augmented)
input the student sees without leaving the graph. A drawing (or any prefix of it) is scaled like a
simplified drawing (longest side 255), centred in a TEACHER_RENDERING["image_size"] square, and drawn
with lines TEACHER_RENDERING["line_width"] wide; the box filter down to 28x28 is computed analytically:
a pixel is covered by clip(w/2 + 1/2 - d, 0, 1), with d the distance from its centre to the nearest
segment and w the line width in output pixels (exact for straight lines).
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf
import tf_keras as keras

from model_training.core.config import MODEL_DIR, TEACHER_RENDERING, default_teacher
from model_training.model import pad_batch
from model_training.sketch_rnn import CATEGORIES


class TeacherError(ValueError):
    """A teacher file that cannot be used; the message names the file and what is wrong."""


def render(batch, ends, rendering=TEACHER_RENDERING):
    """Stroke-3 batch (B, T, 3), any offset scale, and prefix ends (B, P) (index of each prefix's last
    point) -> (B * P, size, size, 1) float32 bitmaps, one per prefix, ink = 1."""
    batch = tf.convert_to_tensor(batch, tf.float32)
    ends = tf.convert_to_tensor(ends, tf.int32)
    size = rendering["output_size"]
    factor = size / rendering["image_size"]
    half_width = rendering["line_width"] * factor / 2

    points = tf.cumsum(batch[:, :, :2], axis=1)  # (B, T, 2) absolute positions
    lifted_before = tf.concat([tf.ones_like(batch[:, :1, 2]), batch[:, :-1, 2]], axis=1)
    previous = tf.concat([points[:, :1], points[:, :-1]], axis=1)
    # A segment ends at every point; after a pen lift it starts there too (a dot), so a one-point stroke shows.
    starts = tf.where(lifted_before[..., None] > 0.5, points, previous)

    steps = tf.range(tf.shape(batch)[1])
    inside = steps[None, None, :] <= ends[:, :, None]  # (B, P, T)
    expanded = tf.broadcast_to(points[:, None], tf.concat([tf.shape(inside), [2]], 0))
    low = tf.reduce_min(tf.where(inside[..., None], expanded, np.inf), axis=2)  # (B, P, 2)
    high = tf.reduce_max(tf.where(inside[..., None], expanded, -np.inf), axis=2)
    extent = tf.reduce_max(high - low, axis=-1)  # (B, P)
    scale = tf.where(extent > 0, 255.0 / tf.maximum(extent, 1e-9), 1.0) * factor
    centre = (low + high) / 2

    def to_pixels(xy):  # (B, T, 2) -> x and y, each (B, P, 1, T), in output pixels
        xy = (xy[:, None] - centre[:, :, None]) * scale[:, :, None, None] + size / 2
        return xy[:, :, None, :, 0], xy[:, :, None, :, 1]

    (ax, ay), (bx, by) = to_pixels(starts), to_pixels(points)
    centres = tf.range(size, dtype=tf.float32) + 0.5
    gx = tf.reshape(tf.tile(centres, [size]), (1, 1, size * size, 1))  # row-major (y, x) pixels
    gy = tf.reshape(tf.repeat(centres, size), (1, 1, size * size, 1))
    abx, aby = bx - ax, by - ay
    apx, apy = gx - ax, gy - ay  # (B, P, pixels, T)
    along = tf.clip_by_value((apx * abx + apy * aby) / tf.maximum(abx * abx + aby * aby, 1e-9), 0.0, 1.0)
    squared = tf.square(apx - along * abx) + tf.square(apy - along * aby)
    squared = tf.where(inside[:, :, None, :], squared, np.inf)
    # Coverage falls with distance, so the nearest segment decides: one square root per pixel.
    distance = tf.sqrt(tf.reduce_min(squared, axis=-1))  # (B, P, pixels)
    image = tf.clip_by_value(half_width + 0.5 - distance, 0.0, 1.0)
    return tf.reshape(image, (-1, size, size, 1))


class Teacher:
    """A checked teacher: its outputs reordered into Inkling's category order."""

    def __init__(self, path, rendering=TEACHER_RENDERING):
        path = Path(path)
        self.path = path
        self.rendering = rendering
        if not path.is_file():
            raise TeacherError(f"teacher file {path} does not exist")
        try:
            self.model = keras.models.load_model(path, compile=False)
        except Exception as error:  # h5py, Keras and TF each raise their own types for a bad file
            raise TeacherError(f"teacher file {path} is not a readable Keras model ({error})") from None
        size = rendering["output_size"]
        if tuple(self.model.input_shape[1:]) != (size, size, 1):
            raise TeacherError(
                f"teacher file {path} takes inputs of shape {self.model.input_shape[1:]}, "
                f"expected ({size}, {size}, 1) bitmaps"
            )
        outputs = self.model.output_shape[-1]
        if outputs != len(CATEGORIES):
            raise TeacherError(f"teacher file {path} has {outputs} outputs, expected {len(CATEGORIES)}")
        names_path = path.parent / "class_names.txt"
        if not names_path.is_file():
            raise TeacherError(f"teacher file {path} has no class_names.txt beside it naming its outputs")
        names = [n.strip().replace("_", " ") for n in names_path.read_text().splitlines() if n.strip()]
        unknown = sorted(set(names) - set(CATEGORIES))
        missing = sorted(set(CATEGORIES) - set(names))
        if len(names) != outputs or unknown or missing:
            raise TeacherError(
                f"{names_path} does not map the teacher's {outputs} outputs onto the {len(CATEGORIES)} "
                f"categories: {len(names)} names; not categories: {', '.join(unknown[:5]) or 'none'}; "
                f"categories missing: {', '.join(missing[:5]) or 'none'}"
            )
        # Column i of the teacher's output in Inkling's order is its output for CATEGORIES[i].
        self.order = tf.constant([names.index(c) for c in CATEGORIES], tf.int32)

    def log_probabilities(self, batch, ends):
        """(B, P, categories) log-probabilities of each prefix, Inkling's category order."""
        images = render(batch, ends, self.rendering)
        probabilities = self.model(images, training=False)
        log_p = tf.math.log(tf.gather(probabilities, self.order, axis=-1) + 1e-7)
        return tf.reshape(log_p, (tf.shape(ends)[0], tf.shape(ends)[1], len(CATEGORIES)))


def predict(teacher, sequences, batch_size=128):
    """(n, categories) teacher probabilities for whole drawings (stroke-3 rows, any offset scale)."""
    order = np.argsort([len(s) for s in sequences], kind="stable")
    out = np.zeros((len(sequences), len(CATEGORIES)), np.float32)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        batch, lengths = pad_batch([sequences[i] for i in chunk])
        out[chunk] = np.exp(teacher.log_probabilities(batch, lengths[:, None] - 1).numpy()[:, 0])
    return out


def teacher_by_fraction(teacher, inputs):
    """The teacher's probabilities on scoring.page_inputs' drawings; it is not causal, so each is rendered whole."""
    return {f: predict(teacher, sequences) for f, sequences in inputs.items()}


def main(argv=None):
    from model_training.core.model_package import ModelPackage, ModelPackageError
    from model_training.data import add_dataset_arguments, load_split, prepare
    from model_training.scoring import group_rows, page_inputs, print_rows, scoring_groups

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument("--teacher", type=Path, default=default_teacher(), help="the teacher's Keras file")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="whose preprocessing frames the drawings")
    parser.add_argument("--split", default="test", choices=("validation", "test"))
    parser.add_argument("--line-width", type=float, default=TEACHER_RENDERING["line_width"])
    parser.add_argument("--image-size", type=int, default=TEACHER_RENDERING["image_size"])
    args = parser.parse_args(argv)
    rendering = {**TEACHER_RENDERING, "line_width": args.line_width, "image_size": args.image_size}
    if args.teacher is None:
        parser.error("no teacher: give --teacher PATH")
    try:
        teacher = Teacher(args.teacher, rendering)
        preprocessing = ModelPackage.from_pretrained(args.model_dir).preprocessing
    except (TeacherError, ModelPackageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    builder = prepare(args, preprocessing)
    x, y, _ = load_split(builder, args.split, real_only=True)
    groups, size_groups = scoring_groups(builder)
    by_fraction = teacher_by_fraction(teacher, page_inputs(x, preprocessing))
    print(f"teacher {args.teacher.name}, rendering {rendering}")
    print_rows(f"{args.split} split, real drawings", group_rows(by_fraction, y, groups))
    print_rows("by real training drawings", group_rows(by_fraction, y, size_groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
