#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs exactly requirements/lock.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  python=$(scripts/find-python.sh)
  echo "==> creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi
if ! .venv/bin/uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
  echo "==> installing uv $UV_VERSION (installer for the lock file)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
echo "==> installing the pinned Python packages (requirements/lock.txt)"
# Bytecode is compiled here, once: where PYTHONDONTWRITEBYTECODE is set (as on this
# machine and many CI runners) every start of a server would otherwise compile
# TensorFlow and Rasa again, about 12 s of a 29 s cold start.
.venv/bin/uv pip sync --quiet --compile-bytecode --python .venv/bin/python requirements/lock.txt
