#!/usr/bin/env bash
# Builds the application schemas the understanding benchmark asks about (django-oscar, Wagtail,
# django-helpdesk from PyPI, each in its own venv under .cache/schemas/, migrated into SQLite).
# Kept when built; extra arguments go to the builder, e.g. `scripts/schemas.sh --only wagtail`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m benchmarks.understanding.schemas "$@"
