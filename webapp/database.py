"""Inkling's database: one SQLAlchemy engine per app, and the schema's migrations (Alembic).

    flask --app webapp db upgrade      # the app's database (INKLING_DATABASE_URL) to the newest schema
    alembic revision --autogenerate -m "what changed"    # after changing webapp/models.py
    alembic check                      # the models and the migrations describe the same schema

The URL is the app's DATABASE_URL setting (webapp/config.py, INKLING_DATABASE_URL overrides), resolved
by create_app alone; Alembic's own commands (alembic.ini) get it from there too. scripts/run.sh runs the
upgrade before it serves, and the tests run it on every database they use, so nobody applies a
migration by hand. The URL is any SQLAlchemy URL: `sqlite:///path`, or `postgresql+psycopg://user@host/db`.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url):
    url = make_url(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # Concurrent workers write to one file: wait for the lock rather than fail at once. No pool: opening
        # the file is cheap, and a kept connection would go on using a file that was replaced.
        return create_engine(url, connect_args={"timeout": 5}, poolclass=NullPool)
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def upgrade(url, revision="head"):
    """Apply the migrations up to `revision` to the database at `url`."""
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def described(error):
    """A database error in one line for the log: its kind and the driver's first line, no traceback."""
    cause = getattr(error, "orig", None) or error
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__


def init_app(app):
    app.extensions["database"] = make_engine(app.config["DATABASE_URL"])
