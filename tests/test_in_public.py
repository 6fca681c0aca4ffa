"""The deployment that faces the public: Debian's nginx (webapp/nginx.conf) in front of gunicorn, on
127.0.0.1, with other addresses of 127.0.0.0/8 acting as other people. Slow clients stop at nginx, and the
per-address limits see each client's own address through it."""

import json
import socket
import urllib.request
from pathlib import Path

import pytest

from harness.live_server import NGINX, REDIS, live_server, nginx_proxy, redis_server

BODY = json.dumps({"strokes": [[3, 4, 0]] * 399 + [[1, 1, 1]]}).encode()  # 400 points


@pytest.fixture(scope="module")
def proxied():
    """nginx in front of two gunicorn workers whose limits share one Redis."""
    for program, package in ((NGINX, "nginx-light"), (REDIS, "redis-server")):
        if not Path(program).is_file():
            pytest.skip(f"{package} is not installed (Debian: apt-get install {package}); scripts/test.sh installs it")
    with redis_server() as store:
        settings = {
            "INKLING_TRUSTED_PROXIES": "1",
            "INKLING_PREDICT_POINTS_RATE": "1000 per minute",
            "INKLING_RATELIMIT_STORAGE_URI": store,
        }
        with live_server(workers=2, env=settings) as (app_url, _), nginx_proxy(app_url) as url:
            yield url


def request_from(address, url, path="/api/predict", body=BODY, method="POST"):
    """A request from `address` (a loopback address of its own); returns the status."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30, source_address=(address, 0)) as connection:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: inkling\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        connection.sendall(head.encode() + body)
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1])


def test_the_limits_count_each_client_by_its_own_address_behind_the_proxy(proxied):
    # 1,000 points a minute per address, whichever worker answers: two 400-point drawings, and the third is
    # refused ...
    assert [request_from("127.0.0.21", proxied) for _ in range(3)] == [200, 200, 429]
    # ... while another address, behind the same proxy, has its own budget.
    assert request_from("127.0.0.22", proxied) == 200


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
