"""Attacks from the public against Inkling's public mode (`scripts/run.sh --public`: nginx in front of
gunicorn's two workers on a Unix socket, their limits in one Redis), on 127.0.0.1; other addresses of
127.0.0.0/8 act as other people. Each attack comes from one address (or as many as it says) and runs beside a
normal client from another, paced as the page's server fallback is (one prediction at a time, at most 30 a
second, real drawings); its predictions a second and p50 are set beside the same client alone.

    python -m benchmarks.hostile_clients [--seconds 10] [--flood-seconds 60] [--export-mib 1024]

Attacks beside the normal client: heavy drawings (4 connections posting the largest drawing accepted),
padded predictions (4 connections posting 1,000,000 bytes of whitespace around a drawing), the static files
(8 connections fetching tf.min.js), the learn pages (8 connections), trickling (2,100 connections sending a
byte a second, reopened when closed) and stalled uploads (1,500 uploads of a shared round from 250 addresses,
stopped after 64 KiB: nginx's memory). Then without it: 48 addresses flooding shared rounds for
--flood-seconds, and what a new player's round gets after them; the SQLite file replaced under the running
server (how soon /healthz says so, and how soon rounds are stored again once the new file is migrated, no
restart); a SQLite database of --export-mib of rounds exported (peak memory). Also the real raw drawings'
sizes the caps are set from. Prints each figure and writes benchmarks/results/hostile_clients.json.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import psutil
from sqlalchemy import insert

from benchmarks.common import percentiles, real_stroke3, spread, write_result
from harness.live_server import hammer, public_server
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


def one_address_hammer(url, connections, seconds, address, path, body=None, headers=None):
    """`connections` keep-alive connections from one `address` asking for `path` non-stop (a POST of `body`,
    or a GET without one), in threads; returns the threads and the list their answers' statuses go into."""
    parts = urlparse(url)
    deadline = time.monotonic() + seconds
    statuses = []
    headers = {"Content-Type": "application/json", **(headers or {})}

    def run():
        connection = None
        while time.monotonic() < deadline:
            try:
                connection = connection or http.client.HTTPConnection(
                    parts.hostname, parts.port, timeout=30, source_address=(address, 0)
                )
                connection.request("GET" if body is None else "POST", path, body, headers)
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


def normal_client(url, bodies, seconds, client):
    """The page's server fallback from client_address(`client`): predictions a second, p50, errors."""
    latencies, errors, elapsed = hammer(url, bodies, 1, seconds, first_client=client, interval=PAGE_INTERVAL_S)
    return {"predictions_per_s": len(latencies) / elapsed, "p50_ms": percentiles(latencies)["median"], "errors": errors}


def beside_normal_client(url, bodies, seconds, client, attack):
    """The normal client while `attack(deadline)` runs in a process of its own (started two seconds before,
    so that its threads do not share the client's interpreter lock): the client's figures, and what the
    attack returns."""
    deadline = time.monotonic() + seconds + 4
    context = multiprocessing.get_context("fork")  # the attack is a closure: forked, not pickled
    results = context.Queue()
    attacker = context.Process(target=lambda: results.put(attack(deadline)))
    attacker.start()
    time.sleep(2)
    normal = normal_client(url, bodies, seconds, client)
    found = results.get(timeout=seconds + 120)
    attacker.join()
    return {"normal": normal, "attack": found}


def flood_of(url, connections, address, path, body=None, headers=None):
    """An attack: `connections` from `address` asking for `path` until the deadline; counts the answers."""

    def attack(deadline):
        threads, statuses = one_address_hammer(
            url, connections, deadline - time.monotonic(), address, path, body, headers
        )
        for thread in threads:
            thread.join()
        return {"answered": sum(200 <= s < 300 for s in statuses), "refused": sum(s >= 400 for s in statuses)}

    return attack


def trickling_attack(url, connections, address):
    """An attack: `connections` from `address`, each sending a byte of a request a second, reopened when
    nginx closes them; counts how many it held open at most."""
    host, port = url.removeprefix("http://").split(":")

    def attack(deadline):
        def opened():
            try:
                s = socket.create_connection((host, int(port)), timeout=5, source_address=(address, 0))
                s.setblocking(False)
                return s
            except OSError:
                return None

        held, most, reopened = [], 0, 0
        while time.monotonic() < deadline:
            while len(held) < connections and time.monotonic() < deadline:
                s = opened()
                if s is None:
                    break
                held.append(s)
            most = max(most, len(held))
            tick = time.monotonic()
            for k, s in enumerate(held):
                try:
                    s.send(b"P")
                except OSError:  # closed by nginx: open another
                    s.close()
                    held[k] = opened() or s
                    reopened += 1
            time.sleep(max(0.0, 1 - (time.monotonic() - tick)))
        for s in held:
            s.close()
        return {"held_at_most": most, "reopened": reopened}

    return attack


