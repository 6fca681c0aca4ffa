"""POST /api/contributions against real databases (SQLite and PostgreSQL), and the export back into the
`sketch_rnn` dataset."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import inspect

from model_training.core.config import PROJECT_ROOT
from model_training.core.ndjson import read_ndjson
from tests.conftest import FIXTURE_QUICKDRAW_DIR, run_flask, stored_contributions
from webapp.contributions import PRUNE_EVERY
from webapp.database import make_engine

CAT_RAW = read_ndjson(FIXTURE_QUICKDRAW_DIR / "raw" / "cat.ndjson.gz", limit=1)[0]["drawing"]
CLIENT_ID = "0b7d1f7e-2f0c-4a39-9d7e-3f6c2a1b9e55"


def round_of(prompt="cat", recognized=True, **changes):
    body = {
        "consent": True,
        "client_id": CLIENT_ID,
        "prompt": prompt,
        "drawing": CAT_RAW,
        "recognized": recognized,
        "recognized_ms": 2300 if recognized else None,
        "duration_ms": 2400,
        "model_version": "test-1",
        "engine": "browser",
        "guesses": [{"label": "cat", "probability": 0.62}, {"label": "tiger", "probability": 0.2}],
    }
    return {**body, **changes}


def post(client, payload):
    return client.post("/api/contributions", data=json.dumps(payload), content_type="application/json")


@pytest.fixture()
def db_client(make_app, database_url):
    return make_app(DATABASE_URL=database_url).test_client()


def test_a_shared_round_is_stored_whole_and_anonymous(db_client, database_url):
    response = post(db_client, round_of())
    assert response.status_code == 201, response.get_json()
    [row] = stored_contributions(database_url)
    assert response.get_json()["id"] == row.key_id
    assert row.prompt == "cat" and row.recognized and row.recognized_ms == 2300 and row.duration_ms == 2400
    assert row.drawing == [[list(map(float, s[0])), list(map(float, s[1])), s[2]] for s in CAT_RAW]  # timestamps kept
    assert row.points == sum(len(s[0]) for s in CAT_RAW)
    assert row.model_version == "test-1" and row.engine == "browser" and row.client_id == CLIENT_ID
    assert row.guesses[0] == {"label": "cat", "probability": 0.62} and row.prompt_probability == 0.62
    assert row.created_at is not None
    # Nothing that identifies the person: no column for an address or headers, and no address in any value.
    columns = {c["name"] for c in inspect(make_engine(database_url)).get_columns("contributions")}
    assert not columns & {"ip", "address", "remote_addr", "user_agent", "headers"}
    assert "127.0.0.1" not in json.dumps([str(getattr(row, c)) for c in columns])


def test_a_round_without_a_client_id_or_recognition_is_stored(db_client, database_url):
    payload = round_of(prompt="dog", recognized=False, guesses=[{"label": "cat", "probability": 0.5}])
    del payload["client_id"]
    assert post(db_client, payload).status_code == 201
    [row] = stored_contributions(database_url)
    assert row.client_id is None and not row.recognized and row.recognized_ms is None and row.prompt_probability == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"prompt": "unicorn"}, "'prompt': 'unicorn' is not one of the model's 345 categories"),
        ({"drawing": [[s[0], s[1]] for s in CAT_RAW]}, "'drawing.0.2': field required"),
        ({"drawing": [[[1, 2], [3, 4], [5, 3]]]}, "go back in time"),
        ({"drawing": [[[1, 2], [3, 4], [0, 1.5]]]}, "'drawing.0.2.1': input should be a valid integer"),
        ({"drawing": [[[0, 1e300], [0, 0], [0, 1]]]}, "absurd coordinate"),
        ({"drawing": [[list(range(4001)), list(range(4001)), list(range(4001))]]}, "more than 4000 points"),
        ({"drawing": []}, "'drawing': list should have at least 1 item"),
        ({"recognized": "yes"}, "'recognized': input should be a valid boolean"),
        ({"recognized_ms": None}, "exactly when 'recognized' is true"),
        ({"duration_ms": -1}, "'duration_ms': input should be greater than or equal to 0"),
        ({"guesses": [{"label": "cat", "probability": 2}]}, "'guesses.0.probability': input should be less"),
        ({"guesses": [{"label": "nope", "probability": 0.2}]}, "'guesses.0.label': 'nope' is not one of"),
        ({"guesses": [{"label": "cat", "probability": 0.1}] * 21}, "'guesses': list should have at most 20 items"),
        ({"client_id": "me@example.com"}, "'client_id': string should match pattern"),
        ({"engine": "gpu"}, "'engine': input should be 'browser' or 'server'"),
        ({"model_version": ""}, "'model_version': string should have at least 1 character"),
        ({"ip": "1.2.3.4"}, "'ip': extra inputs are not permitted"),
        # Each of these was once a 500, or stored something a database or the page chokes on.
        ({"prompt": 5}, "'prompt': input should be a valid string"),
        ({"prompt": []}, "'prompt': input should be a valid string"),
        ({"prompt": {}}, "'prompt': input should be a valid string"),
        ({"guesses": [{"label": 5, "probability": 0.2}]}, "'guesses.0.label': input should be a valid string"),
        ({"guesses": [{"label": ["cat"], "probability": 0.2}]}, "'guesses.0.label': input should be a valid string"),
        ({"model_version": "v1\x00"}, "'model_version': string should match pattern"),
        ({"client_id": CLIENT_ID + "\n"}, "'client_id': string should match pattern"),
        ({"client_id": CLIENT_ID[:-1] + "\x00"}, "'client_id': string should match pattern"),
        ({"recognized_ms": 2500, "duration_ms": 2400}, "cannot be later than 'duration_ms'"),
        ({"duration_ms": 60001}, "'duration_ms': input should be less than or equal to 60000"),
        ({"drawing": [[[1], [2], [0]]] * 201}, "'drawing': list should have at most 200 items"),
        ({"consent": False}, "'consent': input should be true"),
        ({"consent": None}, "'consent': input should be true"),
    ],
)
def test_bad_rounds_get_a_clear_422_and_nothing_is_stored(db_client, database_url, changes, message):
    response = post(db_client, round_of(**changes))
    assert response.status_code == 422 and message in response.get_json()["error"], response.get_json()
    assert stored_contributions(database_url) == []


def test_malformed_or_non_json_bodies_are_refused(client):
    assert client.post("/api/contributions", data="{", content_type="application/json").status_code == 400
    lone_surrogate = json.dumps(round_of(model_version="\ud800"))  # escaped JSON that is no Unicode text
    response = client.post("/api/contributions", data=lone_surrogate, content_type="application/json")
    assert response.status_code == 400 and "malformed JSON" in response.get_json()["error"]
    assert client.post("/api/contributions", data="x=1").status_code == 415
    assert post(client, ["not", "an", "object"]).status_code == 422


def post_from(client, address, payload):
    return client.post(
        "/api/contributions",
        data=json.dumps(payload),
        content_type="application/json",
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_client_is_rate_limited(make_app):
    client = make_app(CONTRIBUTION_RATE="3 per minute").test_client()
    assert [post(client, round_of()).status_code for _ in range(4)] == [201, 201, 201, 429]
    response = post(client, round_of())
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"] == "Too Many Requests"
    assert post_from(client, "10.0.0.2", round_of()).status_code == 201  # another client is not held back


def test_a_daily_quota_per_address_and_no_cap_that_others_can_use_up(make_app):
    client = make_app(CONTRIBUTION_DAILY_QUOTA="2 per day").test_client()
    assert [post_from(client, "10.0.0.3", round_of()).status_code for _ in range(3)] == [201, 201, 429]
    refused = post_from(client, "10.0.0.3", round_of())
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3600  # come back tomorrow
    # Twenty addresses each using up their day leave a new player's round as welcome as the first.
    for k in range(20):
        assert [post_from(client, f"10.0.1.{k}", round_of()).status_code for _ in range(3)] == [201, 201, 429]
    assert post_from(client, "10.0.2.1", round_of()).status_code == 201


def test_the_database_keeps_its_budget_by_letting_the_oldest_unrecognised_rounds_go(make_app, database_url):
    points = sum(len(xs) for xs, _, _ in CAT_RAW)
    unlimited = {"CONTRIBUTION_RATE": "1000 per minute", "CONTRIBUTION_DAILY_QUOTA": "1000 per day"}
    client = make_app(DATABASE_URL=database_url, CONTRIBUTIONS_MAX_POINTS=30 * points, **unlimited).test_client()
    # Rounds 1-10 recognised, 11-49 not; the 50th is when the database counts what it keeps.
    for k in range(1, PRUNE_EVERY + 1):
        assert post(client, round_of(recognized=k <= 10, duration_ms=60_000 - 1000 + k)).status_code == 201
    kept = stored_contributions(database_url)
    # 30 rounds' points are kept: the recognised ones all stay, and of the others the newest.
    assert len(kept) == 30 and sum(row.points for row in kept) == 30 * points
    assert [row.duration_ms - 59_000 for row in kept] == list(range(1, 11)) + list(range(31, 51))


def test_a_round_larger_than_any_real_drawing_needs_is_refused(client):
    big = round_of(drawing=[[[1.1234567890123] * 3900, [2.1234567890123] * 3900, list(range(3900))]])
    response = post(client, big)
    assert response.status_code == 413 and "at most 128 KiB" in response.get_json()["error"]


@pytest.mark.parametrize("url", ["postgresql+psycopg://nobody@127.0.0.1:1/none", "sqlite:///{tmp}/unmigrated.sqlite3"])
def test_an_unavailable_database_is_a_503_that_says_the_drawing_is_kept(make_app, tmp_path, url, caplog):
    client = make_app(DATABASE_URL=url.format(tmp=tmp_path)).test_client()
    response = post(client, round_of())
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "kept and will be sent again" in response.get_json()["error"]
    assert "Traceback" not in response.get_data(as_text=True) and "contribution not stored" in caplog.text
    assert "Traceback" not in caplog.text  # expected while the database is away: one line in the log
    assert client.get("/healthz").status_code == 200  # predictions go on without the database


def test_a_pooled_postgresql_connection_the_server_dropped_is_replaced_unseen(make_app, postgresql_url):
    from sqlalchemy import text

    from webapp.database import upgrade

    engine = make_engine(postgresql_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS contributions, alembic_version"))
    upgrade(postgresql_url)
    client = make_app(DATABASE_URL=postgresql_url).test_client()
    assert post(client, round_of()).status_code == 201  # the app's pool now holds a connection
    with engine.begin() as connection:  # as a database restart or an idle timeout does
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"))
    engine.dispose()
    assert post(client, round_of()).status_code == 201  # checked before use, replaced: no 503, nothing lost
    assert len(stored_contributions(postgresql_url)) == 2


@pytest.mark.slow  # over ten seconds
def test_export_writes_official_raw_ndjson_with_its_filters(db_client, database_url, tmp_path):
    for payload in (
        round_of(),
        round_of(prompt="dog", recognized=False),
        round_of(prompt="bicycle", recognized=False, guesses=[{"label": "bicycle", "probability": 0.4}]),
    ):
        assert post(db_client, payload).status_code == 201

    def export(out, *options):
        return run_flask("contributions", "export", "--out", out, *options, database_url=database_url)

    out = export(tmp_path / "all")
    assert "exported 3 drawings in 3 categories" in out
    [record] = read_ndjson(tmp_path / "all" / "raw" / "cat.ndjson")
    assert set(record) == {"key_id", "word", "countrycode", "timestamp", "recognized", "drawing"}
    assert record["word"] == "cat" and record["recognized"] is True and record["key_id"].startswith("contribution-")
    assert record["drawing"][0][2] == CAT_RAW[0][2] and record["timestamp"].endswith(" UTC")

    out = export(tmp_path / "all", "--recognized-only")
    assert "exported 1 drawings in 1 categories" in out and "(2 left out by the filters)" in out
    assert [p.name for p in (tmp_path / "all" / "raw").iterdir()] == ["cat.ndjson"]  # a re-export replaces
    # The bicycle round claims the model gave "bicycle" 0.4; the model, reading the drawing (a cat), does not.
    out = export(tmp_path / "agree", "--min-agreement", "0.3")
    assert sorted(p.name for p in (tmp_path / "agree" / "raw").iterdir()) == ["cat.ndjson"]
    assert "(2 left out by the filters)" in out


def test_export_of_an_unreadable_database_is_a_clear_error(tmp_path):
    result = run_flask(
        "contributions",
        "export",
        "--out",
        tmp_path,
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
        check=False,
    )
    assert result.returncode != 0 and "the contributions database cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_models_and_the_migrations_describe_the_same_schema(database_url):
    """`alembic check` (alembic.ini, the app's DATABASE_URL): autogenerate finds nothing to add."""
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "INKLING_DATABASE_URL": database_url},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No new upgrade operations detected" in result.stdout + result.stderr


def test_the_round_the_game_sends_is_valid_by_the_api_document_and_stored(client, api_schema_of):
    validator = api_schema_of("Contribution")
    body = round_of()
    assert not list(validator.iter_errors(body))
    assert post(client, body).status_code == 201
    # What the server refuses, the document refuses too.
    for refused in (
        {**body, "consent": False},
        {k: v for k, v in body.items() if k != "consent"},
        {**body, "prompt": "unicorn"},
        {**body, "drawing": [[[1], [2], [0.5]]]},
    ):
        assert list(validator.iter_errors(refused)) and post(client, refused).status_code == 422
