"""Inkling's settings for data, preprocessing and training: paths, preprocessing, the teacher's rendering.
(The web app's settings are in webapp/config.py.)

The preprocessing values are written into the exported model's metadata.json, so the browser
(static/js/strokes.js) and the server read them from there: they travel with the model.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CATEGORIES_FILE = Path(__file__).resolve().parent / "categories.txt"
# The 345 Quick, Draw! categories in the official order: the dataset's labels and the model's outputs.
CATEGORIES = CATEGORIES_FILE.read_text().splitlines()
MODEL_DIR = PROJECT_ROOT / "static" / "model"

# Where the Quick, Draw! files are read from. Never copied into the project.
QUICKDRAW_DIR_ENV = "INKLING_QUICKDRAW_DIR"
# Where they are published: <base>/simplified/<category>.ndjson and <base>/raw/<category>.ndjson
# (`python -m model_training.download quickdraw`).
QUICKDRAW_BASE_URL = "https://storage.googleapis.com/quickdraw_dataset/full"
# Where TFDS writes the prepared dataset.
TFDS_DATA_DIR = Path(os.environ.get("INKLING_TFDS_DIR", Path.home() / "tensorflow_datasets"))


# The bitmap teacher the shipped recipe distils from (training only; never shipped).
TEACHER_ENV = "INKLING_TEACHER"
# Its public release: DoodleNet (github.com/yining1023/doodleNet, ml5.js's doodle classifier), at the commit
# whose Keras file the shipped model was distilled from; the sha256 is the one its metadata.json records
# (`python -m model_training.download teacher`). The repository states no license: use it to train only.
TEACHER_RELEASE = {
    "base_url": "https://raw.githubusercontent.com/yining1023/doodleNet/7a4708e4d2be126d30679807b85ac5f5489c09f5",
    "model": "model-keras/doodleNet-model.h5",
    "class_names": "runway/class_names.txt",
    "sha256": "3bea810a18e474c2b1a6fd4b17b0e299ad1ebaf372eee04ba7fcc6b3307d565d",
}


def default_quickdraw_dir():
    """The shared data folder, if the user named one or it sits beside the checkout."""
    if os.environ.get(QUICKDRAW_DIR_ENV):
        return Path(os.environ[QUICKDRAW_DIR_ENV])
    beside = PROJECT_ROOT.parent / "shared" / "data" / "quickdraw"
    return beside if beside.is_dir() else None


def default_teacher():
    """The teacher's Keras file, if the user named one or the shared one sits beside the checkout."""
    if os.environ.get(TEACHER_ENV):
        return Path(os.environ[TEACHER_ENV])
    beside = PROJECT_ROOT.parent / "shared" / "teachers" / "doodlenet" / "doodlenet.h5"
    return beside if beside.is_file() else None


# Google's simplification recipe for Quick, Draw! "simplified" drawings, and the model's input scaling.
PREPROCESSING = {
    "canvas_size": 255,  # longest side after uniform scaling
    "resample_spacing": 1.0,  # points every pixel along each stroke before simplifying
    "rdp_epsilon": 2.0,  # Ramer-Douglas-Peucker tolerance
    # The model sees (dx / delta_scale, dy / delta_scale, pen). 24 is close to the standard deviation of
    # the offsets of real simplified drawings, so inputs are of order 1.
    "delta_scale": 24.0,
    # Longer drawings keep their first max_points points; 99% of real drawings are shorter.
    "max_points": 250,
}

# How a drawing is shown to the bitmap teacher (model_training/teacher.py): scaled to 0..255 like a
# simplified drawing, centred in an image_size square (so margin = (image_size - 256) / 2), lines
# line_width wide, box-filtered down to the teacher's output_size. Chosen by the teacher's top-1 on the
# real test drawings (`python -m model_training.teacher`); docs/experiments.md, "The teacher".
TEACHER_RENDERING = {"image_size": 288, "line_width": 16.0, "output_size": 28}

# Drawings shared from the game (`flask --app webapp contributions export`) have key_ids that start with this.
CONTRIBUTION_KEY_PREFIX = "contribution-"

# Dataset splits are a pure function of key_id (see sketch_rnn.split_for_key).
SPLIT_PERCENT = {"train": 80, "validation": 10, "test": 10}
