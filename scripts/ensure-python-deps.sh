#!/usr/bin/env bash
# Makes sure the Python packages the cross-check tests use are importable, installing them
# from PyPI if they are missing. Idempotent and quiet when everything is there.
set -euo pipefail
PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "ensure-python-deps: $PY not found; install Python 3 (Debian: apt-get install python3 python3-pip)" >&2
  exit 1
fi
# Importable is not enough: jsonschema must also have registered the format checks the catalog
# needs (date-time through rfc3339-validator, uri through rfc3986-validator), or the cross-check
# would pass those formats unchecked (scripts/crosscheck_schemas.py refuses to run then).
probe='import jsonschema, referencing, rfc3339_validator, rfc3986_validator, junitparser, openapi_spec_validator
checks = jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers
missing = [f for f in ("date-time", "uri", "email", "uuid") if f not in checks]
assert not missing, "jsonschema cannot check formats %s" % missing'
if "$PY" -c "$probe" >/dev/null 2>&1; then
  exit 0
fi
echo "ensure-python-deps: installing jsonschema[format-nongpl], junitparser and openapi-spec-validator for the cross-checks" >&2
pkgs=('jsonschema[format-nongpl]>=4.18' 'rfc3339-validator' 'rfc3986-validator' 'junitparser>=3,<5' 'openapi-spec-validator>=0.7')
"$PY" -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" \
  || "$PY" -m pip install --quiet --disable-pip-version-check --break-system-packages "${pkgs[@]}" \
  || "$PY" -m pip install --quiet --disable-pip-version-check --user "${pkgs[@]}"
"$PY" -c "$probe"
