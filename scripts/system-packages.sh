#!/usr/bin/env bash
# Installs the Debian packages MCOP Explorer needs that this machine lacks, when it can (as root, or
# with password-less sudo); otherwise says which and how, and fails.
#   scripts/system-packages.sh start   what the main command needs: Node.js and npm (Mermaid), venv,
#                                      a C++ compiler for the local model (not with MCOP_LOCAL_MODEL=0)
#   scripts/system-packages.sh test    and what the tests need: Chromium, PostgreSQL, unshare, ip
# Each package is installed only when its command is missing, so a second run changes nothing.
set -euo pipefail
need=${1:-start}
PYTHON=${PYTHON:-python3}
missing=()
"$PYTHON" -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(nodejs npm)
# The local model's runtime (llama-cpp-python, scripts/setup.sh) is compiled: a C++ compiler.
if [ "${MCOP_LOCAL_MODEL:-1}" != 0 ]; then
  command -v c++ >/dev/null || command -v g++ >/dev/null || missing+=(g++)
fi
if [ "$need" = test ]; then
  # The browser tests (tests/browser/) drive Debian's Chromium with Playwright.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # The SQL catalog tests (tests/postgres.py) start a throwaway PostgreSQL server with its initdb.
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
  # The Binder rehearsal (tests/test_binder.py) runs JupyterLab in a network namespace of its own.
  command -v unshare >/dev/null || missing+=(util-linux)
  command -v ip >/dev/null || missing+=(iproute2)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "MCOP Explorer needs these Debian packages, which this machine lacks: ${missing[*]}" >&2
  echo "Install them as root, then run this command again:" >&2
  echo "    apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "Install these packages with your system's package manager, then run this command again: ${missing[*]}" >&2
  exit 1
fi
echo "Installing the Debian packages this machine lacks: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
