#!/usr/bin/env bash
# Sets up MCOP Explorer and runs every check: ruff, mypy and the whole pytest suite (unit, server,
# browser and database tests, and the tutorials). Installs the Debian packages the tests need when
# it can (as root or with password-less sudo) and says which otherwise.
# Extra arguments go to pytest, e.g. `scripts/test.sh -k session`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh test
# The tests include a real small model (tests/test_local_model.py): its runtime builds once, about
# 6 minutes, and pip's wheel cache keeps it. MCOP_LOCAL_MODEL=0 leaves it out (those tests skip).
export MCOP_LOCAL_MODEL=${MCOP_LOCAL_MODEL:-1}
bash scripts/setup.sh
# Jupyter Enterprise Gateway, for the kernel-backed server's gateway test, pins Jupyter packages of
# its own, so it gets an environment of its own (once, under .cache/; MCOP_GATEWAY names another).
if [ -z "${MCOP_GATEWAY:-}" ]; then
  gateway=.cache/gateway/venv
  if [ ! -x "$gateway/bin/jupyter-enterprisegateway" ]; then
    "${PYTHON:-python3}" -m venv "$gateway"
    "$gateway/bin/python" -m pip install --quiet jupyter-enterprise-gateway==3.3.0
  fi
  export MCOP_GATEWAY=$PWD/$gateway/bin/jupyter-enterprisegateway
fi
# Three open-source applications' schemas (django-oscar, Wagtail, django-helpdesk from PyPI, each
# migrated into SQLite under .cache/schemas/, once, a few minutes): the understanding tests ask about
# them too. Without them (no PyPI) those tests skip, saying so.
bash scripts/schemas.sh || echo "The application schemas were not built; the tests that read them skip." >&2
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
# One worker per core (MCOP_TEST_WORKERS sets another number; 0 runs in this process), each test
# file on one worker so its module fixtures are built once.
.venv/bin/pytest -n "${MCOP_TEST_WORKERS:-auto}" --dist loadfile "$@"
