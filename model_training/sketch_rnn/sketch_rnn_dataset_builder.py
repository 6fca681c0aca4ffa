"""`sketch_rnn`: Quick, Draw! drawings as stroke-3 sequences, a TensorFlow Datasets builder.

Importing this module registers the builder, after which

    tfds.load("sketch_rnn/ndjson", download_and_prepare_kwargs={"download_config":
              tfds.download.DownloadConfig(manual_dir="../shared/data/quickdraw")})

works. Three sources, one per config:
- `ndjson`:   a local folder in the official formats: simplified/, raw/ and synthetic/ *.ndjson[.gz].
              A drawing in both raw/ and simplified/ (same key_id) is counted once, from simplified/.
              Synthetic drawings go to `train` only; real ones are split by a hash of their key_id.
              A config's `contributions` folder (`flask --app webapp contributions export`) adds the game's
              shared drawings, as real ones.
- `npz`:      a local folder of sketch-rnn `<category>.npz` files, keeping their train/valid/test splits.
- `download`: the official per-category sketch-rnn `.npz` files, downloaded (needs the network).
The source folder is the download config's manual_dir, or $INKLING_QUICKDRAW_DIR.

`ndjson` prepares in this process, or on Apache Beam when the builder's `beam` is set (model_training.data
--beam): the files are the pipeline's input, each drawing's split comes from its key, and a drawing found in
two folders is kept once by grouping on its key, so no process holds every drawing or every key. Both paths
give the same records; the dataset's name does not say which one prepared it.
"""

import dataclasses
import hashlib
import logging
import os
from collections import Counter
from pathlib import Path

import numpy as np
import tensorflow_datasets as tfds

from model_training.core.config import CATEGORIES, PREPROCESSING, QUICKDRAW_DIR_ENV, SPLIT_PERCENT
from model_training.core.drawing_checks import DrawingError
from model_training.core.ndjson import ndjson_lines, parse_ndjson_line
from model_training.core.simplification import simplified_stroke3

log = logging.getLogger(__name__)

OFFICIAL_NPZ_URL = "https://storage.googleapis.com/quickdraw_dataset/sketchrnn/{category}.npz"
NDJSON_FOLDERS = ("simplified", "raw", "synthetic")  # simplified first: it wins for shared key_ids
NPZ_SPLITS = {"train": "train", "validation": "valid", "test": "test"}


class NoDataError(ValueError):
    """The source holds no usable drawing: the dataset would be silently empty."""


def split_for_key(key_id):
    """train / validation / test from a stable hash of key_id, so splits never move between builds."""
    bucket = int(hashlib.sha256(key_id.encode()).hexdigest()[:8], 16) % 100
    if bucket < SPLIT_PERCENT["train"]:
        return "train"
    if bucket < SPLIT_PERCENT["train"] + SPLIT_PERCENT["validation"]:
        return "validation"
    return "test"


@dataclasses.dataclass(eq=False)
class SketchRnnConfig(tfds.core.BuilderConfig):
    source: str = "ndjson"  # ndjson | npz | download
    categories: tuple = ()  # empty: all 345 official categories
    max_per_category: int = 0  # per category, per split and kind (real/synthetic); 0: no cap
    include_synthetic: bool = True
    contributions: str = ""  # a folder of contributed drawings (raw/<category>.ndjson), read as real ones
    url_template: str = OFFICIAL_NPZ_URL
    # How raw drawings are simplified (canvas_size, resample_spacing, rdp_epsilon of the preprocessing).
    simplification: dict = dataclasses.field(default_factory=lambda: simplification_of(PREPROCESSING))


def simplification_of(preprocessing):
    """The preprocessing settings that change what the dataset holds (the rest apply when it is read)."""
    return {k: preprocessing[k] for k in ("canvas_size", "resample_spacing", "rdp_epsilon")}


