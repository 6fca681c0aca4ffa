"""Prepare the `sketch_rnn` dataset and print what it holds.

    python -m model_training.data --source ../shared/data/quickdraw
    python -m model_training.data --config npz --source ~/sketchrnn_npz --categories cat,dog
    python -m model_training.data --config download --categories cat,dog   # needs the network

Prints a per-split, per-category summary of real and synthetic drawings.
"""

import argparse
import hashlib
import logging
import shlex
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import tensorflow_datasets as tfds

from model_training.core.config import (
    CONTRIBUTION_KEY_PREFIX,
    PREPROCESSING,
    QUICKDRAW_DIR_ENV,
    TFDS_DATA_DIR,
    default_quickdraw_dir,
)
from model_training.core.ndjson import read_ndjson
from model_training.sketch_rnn import CATEGORIES, NoDataError, SketchRnn, SketchRnnConfig, split_for_key
from model_training.sketch_rnn.sketch_rnn_dataset_builder import simplification_of

SPLITS = ("train", "validation", "test")
MANY_REAL = 100  # a category with at least this many real training drawings is "well covered"
# Bins of real training drawings per category, for evaluate's table of top-1 against the real data a
# category had (data_size_groups).
REAL_DRAWING_BINS = (0, 50, 100, 300, 1000)
# Two of category_groups' names: the categories with synthetic drawings, and the thin ones (neither many real
# drawings nor synthetic ones).
SYNTHETIC = "with synthetic drawings"
THIN = "only a few real drawings"


def add_dataset_arguments(parser):
    """The flags that choose a dataset; shared by the data, train and evaluate commands."""
    parser.add_argument(
        "--source",
        type=str,
        default=None,
        help="Quick, Draw! folder (default: $INKLING_QUICKDRAW_DIR or ../shared/data/quickdraw)",
    )
    parser.add_argument("--config", choices=("ndjson", "npz", "download"), default="ndjson")
    parser.add_argument("--categories", type=str, default="", help="comma-separated category names (default: all 345)")
    parser.add_argument(
        "--max-per-category", type=int, default=0, help="cap per category, split and kind (real/synthetic); 0 keeps all"
    )
    parser.add_argument("--no-synthetic", action="store_true", help="leave out synthetic drawings")
    parser.add_argument("--data-dir", type=str, default=str(TFDS_DATA_DIR), help="where TFDS writes the dataset")
    parser.add_argument(
        "--contributions",
        type=str,
        default="",
        help="a folder written by `flask --app webapp contributions export`: the game's shared drawings, "
        "added as real ones",
    )


def dataset_flags():
    """The names of add_dataset_arguments' flags: a run records them (model_training.run_config) to rebuild its
    dataset."""
    parser = argparse.ArgumentParser()
    add_dataset_arguments(parser)
    return tuple(vars(parser.parse_args([])))


