#!/usr/bin/env bash
# Full default certification against a correct receiver that takes 40 ms to answer each request
# (the reference receiver as `hookcert listen --delay-ms 40`, so nothing fails and every case
# runs), with the default concurrency and one case at a time, side by side in one run.
# Prints, per vendor and mode: wall seconds, requests sent (every attempt in the JSON report),
# requests per second, and the speed-up of the default over one at a time.
#
#   bash scripts/bench-certify-latency.sh [ROUNDS] [VENDOR...]     (default: 3 spotio breakcold)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
vendors=("$@")
[ ${#vendors[@]} -gt 0 ] || vendors=(spotio breakcold)
cargo build --release -q -p hookcert
bin=target/release/hookcert
work=$(mktemp -d /tmp/hookcert-latency.XXXXXX)
secret="wh_benchLatencySecret1"
listener=
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_listener() {
  local vendor=$1
  "$bin" listen --vendor "$vendor" --secret "$secret" --delay-ms 40 --duration-s 3600 \
    >"$work/listen.out" 2>&1 &
  listener=$!
  for _ in $(seq 100); do
    url=$(sed -n 's/^listening on //p' "$work/listen.out" | head -n 1)
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  echo "listen did not start: $(cat "$work/listen.out")" >&2
  exit 1
}

# Wall seconds, requests and failures of one run, from its JSON report ("default": no
# --concurrency flag).
run() {
  local vendor=$1 concurrency=$2 report="$work/report.json" start end flags=()
  [ "$concurrency" = default ] || flags=(--concurrency "$concurrency")
  start=$(date +%s%N)
  "$bin" certify --vendor "$vendor" --url "$url" --secret "$secret" --seed 1 --quiet \
    "${flags[@]}" --report-json "$report" >/dev/null
  end=$(date +%s%N)
  python3 - "$report" "$start" "$end" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
wall = (int(sys.argv[3]) - int(sys.argv[2])) / 1e9
requests = sum(len(c["attempts"]) for c in report["cases"])
print(f"{wall:.3f} {requests} {report['summary']['fail']}")
PY
}

printf '%-10s %-6s %-12s %10s %9s %11s %6s\n' vendor round concurrency "wall (s)" requests "requests/s" fails
for vendor in "${vendors[@]}"; do
  start_listener "$vendor"
  for round in $(seq "$rounds"); do
    declare -A wall=()
    for concurrency in default 1; do
      read -r seconds requests fails < <(run "$vendor" "$concurrency")
      wall[$concurrency]=$seconds
      rate=$(python3 -c "print(f'{$requests / $seconds:.0f}')")
      printf '%-10s %-6s %-12s %10s %9s %11s %6s\n' "$vendor" "$round" "$concurrency" "$seconds" "$requests" "$rate" "$fails"
    done
    python3 -c "print(f'{\"\":<10} {\"\":<6} speed-up {${wall[1]} / ${wall[default]}:.1f}x')"
  done
  kill "$listener" 2>/dev/null || true
  wait "$listener" 2>/dev/null || true
  listener=
done
