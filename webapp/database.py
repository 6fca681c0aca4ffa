"""Inkling's database: one SQLAlchemy engine per app, and the schema's migrations (Alembic).

    python -m webapp.migrate     # $INKLING_DATABASE_URL (default: SQLite in instance/) to the newest schema

scripts/run.sh runs the upgrade before it serves, and the tests run it on every database they use, so
nobody applies a migration by hand. A schema change is a new file in migrations/versions/, written like
0001 with the next revision number and `down_revision` naming the one before. The URL is any SQLAlchemy
URL: `sqlite:///path`, or `postgresql+psycopg://user@host/db`.
"""

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from webapp.config import DEFAULTS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def database_url(url=None):
    """The URL given, else $INKLING_DATABASE_URL, else the default SQLite file in the instance folder."""
    return url or os.environ.get("INKLING_DATABASE_URL") or DEFAULTS["DATABASE_URL"]


def make_engine(url):
    url = make_url(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # Concurrent workers write to one file: wait for the lock rather than fail at once.
        return create_engine(url, connect_args={"timeout": 5})
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def upgrade(url=None, revision="head"):
    """Apply the migrations up to `revision` to the database at `url` (see database_url)."""
    engine = make_engine(database_url(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def init_app(app):
    app.extensions["database"] = make_engine(app.config["DATABASE_URL"])
