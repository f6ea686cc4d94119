#!/usr/bin/env bash
# One command that sets up and runs the demo on a fresh machine: the real bot against the built-in Telegram
# sandbox, on a temporary SQLite database. No Telegram token or network needed. Extra arguments go to
# `lesson-bot demo` (e.g. `scripts/demo.sh --once` to exit after the walk-through).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/venv.sh
. scripts/venv.sh ""
exec .venv/bin/lesson-bot demo "$@"
