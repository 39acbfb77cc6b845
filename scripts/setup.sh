#!/usr/bin/env bash
# Creates .venv with this project and its test tools, and installs the npm packages (Mermaid).
# Sourced by start.sh and test.sh; safe to run again (it only installs what changed).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "MCOP Explorer needs Python 3.11 or newer ($PYTHON is older)." >&2; exit 1; }
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.mcop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test,bench]"
  touch "$stamp"
fi
if [ -f package-lock.json ]; then
  command -v npm >/dev/null || { echo "npm is needed (Node.js 18 or newer) to install Mermaid." >&2; exit 1; }
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
fi
