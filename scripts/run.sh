#!/usr/bin/env bash
# Sets everything up (idempotent) and serves Inkling with gunicorn on http://127.0.0.1:8000
# (HOST, PORT and WORKERS override; webapp/gunicorn.conf.py has the rest). Works offline once set up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh web
.venv/bin/flask --app webapp db upgrade  # the contributions database: created or migrated, never by hand
export HOST=${HOST:-127.0.0.1} PORT=${PORT:-8000}
echo "Inkling: open http://$HOST:$PORT/ (Ctrl+C stops it)"
exec .venv/bin/gunicorn -c webapp/gunicorn.conf.py --access-logfile - "webapp:create_app()"
