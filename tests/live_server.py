"""The app on a real HTTP server (gunicorn with webapp/gunicorn.conf.py, as scripts/run.sh starts it) on
127.0.0.1, for tests and benchmarks."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

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
                [sys.executable, "-m", "webapp.database", "upgrade"],
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
