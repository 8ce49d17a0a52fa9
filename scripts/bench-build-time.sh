#!/usr/bin/env bash
# Cold release builds of two revisions, side by side in one run: `-p hookcert` (wall time and
# binary size) and the whole workspace (wall time). Each build gets a fresh target folder and
# the registry is fetched before timing, so only compilation is measured.
#
#   bash scripts/bench-build-time.sh BASE_REV [NEW_REV]     (NEW_REV defaults to HEAD)
set -euo pipefail
base=${1:?usage: bench-build-time.sh BASE_REV [NEW_REV]}
new=${2:-HEAD}
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/hookcert-build-time.XXXXXX)
trap 'rm -rf "$work"' EXIT
for rev in "$base" "$new"; do
  dir="$work/$(git -C "$repo" rev-parse --short "$rev")"
  git clone -q "$repo" "$dir"
  git -C "$dir" checkout -q "$rev"
  (cd "$dir" && cargo fetch -q)
done
# Wall seconds of a command, to the millisecond.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  printf '%d.%03d' $(((end - start) / 1000000000)) $(((end - start) / 1000000 % 1000))
}
printf '%-10s %-22s %-14s %-22s\n' revision "-p hookcert (s)" "binary bytes" "--workspace (s)"
for rev in "$base" "$new"; do
  dir="$work/$(git -C "$repo" rev-parse --short "$rev")"
  one=$(cd "$dir" && CARGO_TARGET_DIR="$dir/t1" seconds cargo build --release -p hookcert)
  size=$(stat -c %s "$dir/t1/release/hookcert")
  all=$(cd "$dir" && CARGO_TARGET_DIR="$dir/t2" seconds cargo build --release --workspace)
  printf '%-10s %-22s %-14s %-22s\n' "$(git -C "$repo" rev-parse --short "$rev")" "$one" "$size" "$all"
  rm -rf "$dir/t1" "$dir/t2"
done
