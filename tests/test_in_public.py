"""The deployment that faces the public, as `scripts/run.sh --public` starts it (webapp/public.py): Debian's
nginx in front of gunicorn on a Unix socket, Redis for the limits, on 127.0.0.1, with other addresses of
127.0.0.0/8 acting as other people. Slow clients stop at nginx, the per-address limits see each client's own
address through it, and nothing reaches the app around it."""

import gzip
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from harness.live_server import live_server, public_server, redis_server
from model_training.core.config import PROJECT_ROOT
from webapp.public import NGINX, REDIS

BODY = json.dumps({"strokes": [[3, 4, 0]] * 399 + [[1, 1, 1]]}).encode()  # 400 points


def skip_without_nginx_and_redis():
    for program, package in ((NGINX, "nginx-light"), (REDIS, "redis-server")):
        if not Path(program).is_file():
            pytest.skip(f"{package} is not installed (Debian: apt-get install {package}); scripts/test.sh installs it")


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """The public mode with two workers, and its output (gunicorn's access log among it)."""
    skip_without_nginx_and_redis()
    log = tmp_path_factory.mktemp("public") / "output.log"
    settings = {"INKLING_PREDICT_POINTS_RATE": "1000 per minute"}
    with public_server(workers=2, log_path=log, env=settings) as (url, process):
        yield url, process, log


@pytest.fixture(scope="module")
def proxied(public):
    return public[0]


