"""The app on a real HTTP server (gunicorn with webapp/gunicorn.conf.py, as scripts/run.sh starts it) on
127.0.0.1, and load on it, for tests and benchmarks (benchmarks import this; nothing here imports them)."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import psutil

from model_training.config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(model_dir=None, workers=1, log_path=os.devnull, env=None, migrate=True):
    """Yields the base URL once /healthz answers (200, or 503 when the model is missing); `env` adds
    environment variables (INKLING_* settings) for the server. Its database (a scratch SQLite file unless
    `env` names one) is migrated first, as scripts/run.sh does, unless `migrate` is false."""
    port = free_port()
    env = {**os.environ, **(env or {})}
    if model_dir:
        env["INKLING_MODEL_DIR"] = str(model_dir)
    with tempfile.TemporaryDirectory() as scratch, open(log_path, "w") as log:
        env.setdefault("INKLING_DATABASE_URL", f"sqlite:///{scratch}/inkling.sqlite3")
        if migrate:
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
                cwd=PROJECT_ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "webapp/gunicorn.conf.py",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "webapp:create_app()",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}; see {log_path}")
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=2)
                    break
                except urllib.error.HTTPError:
                    break  # 503: up, without a model
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            yield url, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def worker_memory(process):
    """Resident MiB of each gunicorn worker (the arbiter's children)."""
    return [round(child.memory_info().rss / 2**20, 1) for child in psutil.Process(process.pid).children()]


def hammer(url, bodies, clients, seconds):
    """`clients` threads posting predictions for `seconds`; returns latencies (ms) and error count."""
    host = urlparse(url)
    deadline = time.monotonic() + seconds
    latencies, errors = [], []
    lock = threading.Lock()

    def client(offset):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        mine, failed, i = [], 0, offset
        while time.monotonic() < deadline:
            body = bodies[i % len(bodies)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/predict", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=client, args=(k * 7,)) for k in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sum(errors), time.monotonic() - began
