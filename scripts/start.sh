#!/usr/bin/env bash
# Sets up MCOP Explorer and starts it: with no arguments an interactive chat with the offline model
# and the sample catalog; with arguments, the `mcop` command, e.g. `scripts/start.sh ask "Show me all tables"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -eq 0 ]; then
  exec .venv/bin/mcop chat
fi
exec .venv/bin/mcop "$@"
