"""The server fallback under load: gunicorn (as scripts/run.sh starts it) on 127.0.0.1.

    python -m benchmarks.server_load [--seconds 60] [--clients 1,8,32] [--workers 2] [--name server_load]

For each number of concurrent clients (keep-alive HTTP, real drawings), for --seconds each: predictions
per second, p50/p95/p99 latency, errors; the workers' resident memory before and after; how long the
server takes to boot (start to the first answer of /healthz) and to replace a killed worker.
Prints a table and writes benchmarks/results/<name>.json.
"""

import argparse
import json
import os
import signal
import sys
import time
import urllib.request

import psutil

from benchmarks.common import percentiles, real_stroke3, spread, write_result
from harness.live_server import hammer, live_server, worker_memory


def worker_replacement_seconds():
    """Kill the only worker of a one-worker server; seconds until /healthz answers again."""
    with live_server(workers=1) as (url, process):
        (worker,) = psutil.Process(process.pid).children()
        killed = time.monotonic()
        os.kill(worker.pid, signal.SIGKILL)
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                return time.monotonic() - killed
            except OSError:
                time.sleep(0.02)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=None)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--name", default="server_load", help="result file name under benchmarks/results/")
    args = parser.parse_args(argv)
    bodies = [json.dumps({"strokes": d.tolist()}) for d in spread(real_stroke3(args.source), 200)]

    report = {
        "seconds_per_level": args.seconds,
        "workers": args.workers,
        "levels": [],
        "worker_replacement_s": worker_replacement_seconds(),
    }
    started = time.monotonic()
    with live_server(workers=args.workers) as (url, process):
        report["boot_s"] = time.monotonic() - started
        hammer(url, bodies, 2, 3)  # warm-up: every worker has served requests
        report["memory_mib_before"] = worker_memory(process)
        for clients in map(int, args.clients.split(",")):
            latencies, errors, elapsed = hammer(url, bodies, clients, args.seconds)
            level = {
                "clients": clients,
                "predictions": len(latencies),
                "errors": errors,
                "per_second": len(latencies) / elapsed,
                "latency_ms": percentiles(latencies),
            }
            level["latency_ms"]["p50"] = level["latency_ms"].pop("median")
            report["levels"].append(level)
        report["memory_mib_after"] = worker_memory(process)

    print(f"{'clients':>8}{'pred/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'n':>8}")
    for level in report["levels"]:
        lat = level["latency_ms"]
        print(
            f"{level['clients']:>8}{level['per_second']:>9.1f}{lat['p50']:>9.1f}{lat['p95']:>9.1f}{lat['p99']:>9.1f}"
            f"{level['errors']:>8}{level['predictions']:>8}"
        )
    print(f"worker memory (MiB): before {report['memory_mib_before']}, after {report['memory_mib_after']}")
    print(
        f"boot to first answer: {report['boot_s']:.2f} s; "
        f"a killed worker replaced in {report['worker_replacement_s']:.2f} s"
    )
    write_result(args.name, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
