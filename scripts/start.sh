#!/usr/bin/env bash
# Sets up MCOP Explorer and starts it: with no arguments, JupyterLab on the first tutorial (the server
# extension enabled, the offline model and the sample catalog: no key, no network). Options for
# JupyterLab may follow (`scripts/start.sh --port 8890 --no-browser`); any other arguments run the
# `mcop` command instead, e.g. `scripts/start.sh ask "Show me all tables"` or `scripts/start.sh chat`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh start
bash scripts/setup.sh
if [ $# -gt 0 ] && [[ $1 != -* ]]; then
  exec .venv/bin/mcop "$@"
fi
lab=(--ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/01-getting-started.ipynb)
# Jupyter refuses to run as root (containers, CI machines) unless told that it is meant.
[ "$(id -u)" -ne 0 ] || lab+=(--allow-root)
exec .venv/bin/jupyter lab "${lab[@]}" "$@"
