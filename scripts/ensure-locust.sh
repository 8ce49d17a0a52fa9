#!/usr/bin/env bash
# Makes sure Locust (the distributed load engine `hookcert export` writes a locustfile for) is
# installed in its own virtual environment, and prints the path of its `locust` command.
# Idempotent and quiet when it is there. The environment lives in target/tools/locust-venv
# (or $HOOKCERT_LOCUST_VENV): Locust pins gevent and friends, which must not meet the
# cross-check tools' packages in the system Python.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${HOOKCERT_LOCUST_VENV:-$PWD/target/tools/locust-venv}
# The version the locustfile was written and tested against.
SPEC='locust>=2.47,<3'
if [ -x "$VENV/bin/locust" ] && "$VENV/bin/python" -c 'import locust' >/dev/null 2>&1; then
  echo "$VENV/bin/locust"
  exit 0
fi
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "ensure-locust: $PY not found; install Python 3 (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
echo "ensure-locust: installing $SPEC into $VENV" >&2
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PY" -m venv "$VENV" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$SPEC" >&2
"$VENV/bin/python" -c 'import locust' >&2
echo "$VENV/bin/locust"
