"""How others drew it: a few real drawings of each category, from the training split, for the game to show
after a round (as Quick, Draw! does after a game).

    python -m model_training.others_drew --source DIR [--model-dir static/model] [--per-category 3]

Writes <model dir>/others_drew.json: {"drawings": {category: [drawing, ...]}}, each drawing Quick, Draw!'s
simplified strokes ([[xs], [ys]], 0..255), read from the source's simplified/ files, for each of the
package's labels. The drawings are ones their players saw recognised, from the training split only (never
a drawing the model is scored on), taken in key order so the file is the same on every run. They show a
category, whatever the model: the page looks up its prompt by name, and a missing one shows nothing.
`export` writes the file with the package.
"""

import argparse
import json
import sys
from pathlib import Path

from model_training.core.config import MODEL_DIR, default_quickdraw_dir
from model_training.core.model_package import ModelPackage, ModelPackageError
from model_training.core.ndjson import read_ndjson
from model_training.sketch_rnn.sketch_rnn_dataset_builder import split_for_key

FILE = "others_drew.json"
PER_CATEGORY = 3


def drawings_of(source, category, count):
    """Up to `count` recognised real training drawings of `category` from source/simplified/, in key order."""
    path = Path(source) / "simplified" / f"{category}.ndjson.gz"
    if not path.is_file():
        return []
    kept = sorted(
        (record["key_id"], record["drawing"])
        for record in read_ndjson(path)
        if record.get("recognized", True) and split_for_key(record["key_id"]) == "train"
    )
    return [drawing for _, drawing in kept[:count]]


def write_others_drew(source, model_dir, labels, count=PER_CATEGORY):
    """Write others_drew.json for `labels` into model_dir; returns how many categories have drawings."""
    drawings = {label: drawings_of(source, label, count) for label in labels}
    document = {"drawings": {label: found for label, found in drawings.items() if found}}
    (Path(model_dir) / FILE).write_text(json.dumps(document, separators=(",", ":")))
    return len(document["drawings"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=default_quickdraw_dir(), help="Quick, Draw! folder with simplified/")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--per-category", type=int, default=PER_CATEGORY)
    args = parser.parse_args(argv)
    if not args.source:
        parser.error("no Quick, Draw! folder: pass --source or set INKLING_QUICKDRAW_DIR")
    try:
        package = ModelPackage.from_pretrained(args.model_dir)
    except ModelPackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    covered = write_others_drew(args.source, args.model_dir, package.labels, args.per_category)
    size = (args.model_dir / FILE).stat().st_size
    print(f"{covered} of {len(package.labels)} categories, {size / 1024:.0f} KiB: {args.model_dir / FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