class SketchRnn(tfds.core.GeneratorBasedBuilder):
    """Quick, Draw! drawings as stroke-3 (dx, dy, pen_lifted) int16 sequences over 345 categories."""

    VERSION = tfds.core.Version("1.2.0")
    RELEASE_NOTES = {
        "1.0.0": "First release.",
        "1.1.0": "Rebuilt for the 72,269 real drawings added to the shared simplified/ folder.",
        "1.2.0": "Raw drawings (with timestamps) are always simplified, even when they lie within 0..255.",
    }
    BUILDER_CONFIGS = [
        SketchRnnConfig(name="ndjson", description="Local official ndjson: simplified, raw, synthetic."),
        SketchRnnConfig(name="npz", source="npz", description="Local sketch-rnn .npz files."),
        SketchRnnConfig(name="download", source="download", description="Official sketch-rnn .npz files."),
    ]
    beam = False  # prepare `ndjson` on Apache Beam (model_training.data --beam); the records are the same
    MANUAL_DOWNLOAD_INSTRUCTIONS = (
        "Pass the Quick, Draw! folder as the download config's manual_dir, or set "
        f"${QUICKDRAW_DIR_ENV}. For `ndjson` it holds simplified/, raw/ and/or synthetic/ with one "
        "<category>.ndjson[.gz] per category; for `npz` it holds <category>.npz files."
    )

    def _info(self):
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "strokes": tfds.features.Tensor(shape=(None, 3), dtype=np.int16),
                    "label": tfds.features.ClassLabel(names=CATEGORIES),
                    "key_id": tfds.features.Text(),
                    "synthetic": np.bool_,
                }
            ),
            supervised_keys=("strokes", "label"),
            homepage="https://github.com/googlecreativelab/quickdraw-dataset",
            citation="Ha & Eck, A Neural Representation of Sketch Drawings, 2017 (arXiv:1704.03477).",
        )

    # --- which categories, from where ---------------------------------------------------------------
    def _categories(self):
        chosen = self.builder_config.categories or CATEGORIES
        unknown = sorted(set(chosen) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories: {', '.join(unknown)}")
        return list(chosen)

    def _source_dir(self, dl_manager):
        try:
            return Path(dl_manager.manual_dir)
        except AssertionError:  # TFDS asserts when the folder was not given, is missing or is empty
            pass
        if os.environ.get(QUICKDRAW_DIR_ENV):
            return Path(os.environ[QUICKDRAW_DIR_ENV])
        raise NoDataError(f"no source folder: {self.MANUAL_DOWNLOAD_INSTRUCTIONS}")

    def _split_generators(self, dl_manager):
        config = self.builder_config
        categories = self._categories()
        if config.source == "download":
            paths = dl_manager.download({c: config.url_template.format(category=c) for c in categories})
            examples = self._npz_examples({c: Path(p) for c, p in paths.items()})
        elif config.source == "npz":
            folder = self._source_dir(dl_manager)
            paths = {c: folder / f"{c}.npz" for c in categories if (folder / f"{c}.npz").is_file()}
            if not paths:
                raise NoDataError(f"no <category>.npz files in {folder}")
            examples = self._npz_examples(paths)
        elif config.source == "ndjson" and self.beam:
            return self._beam_splits(self._source_dir(dl_manager), categories)
        elif config.source == "ndjson":
            examples = self._ndjson_examples(self._source_dir(dl_manager), categories)
        else:
            raise ValueError(f"unknown source {config.source!r}: ndjson, npz or download")
        by_split = {split: [] for split in SPLIT_PERCENT}
        for split, key, example in examples:
            by_split[split].append((key, example))
        if not any(by_split.values()):
            raise NoDataError("the source holds no usable drawing")
        # TFDS refuses empty splits; a source with only synthetic drawings has a train split alone.
        return {split: self._generate_examples(items) for split, items in by_split.items() if items}

    def _generate_examples(self, items):
        yield from items

    # --- npz: sketch-rnn's own splits ---------------------------------------------------------------
    def _npz_examples(self, paths):
        cap = self.builder_config.max_per_category
        for category, path in sorted(paths.items()):
            try:
                with np.load(path, encoding="latin1", allow_pickle=True) as npz:
                    arrays = {split: npz[name] for split, name in NPZ_SPLITS.items() if name in npz}
            except (OSError, ValueError) as error:
                raise NoDataError(f"{path}: not a readable sketch-rnn .npz file ({error})") from None
            for split, drawings in arrays.items():
                kept = 0
                for index, strokes in enumerate(drawings):
                    strokes = np.asarray(strokes)
                    if strokes.ndim != 2 or strokes.shape[1] != 3 or len(strokes) < 2:
                        log.warning("%s: %s[%d] skipped: not an (N>=2, 3) stroke-3 array", path, split, index)
                        continue
                    if cap and kept >= cap:
                        break
                    kept += 1
                    key = f"npz-{category}-{split}-{index}"
                    yield split, key, self._example(strokes.astype(np.int16), category, key, False)

    # --- ndjson: the official formats ---------------------------------------------------------------
    def _ndjson_files(self, folder, categories):
        """[(folder rank, kind, category, path)] of the source's files for `categories`, in the order whose
        first occurrence of a drawing counts."""
        config = self.builder_config
        sources = [(kind, folder / kind) for kind in NDJSON_FOLDERS if kind != "synthetic" or config.include_synthetic]
        if config.contributions:
            sources.append(("contributions", Path(config.contributions) / "raw"))
        files = [
            (rank, kind, category, path)
            for rank, (kind, kind_folder) in enumerate(sources)
            for category in categories
            for path in (kind_folder / f"{category}.ndjson.gz", kind_folder / f"{category}.ndjson")
            if path.is_file()
        ]
        if not files:
            raise NoDataError(
                f"no <category>.ndjson[.gz] files for the chosen categories in {folder}/{{{','.join(NDJSON_FOLDERS)}}}"
            )
        return files

    def _ndjson_examples(self, folder, categories):
        cap = self.builder_config.max_per_category
        seen = set()
        kept = Counter()
        for _, kind, category, path in self._ndjson_files(folder, categories):
            for split, key, example in file_examples(kind, category, path, self.builder_config.simplification):
                if key in seen:
                    continue  # the same drawing in another folder: counted once
                seen.add(key)
                if cap and kept[category, split, example["synthetic"]] >= cap:
                    continue
                kept[category, split, example["synthetic"]] += 1
                yield split, key, example

    def _beam_splits(self, folder, categories):
        """{split: PTransform} that prepares the ndjson files on Beam; see the module's docstring."""
        if self.builder_config.max_per_category:
            raise ValueError("--max-per-category is for preparing in this process; leave out --beam")
        beam = tfds.core.lazy_imports.apache_beam
        files = self._ndjson_files(folder, categories)
        splits = ["train"] + (["validation", "test"] if any(kind != "synthetic" for _, kind, _, _ in files) else [])
        simplification = self.builder_config.simplification

        def examples_of(split):
            return (
                beam.Create([(rank, kind, category, str(path)) for rank, kind, category, path in files])
                | beam.FlatMap(ranked_examples, split, simplification)
                | beam.CombinePerKey(min_by_rank)
                | beam.MapTuple(lambda key, ranked: (key, ranked[1]))
            )

        return {split: examples_of(split) for split in splits}

    @staticmethod
    def _example(strokes, category, key, synthetic):
        return {"strokes": strokes, "label": category, "key_id": key, "synthetic": synthetic}


def file_examples(kind, category, path, simplification):
    """(split, key, example) of every usable drawing of one ndjson file, in file order; a line that cannot
    be used is skipped with a warning (once per reason, then a count)."""
    skipped = Counter()
    synthetic = kind == "synthetic"
    for number, line in enumerate(ndjson_lines(path), start=1):
        reason = None
        try:
            record = parse_ndjson_line(line)
            strokes = simplified_stroke3(record["drawing"], simplification)
        except DrawingError as error:
            reason = str(error)
        else:
            if record["word"] != category:
                reason = f"word {record['word']!r} does not match the file's category"
            elif len(strokes) < 2:
                reason = "fewer than 2 points"
        if reason:
            if not skipped[reason]:
                log.warning("%s:%d skipped: %s", path, number, reason)
            skipped[reason] += 1
            continue
        key = str(record.get("key_id") or f"{kind}-{category}-{number}")
        split = "train" if synthetic else split_for_key(key)
        yield split, key, SketchRnn._example(strokes, category, key, synthetic)
    for reason, count in skipped.items():
        log.warning("%s: %d line(s) skipped: %s", path, count, reason)


def ranked_examples(file, split, simplification):
    """Beam: (key, ((folder rank, place in the file), example)) of one file's drawings in `split`."""
    rank, kind, category, path = file
    for place, (its_split, key, example) in enumerate(file_examples(kind, category, Path(path), simplification)):
        if its_split == split:
            yield key, ((rank, place), example)


def min_by_rank(ranked):
    """Beam: of one key's ranked examples, the first one the plain path would meet."""
    return min(ranked, key=lambda pair: pair[0])
