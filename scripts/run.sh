#!/usr/bin/env bash
# Sets everything up (idempotent) and serves Inkling. Works offline once set up.
#   scripts/run.sh            for one person: gunicorn on http://127.0.0.1:8000 (HOST, PORT and WORKERS
#                             override; webapp/gunicorn.conf.py has the rest), its limits counted per worker
#   scripts/run.sh --public   for others: nginx on 0.0.0.0:8080 in front of gunicorn on a Unix socket, with
#                             Redis for the limits (webapp/public.py; --listen, --workers, --database-url);
#                             installs nginx and Redis from Debian if they are missing
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh web
if [ "${1:-}" = --public ]; then
  shift
  if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/redis-server ]; then
    echo "run: installing nginx and redis-server from Debian"
    SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light redis-server > /dev/null
  fi
  exec .venv/bin/python -m webapp.public "$@"
fi
.venv/bin/flask --app webapp db upgrade  # the contributions database: created or migrated, never by hand
export HOST=${HOST:-127.0.0.1} PORT=${PORT:-8000}
echo "Inkling: open http://$HOST:$PORT/ for you alone (Ctrl+C stops it; scripts/run.sh --public serves others)"
exec .venv/bin/gunicorn -c webapp/gunicorn.conf.py --access-logfile - "webapp:create_app()"
