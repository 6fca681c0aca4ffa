"""The app on a real HTTP server (gunicorn with webapp/gunicorn.conf.py, as scripts/run.sh starts it) on
127.0.0.1, and load on it, for tests and benchmarks (benchmarks import this; nothing here imports them)."""

import contextlib
import http.client
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import psutil

from model_training.core.config import PROJECT_ROOT
from webapp.public import REDIS

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
    return free_ports(1)[0]


def free_ports(count):
    """`count` different ports of 127.0.0.1, free now. They are drawn from below the kernel's ephemeral range,
    where the local ports of outgoing connections come from: a port from that range (as binding port 0 gives)
    can be taken by a connection that a parallel test opens before the server meant for it binds it."""
    ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    chosen = []
    for port in random.sample(range(10000, ephemeral_low), 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"no {count} free ports below {ephemeral_low}")


def wait_until_answering(url, process, seconds, failure):
    """Return once `url`/healthz answers (200, or 503: up without a model); raise RuntimeError(`failure`) if
    `process` exits first, or the last connection error after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{failure} ({process.returncode})")
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def serving(command, env, log, port):
    """`command` (a server of the project's, answering on 127.0.0.1:`port`) run with its output to `log`;
    yields its URL and process once /healthz answers, and stops it after."""
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url, process, 120, f"{command[2]} exited; see {log.name}")
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=60)


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
        command = [sys.executable, "-m", "gunicorn", "-c", "webapp/gunicorn.conf.py", "-w", str(workers)]
        with serving(command + ["-b", f"127.0.0.1:{port}", "webapp:create_app()"], env, log, port) as served:
            yield served


def worker_memory(process):
    """Resident MiB of each gunicorn worker (the arbiter's children)."""
    return [round(child.memory_info().rss / 2**20, 1) for child in psutil.Process(process.pid).children()]


def client_address(k):
    """The loopback address client k sends from (127.0.0.10, .11, ...): each a client of its own to the
    server's per-address limits, as people on different machines are."""
    return f"127.0.0.{10 + k}"


@contextlib.contextmanager
def public_server(workers=2, log_path=os.devnull, env=None, database_url=None):
    """The public mode as `scripts/run.sh --public` runs it (webapp/public.py: nginx, gunicorn on a Unix
    socket, Redis) on a free port of 127.0.0.1, with `env` added (INKLING_* settings); yields its URL and
    process. Its database is `database_url` (given as --database-url), else a scratch SQLite file unless `env`
    names one."""
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch, open(log_path, "w") as log:
        env = {"INKLING_DATABASE_URL": f"sqlite:///{scratch}/inkling.sqlite3", **os.environ, **(env or {})}
        command = [sys.executable, "-m", "webapp.public", "--listen", f"127.0.0.1:{port}", "--workers", str(workers)]
        with serving(command + (["--database-url", database_url] if database_url else []), env, log, port) as served:
            yield served


@contextlib.contextmanager
def redis_server():
    """Debian's redis-server on a free port of 127.0.0.1, keeping nothing on disk: the store the app's rate
    limits share between workers and machines. Yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def hammer(url, bodies, clients, seconds, path="/api/predict", first_client=0, interval=0.0):
    """`clients` threads posting `bodies` to `path` for `seconds`, each from an address of its own
    (client_address) and at most one request every `interval` seconds (0: non-stop); returns latencies (ms)
    of the answered requests, the error count and the seconds it took."""
    host = urlparse(url)
    deadline = time.monotonic() + seconds
    latencies, errors = [], []
    lock = threading.Lock()

    def client(k):
        source = (client_address(first_client + k), 0)

        def connect():
            return http.client.HTTPConnection(host.hostname, host.port, timeout=30, source_address=source)

        connection = connect()
        mine, failed, i = [], 0, k * 7
        while time.monotonic() < deadline:
            body = bodies[i % len(bodies)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("POST", path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                if response.will_close:
                    connection.close()
                    connection = connect()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = connect()
                continue
            if response.status < 400:
                mine.append((time.perf_counter() - started) * 1000)
            time.sleep(max(0.0, interval - (time.perf_counter() - started)))
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sum(errors), time.monotonic() - began
