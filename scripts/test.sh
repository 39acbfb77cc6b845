#!/usr/bin/env bash
# Sets up MCOP Explorer and runs every check: ruff, mypy and the whole pytest suite.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k session`.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "The browser and database tests need Debian packages this machine lacks: ${missing[*]}" >&2
  echo "Install them (as root: apt-get install -y ${missing[*]}), or run .ci/run, which does." >&2
  exit 1
fi
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"
