#!/usr/bin/env bash
# Makes sure the command-line tools the cross-check tests run are on PATH (openssl, python3, node
# for the re-serialization layouts, and chromium for the HTML report test), installing them from
# Debian's packages when missing.
# Idempotent and quiet when all is there.
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-test-tools: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-tools: ${missing[*]} missing and cannot install (need root and apt-get)" >&2
  exit 1
fi
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
