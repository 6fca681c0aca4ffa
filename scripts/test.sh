#!/usr/bin/env bash
# Sets everything up (idempotent), installs what the tests drive from Debian if missing (Chromium for the
# browser tests, nginx and Redis for the reverse-proxy and shared-limit tests), checks the code with ruff (lint and format),
# import-linter and Biome (the JavaScript), and runs the whole test suite. Arguments go to pytest: -m "not slow" is
# the fast loop (no Chromium, servers or training), -k browser one part.
# Real drawings come from $INKLING_QUICKDRAW_DIR or ../shared/data/quickdraw, else tests/fixtures/quickdraw.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/redis-server ]; then
  echo "test: installing chromium, nginx and redis-server from Debian"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium nginx-light redis-server > /dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache  # imports run one way (contracts in .importlinter)
node_modules/.bin/biome check  # the JavaScript: lint and format (biome.json)
exec .venv/bin/python -m pytest "$@"
