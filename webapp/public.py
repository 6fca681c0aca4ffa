"""Inkling served for others, by one command: `scripts/run.sh --public` runs `python -m webapp.public`.

    clients -> nginx (LISTEN; webapp/nginx.conf) -> gunicorn (a Unix socket) -> the app
                                                    Redis (a Unix socket): the limits, exact across workers
                                                    the database: SQLite in instance/, or --database-url

nginx faces the clients: it holds slow connections, serves the static files compressed once at setup, keeps
rendered pages a minute and limits each address. gunicorn listens on a Unix socket in a folder that only
nginx's workers may enter, so nobody reaches the app around nginx, and the one X-Forwarded-For the app trusts
is nginx's. Redis listens on a socket only the app may use. The three run in the foreground, their logs on
this command's output; Ctrl+C (or SIGTERM) stops them all, and if one of them exits the others are stopped.
"""

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from model_training.core.config import PROJECT_ROOT
from webapp.security import HEADERS

NGINX = "/usr/sbin/nginx"
REDIS = "/usr/bin/redis-server"
NGINX_CONF = Path(__file__).resolve().with_name("nginx.conf")


def nginx_config(listen, upstreams, run_dir):
    """webapp/nginx.conf filled in: `listen` (e.g. "80" or "127.0.0.1:8080"), `upstreams` ("server
    unix:/path;" or "server 10.0.0.11:8000; ..."), `run_dir` (its pid, logs, buffers and page cache)."""
    headers = " ".join(f'add_header {name} "{value}" always;' for name, value in HEADERS.items())
    # safe_substitute: nginx's own $variables stay as they are.
    return string.Template(NGINX_CONF.read_text()).safe_substitute(
        LISTEN=listen,
        UPSTREAMS=upstreams,
        RUN_DIR=run_dir,
        STATIC_DIR=PROJECT_ROOT / "static",
        SECURITY_HEADERS=headers,
    )


def nginx_command(run_dir):
    """nginx in the foreground with the configuration in `run_dir`. Started as root, its workers run as
    www-data (Debian's user for nginx), which is given the run folder's group so that it may reach the app."""
    directives = "daemon off;" + (" user www-data www-data;" if os.geteuid() == 0 else "")
    return [NGINX, "-p", str(run_dir), "-c", f"{run_dir}/nginx.conf", "-e", f"{run_dir}/error.log", "-g", directives]


def nginx_group():
    """The group nginx's workers run in when they are not this user's processes (as root), else None."""
    return pwd.getpwnam("www-data").pw_gid if os.geteuid() == 0 else None


def private_run_dir():
    """A new folder for the sockets and nginx's files: its owner's alone, and as root open to nginx's
    workers' group too (setgid, so what nginx makes in it is that group's)."""
    run_dir = Path(tempfile.mkdtemp(prefix="inkling-public-"))
    if nginx_group() is not None:
        os.chown(run_dir, 0, nginx_group())
        run_dir.chmod(0o2750)
    return run_dir


def wait_for(check, process, what, seconds=120):
    deadline = time.monotonic() + seconds
    while not check():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}) before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready after {seconds} s")
        time.sleep(0.2)


def answers_over(socket_path, request, expected):
    """Whether a request sent to the Unix socket gets an answer starting with `expected`."""
    try:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(5)
            connection.connect(str(socket_path))
            connection.sendall(request)
            return connection.recv(64).startswith(expected)
    except OSError:
        return False


def listening(address):
    """Whether nginx answers on `address` ("host:port", or a port alone for every interface)."""
    host, _, port = address.rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):
        host = "127.0.0.1"
    try:
        with socket.create_connection((host, int(port)), timeout=2) as connection:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: inkling\r\nConnection: close\r\n\r\n")
            return connection.recv(12).startswith(b"HTTP/1.1")
    except OSError:
        return False


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/run.sh --public", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--listen",
        default=f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8080')}",
        help="the address and port nginx serves on (default HOST:PORT, 0.0.0.0:8080)",
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers (default: one a core)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("INKLING_DATABASE_URL"),
        help="a SQLAlchemy URL, e.g. postgresql+psycopg://inkling@db-host/inkling (default: SQLite in instance/)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    for program, package in ((NGINX, "nginx-light"), (REDIS, "redis-server")):
        if not Path(program).is_file():
            print(f"error: {program} is missing (Debian: apt-get install {package})", file=sys.stderr)
            return 2
    run_dir = private_run_dir()
    env = {
        **os.environ,
        "INKLING_RATELIMIT_STORAGE_URI": f"redis+unix://{run_dir}/redis.sock",
        "INKLING_TRUSTED_PROXIES": "1",  # nginx, the only client the socket has
    }
    if args.database_url:
        env["INKLING_DATABASE_URL"] = args.database_url
    processes = []
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"], env=env, check=True)
        redis = subprocess.Popen(
            [REDIS, "--port", "0", "--unixsocket", f"{run_dir}/redis.sock", "--unixsocketperm", "700"]
            + ["--save", "", "--appendonly", "no", "--loglevel", "warning"]
        )
        processes.append(redis)
        wait_for(lambda: answers_over(run_dir / "redis.sock", b"PING\r\n", b"+PONG"), redis, "redis-server")
        app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "webapp/gunicorn.conf.py", "--access-logfile", "-"]
            + ["-w", str(args.workers), "-b", f"unix:{run_dir}/app.sock", "--umask", "0o007", "webapp:create_app()"],
            cwd=PROJECT_ROOT,
            env=env,
        )
        processes.append(app)
        health = b"GET /healthz HTTP/1.1\r\nHost: inkling\r\nConnection: close\r\n\r\n"
        wait_for(lambda: answers_over(run_dir / "app.sock", health, b"HTTP/1.1"), app, "gunicorn")
        if nginx_group() is not None:  # the socket is gunicorn's user's and group's (umask 007): and nginx's
            os.chown(run_dir / "app.sock", -1, nginx_group())
        (run_dir / "nginx.conf").write_text(nginx_config(args.listen, f"server unix:{run_dir}/app.sock;", run_dir))
        nginx = subprocess.Popen(nginx_command(run_dir))
        processes.append(nginx)
        wait_for(lambda: listening(args.listen), nginx, "nginx", seconds=30)
        print(f"Inkling: serving others on http://{args.listen}/ (Ctrl+C stops it)", flush=True)
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        failed = [process.args[0] for process in processes if process.poll() is not None]
        if failed and not stopping:
            print(f"error: {', '.join(failed)} exited; stopping the others", file=sys.stderr)
            return 1
        return 0
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        log = run_dir / "error.log"  # nginx's reason (a port in use, one below 1024 without root) is there
        print(f"error: {error}" + (f"\n{log.read_text()[-2000:]}" if log.is_file() else ""), file=sys.stderr)
        return 1
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
