"""The bitmap teacher: how it sees a drawing, how a bad teacher file is refused, how its labels enter the
loss, and a --quick distilled training run. A tiny teacher is built here, so none of this needs ../shared."""

import json

import numpy as np
import pytest
import tensorflow as tf
import tf_keras as keras

from model_training.core.model_package import sha256_of
from model_training.sketch_rnn import CATEGORIES
from model_training.teacher import Teacher, TeacherError, render
from model_training.train import point_losses
from tests.conftest import run_module


def save_teacher(folder, outputs=len(CATEGORIES), names=None):
    """A small untrained CNN over 28x28 bitmaps, saved as a teacher file with class_names.txt beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(outputs, activation="softmax"),
        ]
    )
    path = folder / "teacher.h5"
    model.save(path)
    names = names if names is not None else [c.replace(" ", "_") for c in reversed(CATEGORIES)]
    (folder / "class_names.txt").write_text("\n".join(names) + "\n")
    return path


@pytest.fixture(scope="module")
def teacher_path(tmp_path_factory):
    return save_teacher(tmp_path_factory.mktemp("teacher"))


def test_a_line_is_drawn_where_it_is_and_centred():
    # One horizontal stroke of 100 units: scaled to 255 across, centred, 16 px wide in a 288 px image.
    stroke = np.array([[[0, 0, 0], [100, 0, 1]]], np.float32)
    image = render(stroke, np.array([[1]]))[0, :, :, 0].numpy()
    assert image.shape == (28, 28)
    assert image[13:15, 3:25].min() > 0.7  # the line lies on the boundary of the two middle rows
    assert image[:10].max() == 0 and image[18:].max() == 0  # nothing far above or below it
    assert image[13:15, 0].max() < 0.2 and image[13:15, 27].max() < 0.2  # the margin holds no more than a line's cap


def test_a_prefix_is_rendered_on_its_own_and_pen_lifts_leave_gaps():
    # Two strokes: a vertical line, then (after the pen lifts) a horizontal line far to the right.
    drawing = np.array([[[0, 0, 0], [0, 50, 1], [200, 0, 0], [0, 50, 1]]], np.float32)  # two vertical lines
    whole, first_stroke = render(drawing, np.array([[3, 1]]))[..., 0].numpy()
    assert whole[12:16, 8:20].max() == 0  # the pen lift: nothing joins the end of one stroke to the next
    assert first_stroke[3:25, 13:15].min() > 0.7  # the first stroke alone, rescaled to fill the frame
    single_point = render(np.array([[[5, 5, 1]]], np.float32), np.array([[0]]))[0, :, :, 0].numpy()
    assert single_point[13:15, 13:15].min() > 0.5 and single_point.sum() < 10  # a dot


def test_the_teacher_is_read_in_inklings_category_order(teacher_path):
    teacher = Teacher(teacher_path)
    batch = np.array([[[0, 0, 0], [30, 10, 0], [5, 40, 1]]], np.float32)
    ours = np.exp(teacher.log_probabilities(batch, np.array([[2]])).numpy()[0, 0])
    theirs = teacher.model(render(batch, np.array([[2]]))).numpy()[0]
    np.testing.assert_allclose(ours, theirs[::-1], atol=1e-6)  # the saved names are in reverse order


@pytest.mark.parametrize(
    "damage, message",
    [
        ("missing", "does not exist"),
        ("unreadable", "not a readable Keras model"),
        ("10 outputs", "has 10 outputs, expected 345"),
        ("no class names", "no class_names.txt"),
        ("unknown class name", "not categories: ufo sighting"),
    ],
)
def test_a_bad_teacher_file_is_refused_naming_the_file(tmp_path, damage, message):
    folder = tmp_path / "bad"
    path = folder / "teacher.h5"
    if damage == "unreadable":
        folder.mkdir()
        path.write_bytes(b"not an HDF5 file")
    elif damage == "10 outputs":
        save_teacher(folder, outputs=10)
    elif damage == "no class names":
        save_teacher(folder)
        (folder / "class_names.txt").unlink()
    elif damage == "unknown class name":
        save_teacher(folder, names=["ufo_sighting"] + [c.replace(" ", "_") for c in CATEGORIES[1:]])
    with pytest.raises(TeacherError, match=message) as error:
        Teacher(path)
    assert str(folder) in str(error.value)


def test_every_point_learns_from_the_teachers_view_of_the_whole_drawing():
    teacher_only = tf.constant([1.0])
    labels = tf.constant([0])
    probabilities = tf.fill((1, 5, 3), 1 / 3)
    probabilities = tf.tensor_scatter_nd_update(probabilities, [[0, 0, 0], [0, 0, 1], [0, 0, 2]], [0.8, 0.1, 0.1])
    teacher = tf.math.log(tf.constant([[1e-9, 1.0, 1e-9]]))  # the teacher says category 1
    losses = point_losses(probabilities, labels, teacher, teacher_only).numpy()[0]
    np.testing.assert_allclose(losses, [-np.log(0.1), np.log(3), np.log(3), np.log(3), np.log(3)], rtol=1e-4)
    losses = point_losses(probabilities, labels, teacher[:, :0], teacher_only).numpy()[0]  # no teacher: labels
    np.testing.assert_allclose(losses[0], -np.log(0.8), rtol=1e-4)
    mixed = point_losses(probabilities, labels, teacher, tf.constant([0.3])).numpy()[0]
    np.testing.assert_allclose(mixed[0], -0.7 * np.log(0.8) - 0.3 * np.log(0.1), rtol=1e-4)


def run_train(*args):
    return run_module("model_training.train", *args, check=False)


@pytest.mark.training
def test_quick_training_with_a_teacher_records_it_in_the_package(teacher_path, quickdraw_dir, tmp_path):
    result = run_train(
        "--quick",
        "--steps",
        "20",
        "--eval-every",
        "20",
        "--teacher",
        teacher_path,
        "--source",
        quickdraw_dir,
        "--data-dir",
        tmp_path / "tfds",
        "--out",
        tmp_path / "run",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trained 20 steps" in result.stdout
    config = json.loads((tmp_path / "run" / "run.json").read_text())["config"]
    assert config["teacher"] == str(teacher_path) and config["teacher_weight"] == 0.7
    run_module("model_training.export", "--run", tmp_path / "run", "--out", tmp_path / "model")
    recorded = json.loads((tmp_path / "model" / "metadata.json").read_text())["run"]
    assert recorded["config"]["teacher"] == "teacher.h5"  # by name: the training machine's paths stay there
    assert recorded["teacher_sha256"] == sha256_of(teacher_path)


@pytest.mark.training
def test_a_bad_teacher_stops_training_before_it_starts(tmp_path):
    result = run_train("--quick", "--teacher", tmp_path / "nothing.h5", "--out", tmp_path / "run")
    assert result.returncode == 2
    assert f"teacher file {tmp_path / 'nothing.h5'} does not exist" in result.stderr
    assert not (tmp_path / "run" / "run.json").exists()