def folder_digest(folder):
    """A hash of every file under `folder` (names and contents): what a dataset built from it depends on."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prepare(args, preprocessing=PREPROCESSING, beam_options=None):
    """Build (or reuse) the dataset the arguments describe, simplified by `preprocessing`; return its builder.

    The config's name carries a digest of everything the dataset would hold (the chosen drawings, the
    source folder's and the contributions' files, the simplification), so a changed setting or a changed
    folder builds a new dataset and never silently reuses an old one."""
    categories = tuple(c.strip() for c in args.categories.split(",") if c.strip())
    contributions = args.contributions
    if contributions and not Path(contributions).is_dir():
        raise FileNotFoundError(f"--contributions {contributions}: no such folder")
    source = args.source or default_quickdraw_dir()
    if args.config != "download" and source is None:
        raise NoDataError(f"no source folder: pass --source or set ${QUICKDRAW_DIR_ENV}")
    simplification = simplification_of(preprocessing)
    what = (
        categories,
        args.max_per_category,
        args.no_synthetic,
        contributions and folder_digest(contributions),
        folder_digest(source) if args.config != "download" else "",
        sorted(simplification.items()),
    )
    config = SketchRnnConfig(
        name=f"{args.config}_{hashlib.sha256(repr(what).encode()).hexdigest()[:10]}",
        source=args.config,
        categories=categories,
        max_per_category=args.max_per_category,
        include_synthetic=not args.no_synthetic,
        contributions=str(Path(contributions).resolve()) if contributions else "",
        simplification=simplification,
    )
    builder = SketchRnn(config=config, data_dir=args.data_dir)
    builder.beam = beam_options is not None  # the same records either way, so the same dataset name
    download_config = tfds.download.DownloadConfig(manual_dir=source, try_download_gcs=False)
    if builder.beam:
        from apache_beam.options.pipeline_options import PipelineOptions  # only when asked: slow to import

        download_config.beam_options = PipelineOptions(shlex.split(beam_options))
    builder.download_and_prepare(download_config=download_config)
    return builder


def load_split(builder, split, real_only=False):
    """A split in memory: its simplified stroke-3 sequences (int16), labels, synthetic flags."""
    sequences, labels, synthetic = [], [], []
    for example in builder.as_dataset(split=split).as_numpy_iterator():
        if real_only and example["synthetic"]:
            continue
        sequences.append(example["strokes"])
        labels.append(example["label"])
        synthetic.append(example["synthetic"])
    return sequences, np.array(labels, dtype=np.int32), np.array(synthetic, dtype=bool)


def raw_split(source, split):
    """The real drawings of `split` in the source's raw/ folder, with their timestamps, as the page records
    them: (drawings [[xs, ys, ts], ...], labels), in a fixed order. The dataset keeps no timestamps."""
    drawings, labels = [], []
    for path in sorted((Path(source) / "raw").glob("*.ndjson*")):
        for record in read_ndjson(path):
            if split_for_key(record["key_id"]) == split and record["word"] in CATEGORIES:
                drawings.append(record["drawing"])
                labels.append(CATEGORIES.index(record["word"]))
    return drawings, np.array(labels, dtype=np.int32)


def split_counts(builder):
    """{split: Counter((category, synthetic) -> drawings)}, and {split: contributed drawings}."""
    counts = {split: Counter() for split in SPLITS}
    contributed = Counter()
    for split in builder.info.splits:
        dataset = builder.as_dataset(split=split).map(lambda e: (e["label"], e["synthetic"], e["key_id"]))
        for label, synthetic, key_id in tfds.as_numpy(dataset):
            counts[split][CATEGORIES[label], bool(synthetic)] += 1
            contributed[split] += key_id.startswith(CONTRIBUTION_KEY_PREFIX.encode())
    return counts, contributed


def real_and_synthetic(train_counts):
    """Per category, in CATEGORIES order: its real training drawings, and whether it has synthetic ones."""
    real = np.array([train_counts[c, False] for c in CATEGORIES])
    synthetic = np.array([train_counts[c, True] for c in CATEGORIES]) > 0
    return real, synthetic


def category_groups(train_counts):
    """Category masks from the training split's Counter((category, synthetic) -> drawings). The first two
    overlap (five well-covered categories also have synthetic drawings); the third is every category in neither."""
    real, synthetic = real_and_synthetic(train_counts)
    many = real >= MANY_REAL
    return {
        f"many real drawings (>= {MANY_REAL})": many,
        SYNTHETIC: synthetic,
        THIN: ~many & ~synthetic,
    }


def data_size_groups(train_counts):
    """Categories without synthetic drawings, binned by their real training drawings (REAL_DRAWING_BINS):
    how a category's accuracy grows with its real data alone, other things being equal as far as they can."""
    real, synthetic = real_and_synthetic(train_counts)
    edges = (*REAL_DRAWING_BINS, np.inf)
    return {
        f"no synthetic, {low}+ real" if high == np.inf else f"no synthetic, {low}-{high - 1} real": (
            ~synthetic & (real >= low) & (real < high)
        )
        for low, high in zip(edges, edges[1:])
    }


def print_summary(counts, contributed):
    print(f"{'category':<26}" + "".join(f"{s + ' real':>16}{s + ' synth':>17}" for s in SPLITS))
    for category in CATEGORIES:
        cells = [counts[s][category, synthetic] for s in SPLITS for synthetic in (False, True)]
        if any(cells):
            print(f"{category:<26}" + "".join(f"{c:>16}" if i % 2 == 0 else f"{c:>17}" for i, c in enumerate(cells)))
    print("-" * 125)
    for split in SPLITS:
        real = sum(n for (c, synthetic), n in counts[split].items() if not synthetic)
        synthetic = sum(n for (c, s), n in counts[split].items() if s)
        categories = len({c for c, _ in counts[split]})
        print(f"{split:<11} real {real:>7}  synthetic {synthetic:>7}  categories {categories:>3}")
    real_per_category = np.array([sum(counts[s][c, False] for s in SPLITS) for c in CATEGORIES])
    if sum(contributed.values()):
        print(
            "contributed (from the game, among the real ones): "
            + ", ".join(f"{split} {contributed[split]}" for split in SPLITS)
        )
    print(
        f"real drawings per category: min {real_per_category.min()}, median "
        f"{int(np.median(real_per_category))}, max {real_per_category.max()}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_dataset_arguments(parser)
    parser.add_argument(
        "--beam",
        nargs="?",
        const="",
        default=None,
        metavar="OPTIONS",
        help="prepare on Apache Beam, with these pipeline options: "
        "'--direct_num_workers=2 --direct_running_mode=multi_processing' here, '--runner=FlinkRunner ...' "
        "on a cluster (default: Beam's DirectRunner)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        builder = prepare(args, beam_options=args.beam)
    except (NoDataError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"dataset: {builder.info.full_name} in {builder.data_dir}")
    print_summary(*split_counts(builder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
