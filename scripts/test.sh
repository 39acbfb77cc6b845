#!/usr/bin/env bash
# Sets up MCOP Explorer and runs every check: ruff, mypy and the whole pytest suite.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k session`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"
