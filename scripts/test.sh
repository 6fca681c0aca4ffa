#!/usr/bin/env bash
# Sets everything up (idempotent), installs Debian's Chromium for the browser tests if missing, and runs
# the whole test suite. Arguments go to pytest (e.g. scripts/test.sh -k browser).
# Real drawings come from $INKLING_QUICKDRAW_DIR or ../shared/data/quickdraw; tests needing them skip without.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "test: installing chromium from Debian"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null
fi
exec .venv/bin/python -m pytest "$@"
