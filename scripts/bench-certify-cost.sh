#!/usr/bin/env bash
# Issue 14: what the 1 MiB and 100-event cases cost. Full default certifications of each vendor
# against the embedded reference receiver, by a build of BEFORE (a commit without those cases)
# and by this checkout, in alternating rounds; and the sized cases alone, by this checkout.
# Prints the median wall time of each and the difference.
#
# Usage: scripts/bench-certify-cost.sh [BEFORE_COMMIT] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:-7b4c8b8}
rounds=${2:-3}
work=${BENCH_WORK:-/tmp/hookcert-bench-before}

if [ ! -x "$work/target/release/hookcert" ]; then
  rm -rf "$work"
  git worktree add -f --detach "$work" "$before" >/dev/null
  (cd "$work" && cargo build --release -q -p hookcert)
fi
cargo build --release -q -p hookcert
old="$work/target/release/hookcert"
new=target/release/hookcert

# Median of a list of numbers.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Wall seconds of one run (exit 0 required: the reference receiver must certify).
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

echo "machine: $(nproc) cores; before $before, after $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'); $rounds rounds; $(date -u +%FT%TZ)"
printf '%-14s %10s %10s %10s %14s\n' vendor before after diff "sized alone"
for vendor in spotio breakcold clinchpad zoho-salesiq tomba; do
  olds=() news=() sized=()
  "$new" certify --vendor "$vendor" --seed 7 --suite generated --quiet \
    --report-json "$work.report.json" >/dev/null
  sized_ids=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join("--suite " + c["id"] for c in r["cases"]
               if c["id"].startswith(("generated/size-", "generated/batch-100"))))' "$work.report.json")
  for _ in $(seq "$rounds"); do
    olds+=("$(timed "$old" certify --vendor "$vendor" --seed 7)")
    news+=("$(timed "$new" certify --vendor "$vendor" --seed 7)")
    # shellcheck disable=SC2086
    sized+=("$(timed "$new" certify --vendor "$vendor" --seed 7 $sized_ids)")
  done
  o=$(median "${olds[@]}"); n=$(median "${news[@]}"); s=$(median "${sized[@]}")
  printf '%-14s %9.2fs %9.2fs %+9.2fs %13.2fs\n' "$vendor" "$o" "$n" "$(echo "$n - $o" | bc)" "$s"
done
