#!/usr/bin/env bash
# Sets everything up (idempotent) and serves Inkling with gunicorn on http://127.0.0.1:8000
# (HOST and PORT override; WORKERS defaults to the number of cores). Works offline once set up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-$(nproc)}
echo "Inkling: open http://$HOST:$PORT/ (Ctrl+C stops it)"
exec .venv/bin/gunicorn --workers "$WORKERS" --bind "$HOST:$PORT" --access-logfile - "webapp:create_app()"
