#!/usr/bin/env bash
# Sets up MCOP Explorer and runs every check: ruff, mypy and the whole pytest suite (unit, server,
# browser and database tests, and the tutorials). Installs the Debian packages the tests need when
# it can (as root or with password-less sudo) and says which otherwise.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k session`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh test
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"
