#!/usr/bin/env bash
# Sets up MCOP Explorer and starts it: with no arguments, JupyterLab on the tutorials (the server
# extension enabled, the offline model and the sample catalog: no key, no network); with arguments,
# the `mcop` command instead, e.g. `scripts/start.sh ask "Show me all tables"` or `scripts/start.sh chat`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -eq 0 ]; then
  exec .venv/bin/jupyter lab --ServerApp.root_dir=notebooks 01-getting-started.ipynb
fi
exec .venv/bin/mcop "$@"
