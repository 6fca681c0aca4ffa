"""The game's shared drawings back into training, as Quick, Draw!'s official raw ndjson.

    python -m model_training.contributions export --out DIR                  # every shared round
    python -m model_training.contributions export --out DIR --recognized-only
    python -m model_training.contributions export --out DIR --min-agreement 0.5
    python -m model_training.data --source ../shared/data/quickdraw --contributions DIR   # then train/evaluate alike

Writes DIR/raw/<category>.ndjson, one record a line with the official raw fields (key_id, word, countrycode,
timestamp, recognized, drawing with timestamps). The `sketch_rnn` builder reads DIR as one more source of
real drawings (`--contributions DIR` on the data, train and evaluate commands), split by key_id like any
other. --min-agreement keeps rounds where the model, at the round's end, gave the prompt at least that
probability. The database is the web app's ($INKLING_DATABASE_URL, or instance/inkling.sqlite3).
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from model_training.config import CONTRIBUTION_KEY_PREFIX
from webapp.database import database_url, make_engine
from webapp.models import Contribution


def record(row):
    return {
        "key_id": CONTRIBUTION_KEY_PREFIX + row.key_id,
        "word": row.prompt,
        "countrycode": "",
        "timestamp": row.created_at.strftime("%Y-%m-%d %H:%M:%S.%f UTC"),
        "recognized": row.recognized,
        "drawing": row.drawing,
    }


def export(out, url=None, recognized_only=False, min_agreement=0.0):
    """Write the chosen contributions under out/raw/; returns {category: drawings written} and how many
    rows the filters left out."""
    query = select(Contribution).order_by(Contribution.id)
    if recognized_only:
        query = query.where(Contribution.recognized.is_(True))
    if min_agreement > 0:
        query = query.where(Contribution.prompt_probability >= min_agreement)
    engine = make_engine(database_url(url))
    with Session(engine) as session:
        rows = session.scalars(query).all()
        total = session.scalar(select(func.count()).select_from(Contribution))
    engine.dispose()
    folder = Path(out) / "raw"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.ndjson"):  # a re-export replaces the last one, filters included
        old.unlink()
    by_category = {}
    for row in rows:
        by_category.setdefault(row.prompt, []).append(json.dumps(record(row), separators=(",", ":")))
    for category, lines in by_category.items():
        (folder / f"{category}.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Counter({c: len(lines) for c, lines in by_category.items()}), total - len(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("export",))
    parser.add_argument("--out", type=Path, required=True, help="folder to write raw/<category>.ndjson into")
    parser.add_argument(
        "--database-url", default=None, help="default: $INKLING_DATABASE_URL or instance/inkling.sqlite3"
    )
    parser.add_argument("--recognized-only", action="store_true", help="only rounds the model recognised")
    parser.add_argument(
        "--min-agreement",
        type=float,
        default=0.0,
        help="only rounds where the model gave the prompt at least this probability (0 to 1)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.min_agreement <= 1:
        parser.error("--min-agreement must be from 0 to 1")
    try:
        counts, left_out = export(args.out, args.database_url, args.recognized_only, args.min_agreement)
    except SQLAlchemyError as error:
        print(
            f"error: the contributions database cannot be read ({getattr(error, 'orig', None) or error})",
            file=sys.stderr,
        )
        return 2
    for category, n in sorted(counts.items()):
        print(f"{category:<26}{n:>6}")
    print(
        f"exported {sum(counts.values())} drawings in {len(counts)} categories to {args.out / 'raw'}"
        f" ({left_out} left out by the filters)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
