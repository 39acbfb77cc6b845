#!/usr/bin/env bash
# Regenerates the README's screenshots in docs/: JupyterLab with the chat widget after an answer
# (light theme), a large ER diagram full size (fitted, then zoomed), and the dark theme; in Debian's
# Chromium (/usr/bin/chromium, `apt-get install -y chromium`). The browser tests save screenshots of
# every step under test-artifacts/browser/ as they run.
# Arguments go to tests/browser/readme_screenshot.py, e.g. `--question "where does EKKO go?"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="$PWD/docs"
cd tests
exec ../.venv/bin/python -m browser.readme_screenshot "$out" "$@"
