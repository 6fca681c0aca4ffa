"""Attacks from the public against the deployment that faces it: nginx (webapp/nginx.conf) in front of
gunicorn's two workers, whose rate limits share one Redis, all on 127.0.0.1; other addresses of
127.0.0.0/8 act as other people. Each attack runs beside a normal client from another address.

    python -m benchmarks.hostile_clients [--seconds 10] [--flood-seconds 45] [--export-mib 1024]

1. Heavy drawings: 4 connections from one address post the largest drawing accepted (MAX_INPUT_POINTS
   points) non-stop; a normal client posts real drawings as the page's server fallback does (one request
   at a time, at most one an animation frame: 30 a second here). Its predictions/s and p50, against the
   same client alone.
2. Trickling: 2,500 connections from one address each send a byte of a request line and stall; a normal
   client's requests are timed (the slowest of them).
3. Flooding the database: 4 addresses post the largest round accepted, as fast as they are let, for
   --flood-seconds: how much the database grew.
4. Exporting a large database: a SQLite database of --export-mib of rounds, exported by
   `flask --app webapp contributions export`: its peak resident memory.
Also the real raw drawings' sizes the caps are set from. Prints each figure and writes
benchmarks/results/hostile_clients.json.
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import psutil
from sqlalchemy import insert

from benchmarks.common import percentiles, real_stroke3, spread, write_result
from harness.live_server import client_address, hammer, public_server
from model_training.core.config import PROJECT_ROOT, default_quickdraw_dir
from model_training.core.drawing_checks import MAX_INPUT_POINTS
from model_training.core.ndjson import read_ndjson
from webapp.database import make_engine, upgrade
from webapp.models import Contribution

PAGE_INTERVAL_S = 1 / 30  # the normal client: one prediction at a time, at most 30 a second


def raw_drawing_sizes(source):
    """Points, strokes, ms and JSON bytes of every real raw drawing: median, 99.9th percentile, largest."""
    sizes = {"points": [], "strokes": [], "duration_ms": [], "json_bytes": []}
    for path in sorted((Path(source) / "raw").glob("*.ndjson*")):
        for record in read_ndjson(path):
            drawing = record["drawing"]
            sizes["points"].append(sum(len(s[0]) for s in drawing))
            sizes["strokes"].append(len(drawing))
            sizes["duration_ms"].append(max(s[2][-1] for s in drawing))
            sizes["json_bytes"].append(len(json.dumps(drawing, separators=(",", ":"))))
    return {
        name: {"drawings": len(v), "median": float(np.median(v)), "p99.9": float(np.percentile(v, 99.9)), "max": max(v)}
        for name, v in sizes.items()
    }


def largest_round():
    """A round as large as the API takes: as many points (MAX_INPUT_POINTS at most) with long decimals as
    fit in 128 KiB."""
    for points in range(MAX_INPUT_POINTS, 0, -100):
        xs = [round(100 + 50 * np.cos(i / 50), 6) for i in range(points)]
        ys = [round(100 + 50 * np.sin(i / 50), 6) for i in range(points)]
        body = json.dumps(
            {
                "consent": True,
                "prompt": "cat",
                "drawing": [[xs, ys, [i * 10 for i in range(points)]]],
                "recognized": False,
                "recognized_ms": None,
                "duration_ms": 59000,
                "model_version": "x" * 64,
                "engine": "browser",
                "guesses": [{"label": "cat", "probability": 0.5}] * 20,
            }
        )
        if len(body) <= 128 * 1024:
            return body
    raise AssertionError("no round fits")


def one_address_hammer(url, body, connections, seconds, address):
    """`connections` keep-alive connections from one `address` posting `body` non-stop, in threads; returns
    the threads and the list their answers' statuses go into."""
    parts = urlparse(url)
    deadline = time.monotonic() + seconds
    statuses = []

    def run():
        connection = None
        while time.monotonic() < deadline:
            try:
                connection = connection or http.client.HTTPConnection(
                    parts.hostname, parts.port, timeout=30, source_address=(address, 0)
                )
                connection.request("POST", "/api/predict", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                connection = None

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    return threads, statuses


def heavy_drawings_from_one_address(url, bodies, seconds):
    heavy = json.dumps({"strokes": [[(i % 7) - 3, (i % 5) - 2, int(i % 50 == 49)] for i in range(MAX_INPUT_POINTS)]})
    alone = hammer(url, bodies, 1, seconds, first_client=0, interval=PAGE_INTERVAL_S)
    threads, statuses = one_address_hammer(url, heavy, 4, seconds + 2, "127.0.0.200")
    time.sleep(1)
    loaded = hammer(url, bodies, 1, seconds, first_client=1, interval=PAGE_INTERVAL_S)
    for thread in threads:
        thread.join()

    def figures(result):
        latencies, errors, elapsed = result
        return {
            "predictions_per_s": len(latencies) / elapsed,
            "p50_ms": percentiles(latencies)["median"],
            "errors": errors,
        }

    return {
        "alone": figures(alone),
        "under_attack": figures(loaded),
        "attacker": {"answered": statuses.count(200), "refused_429": statuses.count(429)},
    }


def trickling(url, connections, seconds):
    host, port = url.removeprefix("http://").split(":")
    stalled = []
    for _ in range(connections):
        try:
            s = socket.create_connection((host, int(port)), timeout=10, source_address=("127.0.0.201", 0))
            s.sendall(b"P")
            stalled.append(s)
        except OSError:
            break
    opened = len(stalled)
    timings = []
    deadline = time.monotonic() + seconds
    k = 0
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with socket.create_connection(
            (host, int(port)), timeout=30, source_address=(client_address(100 + k % 50), 0)
        ) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            while s.recv(65536):
                pass
        timings.append((time.perf_counter() - started) * 1000)
        k += 1
        time.sleep(0.05)
    for s in stalled:
        s.close()
    return {"trickling_connections": opened, "others_ms": percentiles(timings), "others_max_ms": max(timings)}


def flooding(url, database_path, seconds):
    before = database_path.stat().st_size
    body = largest_round()
    latencies, errors, _ = hammer(url, [body], 4, seconds, path="/api/contributions", first_client=150)
    grown = database_path.stat().st_size - before
    return {
        "round_bytes": len(body),
        "stored": len(latencies),
        "refused": errors,
        "database_growth_mib": grown / 2**20,
    }


def export_memory(size_mib):
    """Peak resident MiB of the export of a SQLite database of about `size_mib` MiB of rounds."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/big.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        drawing = json.loads(largest_round())["drawing"]
        row = {
            "created_at": datetime.now(UTC),
            "client_id": None,
            "prompt": "cat",
            "drawing": drawing,
            "points": len(drawing[0][0]),
            "recognized": True,
            "recognized_ms": 1000,
            "duration_ms": 2000,
            "model_version": "benchmark",
            "engine": "browser",
            "guesses": [{"label": "cat", "probability": 0.9}],
            "prompt_probability": 0.9,
        }
        with engine.begin() as connection:
            while Path(f"{scratch}/big.sqlite3").stat().st_size < size_mib * 2**20:
                connection.execute(insert(Contribution), [{**row, "key_id": uuid.uuid4().hex} for _ in range(200)])
        engine.dispose()
        database_mib = Path(f"{scratch}/big.sqlite3").stat().st_size / 2**20
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "webapp", "contributions", "export", "--out", f"{scratch}/out"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "INKLING_DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
        )
        peak = 0
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                peak = max(peak, watched.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.05)
        return {"database_mib": database_mib, "export_peak_rss_mib": peak / 2**20, "exit_code": process.returncode}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=None)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--flood-seconds", type=float, default=45)
    parser.add_argument("--trickling", type=int, default=2500)
    parser.add_argument("--export-mib", type=float, default=1024)
    args = parser.parse_args(argv)
    source = args.source or default_quickdraw_dir()
    report = {"real_raw_drawings": raw_drawing_sizes(source)}
    bodies = [json.dumps({"strokes": d.tolist()}) for d in spread(real_stroke3(source), 200)]
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "inkling.sqlite3"
        with public_server(workers=2, env={"INKLING_DATABASE_URL": f"sqlite:///{database}"}) as (url, _):
            report["heavy_drawings"] = heavy_drawings_from_one_address(url, bodies, args.seconds)
            report["trickling"] = trickling(url, args.trickling, args.seconds)
            report["flooding"] = flooding(url, database, args.flood_seconds)
    report["export"] = export_memory(args.export_mib)

    sizes = report["real_raw_drawings"]
    print("real raw drawings: " + "; ".join(f"{k} p99.9 {v['p99.9']:.0f}, max {v['max']}" for k, v in sizes.items()))
    heavy = report["heavy_drawings"]
    print(
        f"heavy drawings: a normal client {heavy['alone']['predictions_per_s']:.0f}/s, p50 "
        f"{heavy['alone']['p50_ms']:.1f} ms alone; {heavy['under_attack']['predictions_per_s']:.0f}/s, p50 "
        f"{heavy['under_attack']['p50_ms']:.1f} ms beside 4 hostile connections "
        f"({heavy['attacker']['answered']} of theirs answered, {heavy['attacker']['refused_429']} refused)"
    )
    trick = report["trickling"]
    print(
        f"trickling: {trick['trickling_connections']} stalled connections from one address; others answered in "
        f"{trick['others_ms']['median']:.1f} ms median, {trick['others_max_ms']:.1f} ms at most"
    )
    flood = report["flooding"]
    print(
        f"flooding: {flood['stored']} rounds of {flood['round_bytes'] / 1024:.0f} KiB stored, "
        f"{flood['refused']} refused in {args.flood_seconds:.0f} s from 4 addresses: "
        f"the database grew {flood['database_growth_mib']:.1f} MiB"
    )
    export = report["export"]
    print(f"export: a {export['database_mib']:.0f} MiB database in {export['export_peak_rss_mib']:.0f} MiB of memory")
    write_result("hostile_clients", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