def nginx_rss_mib(public_process):
    """Resident MiB of nginx's processes (master and workers) under the public mode's command."""
    processes = psutil.Process(public_process.pid).children(recursive=True)
    return sum(p.memory_info().rss for p in processes if p.name() == "nginx") / 2**20


def stalled_uploads_attack(url, public_process, uploads, addresses):
    """An attack: `uploads` shared rounds from `addresses` addresses, each stopping after 64 KiB of its
    128 KiB; nginx's resident memory before and at most while they stall."""
    host, port = url.removeprefix("http://").split(":")
    head = (
        b"POST /api/contributions HTTP/1.1\r\nHost: inkling\r\nContent-Type: application/json\r\n"
        b"Content-Length: 131072\r\n\r\n"
    )

    def attack(deadline):
        before = nginx_rss_mib(public_process)
        stalled, peak = [], before
        for k in range(uploads):
            address = f"127.1.0.{1 + k % addresses}"  # addresses of their own, no other client's
            try:
                s = socket.create_connection((host, int(port)), timeout=5, source_address=(address, 0))
                s.sendall(head + b" " * 65536)
                stalled.append(s)
            except OSError:
                continue
            if k % 100 == 99:
                peak = max(peak, nginx_rss_mib(public_process))
        while time.monotonic() < deadline:
            peak = max(peak, nginx_rss_mib(public_process))
            time.sleep(0.5)
        for s in stalled:
            s.close()
        return {"uploads_stalled": len(stalled), "nginx_rss_before_mib": before, "nginx_rss_peak_mib": peak}

    return attack


def attacks_beside_a_normal_client(url, public_process, bodies, seconds):
    """Each attack from one address (the stalled uploads from 250) beside the normal client; and the client
    alone, first."""
    heavy = json.dumps({"strokes": [[(i % 7) - 3, (i % 5) - 2, int(i % 50 == 49)] for i in range(MAX_INPUT_POINTS)]})
    padded = '{"strokes": [[1, 2, 0], [3, 4, 1]]' + " " * 1_000_000 + "}"
    with urllib.request.urlopen(url + "/") as response:
        [script] = re.findall(r'src="(/static/vendor/tf\.min\.js\?v=[0-9a-f]+)"', response.read().decode())
    learn = ["/learn/lstm-cell", "/learn/classifying-videos", "/learn"]
    attacks = {
        "heavy_drawings": flood_of(url, 4, "127.0.0.200", "/api/predict", heavy),
        "padded_predictions": flood_of(url, 4, "127.0.0.201", "/api/predict", padded),
        "static_files": flood_of(url, 8, "127.0.0.202", script, headers={"Accept-Encoding": "gzip"}),
        "learn_pages": flood_of(url, 8, "127.0.0.203", learn[0]),
        "trickling": trickling_attack(url, 2100, "127.0.0.204"),
        "stalled_uploads": stalled_uploads_attack(url, public_process, 1500, 250),
    }
    report = {"alone": normal_client(url, bodies, seconds, client=0)}
    for k, (name, attack) in enumerate(attacks.items()):
        report[name] = beside_normal_client(url, bodies, seconds, 1 + k, attack)
        print(f"  {name}: {report[name]}", flush=True)
    return report


def new_player_after_a_flood_of_rounds(url, seconds, addresses=48):
    """`addresses` addresses posting real-sized rounds as fast as they are let for `seconds`; then a new
    player's round: its status and time."""
    body = json.dumps(
        {
            "consent": True,
            "prompt": "cat",
            "drawing": [[[10.0 * i for i in range(60)], [5.0 * i for i in range(60)], list(range(0, 600, 10))]],
            "recognized": False,
            "recognized_ms": None,
            "duration_ms": 20000,
            "model_version": "benchmark",
            "engine": "browser",
            "guesses": [{"label": "cat", "probability": 0.5}],
        }
    )
    stored, refused, _ = hammer(url, [body], addresses, seconds, path="/api/contributions", first_client=60)
    started = time.perf_counter()
    request = urllib.request.Request(url + "/api/contributions", body.encode(), {"Content-Type": "application/json"})
    try:
        status = urllib.request.urlopen(request).status
    except urllib.error.HTTPError as error:
        status = error.code
    return {
        "flooding_addresses": addresses,
        "seconds": seconds,
        "stored": len(stored),
        "refused": refused,
        "new_player_status": status,
        "new_player_ms": (time.perf_counter() - started) * 1000,
    }


