#!/usr/bin/env bash
# Harness throughput against wrk (issue 6): a null receiver (nginx from Debian's packages,
# `return 200`, keepalive_requests raised so it never closes a kept-alive connection), then
# alternating rounds of wrk and `hookcert bench` at the same concurrency, sending bodies of the
# same size with the same headers; prints both rates and their ratio per round and the median.
# Then the peak memory of a 1,000,000-delivery run with its records streamed to disk.
#
# Usage: scripts/bench-throughput.sh [ROUNDS] [SECONDS_PER_WRK_ROUND]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-8}
concurrency=64
secret=wh_bench_secret

need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bench-throughput: need ${need[*]} (Debian packages) and cannot install them" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release -q -p hookcert
hookcert=target/release/hookcert
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000000;
  keepalive_timeout 600s;
  client_body_buffer_size 64k;
  server { listen 127.0.0.1:$port; location / { return 200; } }
}
CONF
nginx -c "$work/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.5
url="http://127.0.0.1:$port/"

echo "machine: $(nproc) cores; nginx 1 worker; concurrency $concurrency; $(date -u +%FT%TZ)"
"$hookcert" bench --vendor spotio --url "$url" --secret "$secret" --deliveries 2000 \
  --wrk-script "$work/post.lua" >/dev/null
echo "wrk body: $(wc -c <"$work/post.body") bytes (the run's average size)"
ratios=()
for round in $(seq "$rounds"); do
  wrk_rate=$(wrk -t 1 -c "$concurrency" -d "${seconds}s" -s "$work/post.lua" "$url" \
    | awk '/Requests\/sec/ {print $2}')
  deliveries=$(python3 -c "print(int($wrk_rate * $seconds * 0.7))")
  ours=$("$hookcert" bench --vendor spotio --url "$url" --secret "$secret" \
    --deliveries "$deliveries" --concurrency "$concurrency" --record "$work/records.jsonl" --json)
  our_rate=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['per_second']))" "$ours")
  ratio=$(python3 -c "print(f'{$our_rate / $wrk_rate:.2f}')")
  ratios+=("$ratio")
  echo "round $round: wrk $wrk_rate req/s; hookcert bench $our_rate deliveries/s ($deliveries, generated, signed, recorded); ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median ratio hookcert/wrk: $median"

/usr/bin/time -f "%M" -o "$work/rss" "$hookcert" bench --vendor spotio --url "$url" \
  --secret "$secret" --deliveries 1000000 --concurrency "$concurrency" \
  --record "$work/records.jsonl"
echo "peak RSS of 1,000,000 deliveries, records streamed to disk: $(( $(cat "$work/rss") / 1024 )) MiB ($(wc -l <"$work/records.jsonl") records, $(du -m "$work/records.jsonl" | cut -f1) MiB on disk)"
