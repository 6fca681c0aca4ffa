"""Importing this package registers the `sketch_rnn` TFDS builder."""

from model_training.sketch_rnn.sketch_rnn_dataset_builder import (  # noqa: F401
    CATEGORIES,
    NoDataError,
    SketchRnn,
    SketchRnnConfig,
    split_for_key,
)