def request_from(address, url, path="/api/predict", body=BODY, method="POST", whole=False, extra=""):
    """A request from `address` (a loopback address of its own); returns the status, or with `whole` the
    status, the headers (lower-case names) and the body."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30, source_address=(address, 0)) as connection:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: inkling\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
        )
        connection.sendall(head.encode() + body)
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    status = int(response.split(b" ", 2)[1])
    if not whole:
        return status
    head, body = response.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")[1:]
    return status, {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


def test_nothing_reaches_the_app_but_nginx(public):
    _, process, _ = public
    command = psutil.Process(process.pid)
    programs = [command, *command.children(recursive=True)]
    listening = {
        (p.name(), c.laddr.port) for p in programs for c in p.net_connections("inet") if c.status == psutil.CONN_LISTEN
    }
    assert {name for name, _ in listening} == {"nginx"}, listening  # gunicorn and Redis: Unix sockets alone


def test_static_files_are_served_compressed_once_and_kept_by_their_hash(proxied):
    status, headers, page = request_from("127.0.0.40", proxied, "/", b"", "GET", whole=True)
    assert status == 200 and headers["cache-control"] == "public, max-age=60"  # the same for everyone
    [script] = re.findall(rb'src="(/static/vendor/tf\.min\.js\?v=[0-9a-f]{12})"', page)
    request = urllib.request.Request(proxied + script.decode(), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        served = gzip.decompress(response.read())
    assert served == (Path(__file__).parents[1] / "static" / "vendor" / "tf.min.js").read_bytes()
    # Without its hash a file may change, so it is checked again each time.
    with urllib.request.urlopen(proxied + "/static/js/app.js") as response:
        assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]


def test_a_page_is_rendered_once_for_many_and_no_address_is_logged(public):
    url, _, log = public
    statuses = [request_from(f"127.0.0.{50 + k}", url, "/learn/lstm-cell", b"", "GET") for k in range(10)]
    assert set(statuses) == {200}
    deadline = time.monotonic() + 10  # a worker writes its log line after the answer has gone
    while '"GET /learn/lstm-cell HTTP/1.1" 200' not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert log.read_text().count('"GET /learn/lstm-cell HTTP/1.1" 200') == 1, log.read_text()[-2000:]
    requests = [line for line in log.read_text().splitlines() if '"GET ' in line]
    assert requests and not any(re.search(r"127\.0\.0\.\d+", line) for line in requests)  # nor an address


def test_nginxs_own_refusals_are_json_with_retry_after(proxied):
    for _ in range(60):
        status, headers, body = request_from("127.0.0.41", proxied, "/learn", b"", "GET", whole=True)
        if status == 429:
            break
    assert status == 429 and int(headers["retry-after"]) > 0 and headers["content-type"] == "application/json"
    assert "too many requests" in json.loads(body)["error"] and headers["x-content-type-options"] == "nosniff"


def test_the_limits_count_each_client_by_its_own_address_behind_the_proxy(proxied):
    # 1,000 points a minute per address, whichever worker answers: two 400-point drawings, and the third is
    # refused ...
    assert [request_from("127.0.0.21", proxied) for _ in range(3)] == [200, 200, 429]
    # ... while another address, behind the same proxy, has its own budget.
    assert request_from("127.0.0.22", proxied) == 200
    # A client that claims another address is still counted by its own.
    claim = "X-Forwarded-For: 127.0.0.99\r\n"
    assert [request_from("127.0.0.21", proxied, extra=claim), request_from("127.0.0.99", proxied)] == [429, 200]


def test_every_route_is_bounded_at_the_proxy(proxied):
    # A shared round over 128 KiB stops at nginx, before the app reads it.
    assert request_from("127.0.0.25", proxied, "/api/contributions", b"{" + b" " * 200_000 + b"}") == 413
    # Pages are rendered by the app: one address asking for them in a flood is turned away ...
    statuses = [request_from("127.0.0.26", proxied, "/learn", b"", "GET") for _ in range(40)]
    assert statuses[0] == 200 and 429 in statuses
    # ... and another is not.
    assert request_from("127.0.0.27", proxied, "/learn", b"", "GET") == 200


def test_hundreds_of_trickling_connections_from_one_address_leave_others_answered(proxied):
    host, port = proxied.removeprefix("http://").split(":")
    trickling = []
    try:
        for _ in range(600):  # each sends the first byte of a request line, then nothing
            connection = socket.create_connection((host, int(port)), timeout=10, source_address=("127.0.0.23", 0))
            connection.sendall(b"G")
            trickling.append(connection)
        with urllib.request.urlopen(proxied + "/healthz", timeout=30) as response:
            assert response.status == 200  # from 127.0.0.1, while all 600 hold their connections
        assert request_from("127.0.0.24", proxied) == 200
    finally:
        for connection in trickling:
            connection.close()


@pytest.mark.services
def test_two_app_servers_share_one_database_one_limit_store_and_one_model(postgresql_url, tmp_path):
    """The deployment README gives: N app servers behind a load balancer, PostgreSQL, Redis."""
    from sqlalchemy import text

    from tests.conftest import stored_contributions
    from tests.test_contributions import round_of
    from webapp.database import make_engine, upgrade

    if not Path(REDIS).is_file():
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    engine = make_engine(postgresql_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS contributions, alembic_version"))
    engine.dispose()
    upgrade(postgresql_url)
    with redis_server() as store:
        settings = {
            "INKLING_DATABASE_URL": postgresql_url,
            "INKLING_RATELIMIT_STORAGE_URI": store,
            "INKLING_CONTRIBUTION_RATE": "3 per minute",
        }
        with live_server(env=settings) as (first, _), live_server(env=settings) as (second, _):
            body = json.dumps(round_of()).encode()
            statuses = [request_from("127.0.0.31", url, "/api/contributions", body) for url in (first, second) * 2]
            assert statuses == [201, 201, 201, 429]  # one client's limit holds across both servers
            assert request_from("127.0.0.32", second, "/api/contributions", body) == 201  # another client's own
            described = [urllib.request.urlopen(url + "/model/files/metadata.json").read() for url in (first, second)]
            health = [json.load(urllib.request.urlopen(url + "/healthz")) for url in (first, second)]
    assert described[0] == described[1] and health[0]["model_version"] == health[1]["model_version"]
    assert health[0]["database"] == health[1]["database"] == "ok"
    assert len(stored_contributions(postgresql_url)) == 4  # both servers' rounds, in one database


@pytest.mark.services
def test_the_public_mode_stores_rounds_in_the_postgresql_it_is_given(postgresql_url):
    from sqlalchemy import text

    from tests.conftest import stored_contributions
    from tests.test_contributions import round_of
    from webapp.database import make_engine

    engine = make_engine(postgresql_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS contributions, alembic_version"))
    engine.dispose()
    with public_server(workers=1, database_url=postgresql_url) as (url, _):  # migrated by the command itself
        assert request_from("127.0.0.33", url, "/api/contributions", json.dumps(round_of()).encode()) == 201
        assert json.load(urllib.request.urlopen(url + "/healthz"))["database"] == "ok"
    assert [row.prompt for row in stored_contributions(postgresql_url)] == ["cat"]


def test_a_port_in_use_stops_the_public_mode_with_nginxs_reason_and_nothing_left_running():
    skip_without_nginx_and_redis()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "webapp.public", "--listen", f"127.0.0.1:{port}", "--workers", "1"]
        result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1 and "Address already in use" in result.stderr
    assert not [p for p in psutil.process_iter(["cmdline"]) if f"127.0.0.1:{port}" in " ".join(p.info["cmdline"] or [])]
