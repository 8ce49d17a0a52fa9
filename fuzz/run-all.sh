#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 600), niced, and prints one
# Markdown table row per target: executions, executions per second, corpus size after the run,
# peak RSS, and the outcome (libFuzzer's exit status; a crash leaves artifacts/<target>/).
# Logs go to fuzz/logs/<target>.log. Needs cargo-fuzz (see fuzz/README.md).
#
# Usage: bash fuzz/run-all.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi
command -v cargo-fuzz >/dev/null 2>&1 || { echo "run-all: cargo-fuzz is not installed (cargo install cargo-fuzz)" >&2; exit 2; }
[ -d corpus ] || bash seed-corpus.sh
mkdir -p logs
RUSTC_BOOTSTRAP=1 cargo fuzz build >logs/build.log 2>&1 || { echo "run-all: build failed, see fuzz/logs/build.log" >&2; exit 2; }

stat() { # stat <name> <log>: the value of libFuzzer's final `stat::<name>:` line
    awk -v key="stat::$1:" '$1 == key {print $2}' "$2" | tail -n 1
}

echo "| target | seconds | executions | exec/s | corpus | peak RSS (MB) | outcome |"
echo "|---|---|---|---|---|---|---|"
failed=0
for target in "${targets[@]}"; do
    log=logs/$target.log
    RUSTC_BOOTSTRAP=1 nice -n 10 cargo fuzz run "$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1
    status=$?
    if [ $status -eq 0 ]; then outcome="no crash"; else outcome="**exit $status, see $log**"; failed=1; fi
    execs=$(stat number_of_executed_units "$log")
    rate=$(stat average_exec_per_sec "$log")
    rss=$(stat peak_rss_mb "$log")
    corpus=$(find "corpus/$target" -type f | wc -l)
    echo "| \`$target\` | $seconds | ${execs:-?} | ${rate:-?} | $corpus | ${rss:-?} | $outcome |"
done
exit $failed
