"""`python -m model_training.download` against a local HTTP server that serves the fixture's drawings as
Google Cloud Storage serves the official files (their MD5 in x-goog-hash, byte ranges), and can cut a
transfer short, state a wrong MD5 or miss a file."""

import base64
import gzip
import hashlib
import http.server
import json
import threading
import urllib.parse

import pytest

from model_training.core.config import MODEL_DIR, TEACHER_RELEASE, default_teacher
from tests.conftest import FIXTURE_QUICKDRAW_DIR, run_module

# Served as: the fixture's drawings of (a name with spaces, as some official files have).
SERVED = {"cat": "cat", "The Eiffel Tower": "dog"}


class Published(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), PublishedFiles)
        self.files = {}  # URL path -> bytes
        self.wrong_md5 = set()  # paths whose stated MD5 is not their content's
        self.cut_after = {}  # path -> bytes its next GET sends before the connection drops
        self.gets = []  # (path, Range header) of every GET

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}"


class PublishedFiles(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer(send_body=False)

    def do_GET(self):
        self.server.gets.append((self.path, self.headers.get("Range")))
        self.answer(send_body=True)

    def answer(self, send_body):
        path = urllib.parse.unquote(self.path)
        body = self.server.files.get(path)
        if body is None:
            self.send_error(404)
            return
        stated = b"not this file" if path in self.server.wrong_md5 else body
        start = int(self.headers["Range"].removeprefix("bytes=").split("-")[0]) if self.headers["Range"] else 0
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("x-goog-hash", "crc32c=AAAAAA==")
        self.send_header("x-goog-hash", f"md5={base64.b64encode(hashlib.md5(stated).digest()).decode()}")
        self.end_headers()
        if send_body:
            cut = self.server.cut_after.pop(path, None)
            self.wfile.write(body[start:] if cut is None else body[start : start + cut])
            if cut is not None:
                self.close_connection = True


@pytest.fixture()
def published():
    server = Published()
    for kind in ("simplified", "raw"):
        for category, fixture in SERVED.items():
            drawings = gzip.decompress((FIXTURE_QUICKDRAW_DIR / kind / f"{fixture}.ndjson.gz").read_bytes())
            server.files[f"/full/{kind}/{category}.ndjson"] = drawings
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def download(*args):
    return run_module("model_training.download", *map(str, args), check=False)


def test_the_official_files_are_fetched_verified_and_not_fetched_twice(published, tmp_path):
    command = ["quickdraw", "--base-url", published.url + "/full", "--out", tmp_path, "--categories", ",".join(SERVED)]
    first = download(*command)
    assert first.returncode == 0, first.stderr
    for path, body in published.files.items():
        assert (tmp_path / path.removeprefix("/full/")).read_bytes() == body  # the layout --source reads
    fetched = len(published.gets)
    again = download(*command)
    assert again.returncode == 0 and len(published.gets) == fetched  # nothing fetched again
    assert "4 of 4 files" in again.stdout


def test_an_interrupted_transfer_resumes_where_it_stopped(published, tmp_path):
    path = "/full/simplified/cat.ndjson"
    published.cut_after[path] = 5000
    command = ["quickdraw", "--base-url", published.url + "/full", "--out", tmp_path, "--categories", "cat"]
    first = download(*command, "--formats", "simplified")
    assert first.returncode == 1 and "run the same command again to resume" in first.stderr
    assert (tmp_path / "simplified" / "cat.ndjson.part").stat().st_size == 5000
    second = download(*command, "--formats", "simplified")
    assert second.returncode == 0, second.stderr
    assert published.gets[-1] == (path, "bytes=5000-")  # only the rest was asked for
    assert (tmp_path / "simplified" / "cat.ndjson").read_bytes() == published.files[path]


def test_a_corrupt_file_is_refused_and_removed(published, tmp_path):
    published.wrong_md5.add("/full/simplified/cat.ndjson")
    result = download(
        "quickdraw",
        "--base-url",
        published.url + "/full",
        "--out",
        tmp_path,
        "--categories",
        "cat",
        "--formats",
        "simplified",
    )
    assert result.returncode == 1 and "the file is corrupt" in result.stderr
    assert not list((tmp_path / "simplified").glob("cat.ndjson*"))


def test_a_missing_or_unknown_category_is_a_clear_error(published, tmp_path):
    del published.files["/full/simplified/cat.ndjson"]
    base = ["quickdraw", "--base-url", published.url + "/full", "--out", tmp_path, "--formats", "simplified"]
    missing = download(*base, "--categories", "cat")
    assert missing.returncode == 1 and "simplified/cat.ndjson: 404" in missing.stderr
    unknown = download(*base, "--categories", "cat,unicorn")
    assert unknown.returncode == 2 and "not Quick, Draw! categories: unicorn" in unknown.stderr


def test_the_teacher_is_the_one_the_shipped_model_was_distilled_from(published, tmp_path):
    metadata = json.loads((MODEL_DIR / "metadata.json").read_text())
    assert TEACHER_RELEASE["sha256"] == metadata["run"]["teacher_sha256"]
    published.files["/release/" + TEACHER_RELEASE["model"]] = b"not the teacher"
    published.files["/release/" + TEACHER_RELEASE["class_names"]] = b"cat\n"
    wrong = download("teacher", "--base-url", published.url + "/release", "--out", tmp_path)
    assert wrong.returncode == 1 and "is not the published one (sha256 differs)" in wrong.stderr
    assert not (tmp_path / "doodlenet.h5").exists()
    teacher = default_teacher()
    if teacher is None:
        pytest.skip("no teacher beside the checkout to serve as its release")
    published.files["/release/" + TEACHER_RELEASE["model"]] = teacher.read_bytes()
    published.files["/release/" + TEACHER_RELEASE["class_names"]] = (teacher.parent / "class_names.txt").read_bytes()
    right = download("teacher", "--base-url", published.url + "/release", "--out", tmp_path)
    assert right.returncode == 0, right.stderr
    assert hashlib.sha256((tmp_path / "doodlenet.h5").read_bytes()).hexdigest() == TEACHER_RELEASE["sha256"]
