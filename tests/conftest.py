import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from harness.live_server import CHROMIUM, CHROMIUM_ARGS, free_port
from model_training.core.config import PREPROCESSING, PROJECT_ROOT, default_quickdraw_dir
from webapp import create_app
from webapp.database import make_engine, upgrade
from webapp.models import Contribution

FIXTURE_QUICKDRAW_DIR = Path(__file__).resolve().parent / "fixtures" / "quickdraw"
# The heavy parts a test may need, by the fixture that brings each: such a test gets that marker and `slow`, so
# the fast loop (`scripts/test.sh -m "not slow"`) leaves them out. Tests that start servers or train in their
# own body carry the markers themselves.
HEAVY_FIXTURES = {
    "browser": "browser",  # Chromium
    "postgresql_url": "services",  # a PostgreSQL server
    "server": "services",  # gunicorn, alone or behind nginx with Redis
    "proxied": "services",
    "quick_run": "training",  # a TensorFlow training run and its export
    "one_device_run": "training",
    "other_package": "training",
    "teacher_path": "training",
}
# Preprocessing unlike config.PREPROCESSING (coarser simplification, a smaller frame, other offset scaling):
# a model trained with it reads every drawing differently, and everything that reads drawings must follow it.
OTHER_PREPROCESSING = {**PREPROCESSING, "canvas_size": 127, "rdp_epsilon": 3.5, "delta_scale": 9.0, "max_points": 120}


def pytest_collection_modifyitems(config, items):
    for item in items:
        kinds = {HEAVY_FIXTURES[name] for name in item.fixturenames if name in HEAVY_FIXTURES}
        kinds |= {mark.name for mark in item.iter_markers() if mark.name in HEAVY_FIXTURES.values()}
        if getattr(item, "callspec", None) and item.callspec.params.get("database_url") == "postgresql":
            kinds.add("services")  # database_url asks for the PostgreSQL server only for this parameter
        for kind in sorted(kinds):
            item.add_marker(kind)
        if kinds:
            item.add_marker("slow")
    # The longest files first (those that train, then those with other heavy parts), each file's tests kept
    # together and in order: the workers (pytest.ini) take files in this order, and the last ones are short.
    weight = {}
    for item in items:
        heaviness = 2 if item.get_closest_marker("training") else 1 if item.get_closest_marker("slow") else 0
        weight[item.path] = max(weight.get(item.path, 0), heaviness)
    items.sort(key=lambda item: -weight[item.path])


@pytest.fixture(scope="session")
def quickdraw_dir():
    """Real drawings: the shared Quick, Draw! folder where there is one ($INKLING_QUICKDRAW_DIR or
    ../shared/data/quickdraw), else the small committed fixture, so every test runs on a clean clone."""
    folder = default_quickdraw_dir()
    return Path(folder) if folder and Path(folder).is_dir() else FIXTURE_QUICKDRAW_DIR


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (scripts/test.sh installs it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def in_view(page, selector):
    """Whether the element is wholly within the window as it is scrolled now."""
    return page.eval_on_selector(
        selector, "e => { const box = e.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }"
    )


def stored_contributions(url):
    """Every row of the contributions table at `url`, oldest first."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.scalars(select(Contribution).order_by(Contribution.id)).all()
    engine.dispose()
    return rows


def run_module(*args, check=True):
    """`python -m` one of the project's commands, as a user runs it; asserts it succeeds unless `check` is false."""
    result = subprocess.run([sys.executable, "-m", *map(str, args)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result if not check else result.stdout


def run_flask(*args, database_url=None, check=True):
    """`flask --app webapp` one of the app's commands (webapp/cli.py), as a user runs it, against
    `database_url`; asserts it succeeds unless `check` is false."""
    env = {**os.environ, **({"INKLING_DATABASE_URL": database_url} if database_url else {})}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", *map(str, args)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result if not check else result.stdout


@pytest.fixture(scope="session")
def postgresql_url():
    """A real PostgreSQL server of this machine's (Debian's `postgresql` package), started for the tests
    on a free port in a scratch folder and stopped after them; skipped with the reason where there is none."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not binaries:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql); CI installs it")
    bin_dir = binaries[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="inkling-pg-"))
    as_owner = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: its files and processes belong to `postgres`
        shutil.chown(folder, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = free_port()

    def run(*command):
        subprocess.run([*as_owner, *command], check=True, capture_output=True, cwd=folder)

    run(bin_dir / "initdb", "-D", folder / "data", "-U", "inkling", "-A", "trust", "--no-sync")
    run(
        bin_dir / "pg_ctl",
        "-D",
        folder / "data",
        "-l",
        folder / "server.log",
        "-w",
        "start",
        "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
    )
    try:
        run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "inkling", "inkling")
        yield f"postgresql+psycopg://inkling@127.0.0.1:{port}/inkling"
    finally:
        run(bin_dir / "pg_ctl", "-D", folder / "data", "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty, migrated database: a SQLite file, then the PostgreSQL server (emptied for each test)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'inkling.sqlite3'}"
    else:
        url = request.getfixturevalue("postgresql_url")
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS contributions, alembic_version"))
        engine.dispose()
    upgrade(url)
    return url


@pytest.fixture()
def make_app(tmp_path):
    """create_app with the shipped model, a migrated SQLite database of its own, and `config` on top."""

    def make(**config):
        if "DATABASE_URL" not in config:
            config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'app.sqlite3'}"
            upgrade(config["DATABASE_URL"])
        return create_app({"TESTING": True, **config})

    return make


@pytest.fixture()
def app(make_app):
    return make_app()


@pytest.fixture()
def api_schema_of(client):
    """name -> a validator of that schema in the served /api/openapi.json (JSON Schema 2020-12, as OpenAPI 3.1
    has it), its references resolved within the document."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = client.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:api", Resource.from_contents(document, DRAFT202012))
    return lambda name: Draft202012Validator({"$ref": f"urn:api#/components/schemas/{name}"}, registry=registry)


@pytest.fixture()
def client(app):
    return app.test_client()
