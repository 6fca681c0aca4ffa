"""Normal clients while others send their requests one byte at a time: gunicorn as scripts/run.sh starts it.

    python -m benchmarks.slow_clients [--slow 0,50,200] [--seconds 15] [--workers 2] [--name slow_clients]

For each number of slow connections (each sends one header byte every 0.5 s and never finishes), two
keep-alive clients post real drawings for --seconds: predictions per second, p50/p95/p99 latency, errors.
Prints a table and writes benchmarks/results/<name>.json.
"""

import argparse
import contextlib
import json
import socket
import sys
import threading
import time
from urllib.parse import urlparse

from benchmarks.common import percentiles, real_stroke3, spread, write_result
from harness.live_server import hammer, live_server


@contextlib.contextmanager
def slow_connections(url, count):
    """`count` connections that trickle a request line forever, until the block ends."""
    address = urlparse(url)
    stop = threading.Event()
    connections = []
    for _ in range(count):
        with contextlib.suppress(OSError):
            connections.append(socket.create_connection((address.hostname, address.port), timeout=5))

    def trickle():
        while not stop.wait(0.5):
            for connection in connections:
                with contextlib.suppress(OSError):
                    connection.send(b"G")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield len(connections)
    finally:
        stop.set()
        thread.join()
        for connection in connections:
            connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=None)
    parser.add_argument("--slow", default="0,50,200")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--name", default="slow_clients", help="result file name under benchmarks/results/")
    args = parser.parse_args(argv)
    bodies = [json.dumps({"strokes": d.tolist()}) for d in spread(real_stroke3(args.source), 200)]
    report = {"seconds_per_level": args.seconds, "workers": args.workers, "levels": []}
    with live_server(workers=args.workers) as (url, _):
        hammer(url, bodies, 2, 2)  # warm-up
        for count in map(int, args.slow.split(",")):
            with slow_connections(url, count) as opened:
                time.sleep(1)  # let every slow connection reach a worker
                latencies, errors, elapsed = hammer(url, bodies, 2, args.seconds)
            latency = percentiles(latencies) if latencies else {}
            report["levels"].append(
                {
                    "slow_connections": opened,
                    "predictions": len(latencies),
                    "errors": errors,
                    "per_second": len(latencies) / elapsed,
                    "latency_ms": latency,
                }
            )
    print(f"{'slow':>6}{'pred/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for level in report["levels"]:
        lat = level["latency_ms"]
        cells = f"{lat['median']:>9.1f}{lat['p95']:>9.1f}{lat['p99']:>9.1f}" if lat else f"{'-':>9}" * 3
        print(f"{level['slow_connections']:>6}{level['per_second']:>9.1f}{cells}{level['errors']:>8}")
    write_result(args.name, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
