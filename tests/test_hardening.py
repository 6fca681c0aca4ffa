"""Each way a request or a damaged model once took the server down, answered properly now.

The request rows go through Flask's test client; the rows about clients that send slowly, stall or break
HTTP go to gunicorn itself, started as scripts/run.sh starts it.
"""

import contextlib
import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest

from harness.live_server import live_server
from model_training.core.config import MODEL_DIR, PROJECT_ROOT
from model_training.core.model_package import sha256_of
from model_training.core.simplification import _resample
from webapp.learn import PAGES

PAGES_TO_CHECK = ["/", "/model", "/learn/"] + [f"/learn/{p['slug']}" for p in PAGES]


def post_raw(client, body):
    return client.post("/api/predict", data=body, content_type="application/json")


def strict_json(response):
    """The body as JSON, refusing the NaN and Infinity literals that JSON does not have."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(response.data, parse_constant=refuse)


def zigzag(points):
    """The drawing that took 30 s of CPU: one raw stroke, x alternating 0.5 / 1000.5, y rising."""
    return [
        [[0.5 if i % 2 == 0 else 1000.5 for i in range(points)], [i * 0.5 for i in range(points)], list(range(points))]
    ]


# --- requests -------------------------------------------------------------------------------------------
def test_deeply_nested_json_is_a_400_not_a_recursion_error(client):
    response = post_raw(client, "[" * 1000)
    assert response.status_code == 400 and "malformed JSON: recursion limit exceeded" in strict_json(response)["error"]


def test_an_integer_too_large_for_a_float_is_refused(client):
    response = post_raw(client, '{"strokes":[[1' + "0" * 400 + ",1,0]]}")
    assert (
        response.status_code == 422
        and "'strokes.0.0': input should be a finite number" in strict_json(response)["error"]
    )
    response = post_raw(client, '{"drawing":[[[1' + "0" * 400 + ", 2], [1, 2]]]}")
    assert (
        response.status_code == 422
        and "'drawing.0.0.0': input should be a finite number" in strict_json(response)["error"]
    )


def test_an_integer_longer_than_python_converts_is_a_400(client):
    response = post_raw(client, '{"strokes":[[1,1,1]],"top_k":' + "9" * 5000 + "}")
    assert response.status_code == 400 and "malformed JSON" in strict_json(response)["error"]


def test_a_vanishingly_small_drawing_is_one_point_not_nan(client):
    response = post_raw(client, '{"drawing":[[[0,5e-324],[0,0]]]}')
    assert response.status_code == 200
    assert strict_json(response)["guesses"]


def test_long_segments_are_not_resampled_into_millions_of_points(client):
    drawing = zigzag(2400)
    xs, ys = _resample([x * 0.255 for x in drawing[0][0]], drawing[0][1], 1.0)
    assert len(xs) <= 2 * 2400  # at most two points per input segment, however long it is
    assert post_raw(client, json.dumps({"drawing": drawing})).status_code == 200


def test_a_refused_method_says_which_are_allowed(client):
    response = client.put("/api/predict", json={"strokes": [[1, 1, 1]]})
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    page = client.put("/model")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_a_forged_host_never_ends_up_in_a_redirect(client):
    for path in ("/learn", "/learn//seq2seq-seq2vec-vec2seq", "/model/"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code in (200, 404), path
        assert "evil.example" not in response.headers.get("Location", "")


# --- a damaged model ------------------------------------------------------------------------------------
def damaged_copy(tmp_path, damage):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    metadata_path = folder / "metadata.json"
    metadata = json.loads(metadata_path.read_text())
    if damage == "no preprocessing":
        del metadata["preprocessing"]
    elif damage == "delta_scale 0":
        metadata["preprocessing"]["delta_scale"] = 0
    elif damage == "delta_scale 1e-300":
        metadata["preprocessing"]["delta_scale"] = 1e-300
    elif damage == "no run settings":
        del metadata["run"]
    elif damage == "no architecture":
        del metadata["architecture"]
    elif damage == "random weights":
        shard = next(folder.glob("*.bin"))
        shard.write_bytes(np.random.default_rng(0).bytes(shard.stat().st_size))
    elif damage.startswith("quantisation scale 1e308"):
        model_json = json.loads((folder / "model.json").read_text())
        model_json["weightsManifest"][0]["weights"][0]["quantization"]["scale"] = 1e308
        (folder / "model.json").write_text(json.dumps(model_json))
        if damage.endswith("its checksum too"):
            metadata["model_json"] = sha256_of(folder / "model.json")
    elif damage == "model.json unreadable":
        (folder / "model.json").write_bytes(b"\x89PNG not json")
    metadata_path.write_text(json.dumps(metadata))
    return folder


@pytest.mark.parametrize(
    "damage, reason",
    [
        ("no preprocessing", "has no 'preprocessing'"),
        ("delta_scale 0", "invalid 'preprocessing.delta_scale'"),
        ("delta_scale 1e-300", "invalid 'preprocessing.delta_scale'"),
        ("no run settings", "has no 'run'"),
        ("no architecture", "has no 'architecture'"),
        ("random weights", "does not match its checksum"),
        ("model.json unreadable", "not readable JSON"),
        ("quantisation scale 1e308", "model.json does not match its checksum"),
        ("quantisation scale 1e308, its checksum too", "decode to numbers that are not finite"),
    ],
)
def test_a_damaged_model_is_refused_at_start_up_and_said_so(make_app, tmp_path, damage, reason, caplog):
    folder = damaged_copy(tmp_path, damage)
    client = make_app(MODEL_DIR=str(folder)).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and reason in health.get_json()["error"]
    prediction = client.post("/api/predict", json={"strokes": [[1, 2, 0], [3, 4, 1]]})
    assert prediction.status_code == 503 and reason in strict_json(prediction)["error"]
    for path in PAGES_TO_CHECK:
        page = client.get(path)
        assert page.status_code == 200, (damage, path)
        assert str(tmp_path) not in page.data.decode(), path  # no server paths for users...
    assert str(folder) in caplog.text  # ...they go to the log


def test_broken_metrics_leave_the_model_page_up_without_them(make_app, tmp_path):
    folder = damaged_copy(tmp_path, "none")
    (folder / "metrics.json").write_text('{"groups": [1, 2')
    client = make_app(MODEL_DIR=str(folder)).test_client()
    assert client.get("/healthz").status_code == 200
    page = client.get("/model")
    assert page.status_code == 200 and b"How well it guesses" not in page.data


def test_teacher_figures_that_do_not_line_up_with_the_students_are_left_out(make_app, tmp_path):
    folder = damaged_copy(tmp_path, "none")
    metrics = json.loads((folder / "metrics.json").read_text())
    del metrics["teacher"]["groups"][0]["top1_by_fraction"]["0.25"]
    (folder / "metrics.json").write_text(json.dumps(metrics))
    page = make_app(MODEL_DIR=str(folder)).test_client().get("/model")
    assert page.status_code == 200 and b"How well it guesses" not in page.data


def test_the_model_page_sets_accuracy_by_real_training_drawings_beside_the_teachers(make_app, tmp_path):
    folder = damaged_copy(tmp_path, "none")
    metrics = json.loads((folder / "metrics.json").read_text())

    def rows(*cells):
        return [{**metrics["groups"][0], "name": name, "top1": top1} for name, top1 in cells]

    metrics["by_real_training_drawings"] = rows(("no synthetic, 0-49 real", 0.4551), ("1000+ real", 0.8149))
    metrics["teacher"]["by_real_training_drawings"] = rows(("no synthetic, 0-49 real", 0.6712), ("x", 0.7023))
    (folder / "metrics.json").write_text(json.dumps(metrics))
    html = make_app(MODEL_DIR=str(folder)).test_client().get("/model").data.decode()
    table = html[html.index("What it learns from") :]
    assert "1000+" in table and "45.5%" in table and "81.5%" in table and "67.1%" in table and "70.2%" in table

    # A teacher's table that does not line up with the student's: the page shows no metrics rather than a wrong pair.
    metrics["teacher"]["by_real_training_drawings"].pop()
    (folder / "metrics.json").write_text(json.dumps(metrics))
    page = make_app(MODEL_DIR=str(folder)).test_client().get("/model")
    assert page.status_code == 200 and b"How well it guesses" not in page.data


# --- clients that break HTTP, on gunicorn ----------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    with live_server(workers=2, log_path=log, env={"INKLING_BODY_TIMEOUT": "1"}) as (url, _):
        yield url.removeprefix("http://").split(":")


def exchange(address, request, timeout=10):
    """Send raw bytes while reading the raw response, as a browser does; return the response.

    A server may answer (a 413, say) before it has read the whole request, then close: the connection is
    reset under the rest of what was being sent, and the answer is what counts."""
    host, port = address

    def send(connection):
        with contextlib.suppress(OSError):
            connection.sendall(request)

    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        sender = threading.Thread(target=send, args=(connection,))
        sender.start()
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        sender.join()
    return b"".join(chunks)


def status_and_headers(response):
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return int(head[0].split()[1]), {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}


def test_slow_clients_do_not_block_others(server):
    host, port = server
    slow = []
    try:
        for _ in range(50):  # 50 connections that have sent one byte of their headers, and wait
            connection = socket.create_connection((host, int(port)), timeout=5)
            connection.sendall(b"G")
            slow.append(connection)
        status, _ = status_and_headers(
            exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=30)
        )
        assert status == 200  # answered while all 50 still hold their connections open
        assert all(connection.fileno() != -1 for connection in slow)
    finally:
        for connection in slow:
            connection.close()


def test_a_chunked_body_over_the_limit_is_a_413(server):
    chunk = b"0," * 32768
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"  # 1.25 MiB
    response = exchange(
        server,
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body,
    )
    assert status_and_headers(response)[0] == 413


@pytest.mark.parametrize(
    "request_bytes",
    [
        b'POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"st',
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4\r\n{"st\r\n',
    ],
    ids=["short of its Content-Length", "no last chunk"],
)
def test_a_stalled_body_gets_a_408_and_frees_its_worker(server, request_bytes):
    status, headers = status_and_headers(exchange(server, request_bytes))
    assert status == 408 and headers["content-type"].startswith("application/json")
    status, _ = status_and_headers(exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
    assert status == 200


def test_a_transfer_coding_other_than_chunked_is_refused(server):
    body = b'{"strokes": [[1, 2, 0], [3, 4, 1]]}'
    request = (
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
    )
    status, headers = status_and_headers(exchange(server, request))
    assert status == 400 and headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("path", [b"/api/predict", b"/api/contributions", b"/", b"/healthz"])
def test_malformed_chunk_framing_is_a_400_on_every_route(server, path):
    request = (
        b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
    )
    status, headers = status_and_headers(exchange(server, request))
    assert status == 400 or (status == 405 and path in (b"/", b"/healthz")), status


@pytest.mark.parametrize(
    "request_bytes, expected",
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(60)) + b"\r\n", 431),
    ],
    ids=["bad request line", "too many headers"],
)
def test_gunicorns_own_errors_are_json_with_the_security_headers(server, request_bytes, expected):
    response = exchange(server, request_bytes)
    status, headers = status_and_headers(response)
    assert status == expected and headers["content-type"] == "application/json"
    assert json.loads(response.split(b"\r\n\r\n", 1)[1])["error"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


# --- serving without TensorFlow ---------------------------------------------------------------------------
def test_the_server_never_imports_tensorflow():
    script = (
        "import sys, webapp; app = webapp.create_app(); "
        "app.test_client().post('/api/predict', json={'strokes': [[1, 2, 0], [3, 4, 1]]}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'tf_keras', 'keras')))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
    lines = (PROJECT_ROOT / "requirements-web.txt").read_text().lower().splitlines()
    packages = [line.split("==")[0] for line in lines if line and not line.startswith("#")]
    assert packages and not any("tensorflow" in p or "keras" in p for p in packages)


def test_a_keep_alive_connection_is_closed_after_its_hundredth_request(server):
    """So clients reconnect now and then, and a worker that replaced a killed one gets its share of them."""
    host, port = server
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    closes = []
    for _ in range(100):
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        closes.append(response.will_close)
    connection.close()
    assert closes == [False] * 99 + [True]
