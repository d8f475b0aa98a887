#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (Rasa 3.6 needs >=3.8,<3.11), or
# explains what to install and exits 1. Looks at python3.10 on PATH, then
# pyenv, then pyenv's versions folder (pyenv shims exist for versions that
# are installed but not selected, so each candidate is actually run).
set -u
works() { [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  candidates+=("$(pyenv which python3.10 2>/dev/null || true)")
  root=$(pyenv root 2>/dev/null || true)
  [ -n "$root" ] && for p in "$root"/versions/3.10.*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "${HOME:-/root}"/.pyenv/versions/3.10.*/bin/python3.10; do candidates+=("$p"); done

for p in "${candidates[@]}"; do
  if works "$p"; then echo "$p"; exit 0; fi
done
echo "error: no working Python 3.10 found (Rasa 3.6 needs Python 3.10)." >&2
echo "Install one, e.g. 'pyenv install 3.10' or Debian's python3.10 and python3.10-venv, then run make again." >&2
exit 1
