#!/usr/bin/env bash
# Idempotent setup: Python virtual environment, front-end libraries from npm into static/vendor/.
#   scripts/setup.sh        everything: training, evaluation and the tests too (TensorFlow)
#   scripts/setup.sh web    only what serving the app needs (no TensorFlow), for scripts/run.sh
# Each step runs only when its inputs changed since the last successful run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
if [ "${1:-all}" = web ]; then
  requirements=(requirements-web.txt) stamp=.venv/.requirements-web.sha256
else
  requirements=(requirements.txt requirements-web.txt) stamp=.venv/.requirements.sha256
fi
if ! sha256sum --check --status "$stamp" 2>/dev/null; then
  echo "setup: installing Python packages from ${requirements[0]} (first time: a few minutes)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "${requirements[0]}"
  sha256sum "${requirements[@]}" > "$stamp"
fi

stamp=node_modules/.package-lock.sha256
if ! sha256sum --check --status "$stamp" 2>/dev/null; then
  echo "setup: installing front-end libraries from npm"
  npm ci --no-audit --no-fund --loglevel=error  # its postinstall runs scripts/vendor.mjs
  sha256sum package-lock.json > "$stamp"
else
  node scripts/vendor.mjs > /dev/null  # quick: static/vendor/ follows the libraries and metadata.schema.json
fi
node scripts/precompress.mjs > /dev/null  # gzip copies of static files for nginx (public mode)
