"""Importing this package registers the `sketch_rnn` TFDS builder."""

from model_training.sketch_rnn.sketch_rnn_dataset_builder import (
    CATEGORIES,
    NoDataError,
    SketchRnn,
    SketchRnnConfig,
    split_for_key,
)

__all__ = ["CATEGORIES", "NoDataError", "SketchRnn", "SketchRnnConfig", "split_for_key"]
