"""The app's commands, run through Flask's CLI so they read the app's own settings (the database URL from
INKLING_DATABASE_URL, else the SQLite file in instance/):

    flask --app webapp db upgrade                                  # the database to the newest schema
    flask --app webapp contributions export --out DIR              # shared rounds as raw ndjson
    flask --app webapp contributions export --out DIR --recognized-only
    flask --app webapp contributions export --out DIR --min-agreement 0.5

The export writes DIR/raw/<category>.ndjson, one record a line with Quick, Draw!'s raw fields (key_id,
word, countrycode, timestamp, recognized, drawing with timestamps). The `sketch_rnn` dataset reads DIR as
one more source of real drawings (`--contributions DIR` on the data, train and evaluate commands), split by
key_id like any other. --recognized-only keeps rounds whose finished drawing wins by the game's rule
(webapp/win_rule.py: the prompt leads the served model's calibrated guesses clearly enough), and
--min-agreement those to which it gives the prompt at least that probability: both are computed here, with
the model, never taken from what a client reported. Rows are streamed, so the export's memory
does not grow with the database.
"""

import json
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from model_training.core.config import CONTRIBUTION_KEY_PREFIX
from webapp.database import upgrade
from webapp.models import Contribution
from webapp.win_rule import guesses_hold

db = AppGroup("db", help="The contributions database.")
contributions = AppGroup("contributions", help="Drawings shared from the game.")
EXPORT_BATCH = 50  # rows fetched at a time: a large round is about half a MiB as Python objects


def shown_url():
    return current_app.extensions["database"].url.render_as_string(hide_password=True)


@db.command("upgrade")
def db_upgrade():
    """Apply the migrations up to the newest schema."""
    try:
        upgrade(current_app.config["DATABASE_URL"])
    except SQLAlchemyError as error:
        raise click.ClickException(f"the database cannot be migrated ({getattr(error, 'orig', None) or error})")
    click.echo(f"database: {shown_url()} is up to date")


def record(row):
    return {
        "key_id": CONTRIBUTION_KEY_PREFIX + row.key_id,
        "word": row.prompt,
        "countrycode": "",
        "timestamp": row.created_at.strftime("%Y-%m-%d %H:%M:%S.%f UTC"),
        "recognized": row.recognized,
        "drawing": row.drawing,
    }


def agrees(predictor, row, recognized_only, min_agreement):
    """Whether the served model, reading the finished drawing, agrees with the round's prompt enough."""
    guesses = predictor.predict(predictor.stroke3(row.drawing), len(predictor.labels))["guesses"]
    probability = next(g["probability"] for g in guesses if g["label"] == row.prompt)
    wins = guesses_hold(guesses, row.prompt, current_app.config["WIN_RULE"])
    return (not recognized_only or wins) and probability >= min_agreement


def export(out, recognized_only=False, min_agreement=0.0):
    """Write the chosen contributions under out/raw/; returns {category: drawings written} and how many
    rows the filters left out."""
    query = select(Contribution).order_by(Contribution.id).execution_options(yield_per=EXPORT_BATCH)
    predictor = current_app.extensions["predictor"]
    filtered = recognized_only or min_agreement > 0
    if filtered and not predictor.ready:
        raise click.ClickException(f"the filters need the model, which is not loaded: {predictor.error}")
    folder = Path(out) / "raw"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.ndjson"):  # a re-export replaces the last one, filters included
        old.unlink()
    counts = Counter()
    with Session(current_app.extensions["database"]) as session, ExitStack() as files:
        total = session.scalar(select(func.count()).select_from(Contribution))
        out_files = {}
        for row in session.scalars(query):
            if filtered and not agrees(predictor, row, recognized_only, min_agreement):
                session.expunge(row)
                continue
            if row.prompt not in out_files:
                out_files[row.prompt] = files.enter_context(
                    open(folder / f"{row.prompt}.ndjson", "w", encoding="utf-8")
                )
            out_files[row.prompt].write(json.dumps(record(row), separators=(",", ":")) + "\n")
            counts[row.prompt] += 1
            session.expunge(row)  # a streamed row is written once and forgotten
    return counts, total - sum(counts.values())


@contributions.command("export")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="folder for raw/<category>.ndjson")
@click.option("--recognized-only", is_flag=True, help="only rounds whose drawing wins by the game's rule")
@click.option(
    "--min-agreement",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="only rounds whose drawing the model gives the prompt at least this probability",
)
def contributions_export(out, recognized_only, min_agreement):
    """Export shared rounds as Quick, Draw! raw ndjson, for training."""
    try:
        counts, left_out = export(out, recognized_only, min_agreement)
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"the contributions database cannot be read ({getattr(error, 'orig', None) or error})"
        ) from None
    for category, n in sorted(counts.items()):
        click.echo(f"{category:<26}{n:>6}")
    click.echo(
        f"exported {sum(counts.values())} drawings in {len(counts)} categories to {out / 'raw'}"
        f" ({left_out} left out by the filters)"
    )


def init_app(app):
    app.cli.add_command(db)
    app.cli.add_command(contributions)