def database_replaced(url, database_path):
    """The SQLite file replaced by an empty one under the running server: seconds until /healthz says the
    database is unavailable; then, once the new file is migrated, seconds until /healthz says ok again and a
    shared round is stored, with no restart."""

    def health():
        with urllib.request.urlopen(url + "/healthz") as response:
            return json.load(response)["database"]

    def waited_for(condition, limit=60):
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > limit:
                return None
            time.sleep(0.1)
        return time.monotonic() - started

    assert health() == "ok"
    replacement = database_path.with_suffix(".new")
    replacement.write_bytes(b"")
    os.replace(replacement, database_path)
    reported = waited_for(lambda: health() != "ok")
    upgrade(f"sqlite:///{database_path}")
    body = json.dumps(
        {
            "consent": True,
            "prompt": "cat",
            "drawing": [[[0.0, 10.0], [0.0, 10.0], [0, 10]]],
            "recognized": False,
            "recognized_ms": None,
            "duration_ms": 1000,
            "model_version": "benchmark",
            "engine": "browser",
            "guesses": [],
        }
    ).encode()

    def stored():
        request = urllib.request.Request(url + "/api/contributions", body, {"Content-Type": "application/json"})
        try:
            return urllib.request.urlopen(request).status == 201
        except urllib.error.HTTPError:
            return False

    recovered = waited_for(lambda: health() == "ok" and stored())
    return {"reported_after_s": reported, "recovered_after_migration_s": recovered}


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
    parser.add_argument("--flood-seconds", type=float, default=60)
    parser.add_argument("--export-mib", type=float, default=1024)
    args = parser.parse_args(argv)
    source = args.source or default_quickdraw_dir()
    report = {"real_raw_drawings": raw_drawing_sizes(source)}
    bodies = [json.dumps({"strokes": d.tolist()}) for d in spread(real_stroke3(source), 200)]
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "inkling.sqlite3"
        with public_server(workers=2, env={"INKLING_DATABASE_URL": f"sqlite:///{database}"}) as (url, process):
            report["beside_a_normal_client"] = attacks_beside_a_normal_client(url, process, bodies, args.seconds)
            report["flooding"] = flooding(url, database, args.flood_seconds)
            report["new_player"] = new_player_after_a_flood_of_rounds(url, args.flood_seconds)
            report["database_replaced"] = database_replaced(url, database)
    report["export"] = export_memory(args.export_mib)

    sizes = report["real_raw_drawings"]
    print("real raw drawings: " + "; ".join(f"{k} p99.9 {v['p99.9']:.0f}, max {v['max']}" for k, v in sizes.items()))
    beside = report["beside_a_normal_client"]
    alone = beside["alone"]
    print(f"a normal client alone: {alone['predictions_per_s']:.1f} predictions/s, p50 {alone['p50_ms']:.1f} ms")
    print("| attack | predictions/s | p50 ms | kept rate | p50 ratio | attacker |")
    for name, result in beside.items():
        if name == "alone":
            continue
        normal = result["normal"]
        rate = normal["predictions_per_s"] / alone["predictions_per_s"]
        ratio = normal["p50_ms"] / alone["p50_ms"]
        result["kept_rate"], result["p50_ratio"] = rate, ratio
        result["holds"] = rate >= 0.5 and ratio <= 3
        print(
            f"| {name} | {normal['predictions_per_s']:.1f} | {normal['p50_ms']:.1f} | {rate:.2f} | {ratio:.2f} | "
            f"{json.dumps(result['attack'])} |"
        )
    flood = report["flooding"]
    print(
        f"flooding: {flood['stored']} rounds of {flood['round_bytes'] / 1024:.0f} KiB stored, "
        f"{flood['refused']} refused in {args.flood_seconds:.0f} s from 4 addresses: "
        f"the database grew {flood['database_growth_mib']:.1f} MiB"
    )
    player = report["new_player"]
    print(
        f"new player: after {player['flooding_addresses']} addresses flooded rounds for {player['seconds']:.0f} s "
        f"({player['stored']} stored, {player['refused']} refused), a new player's round got "
        f"{player['new_player_status']} in {player['new_player_ms']:.0f} ms"
    )
    replaced = report["database_replaced"]
    print(
        f"database replaced: /healthz said so after {replaced['reported_after_s']:.1f} s; rounds stored again "
        f"{replaced['recovered_after_migration_s']:.1f} s after the new file was migrated, no restart"
    )
    export = report["export"]
    print(f"export: a {export['database_mib']:.0f} MiB database in {export['export_peak_rss_mib']:.0f} MiB of memory")
    write_result("hostile_clients", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
