#!/usr/bin/env bash
# Issue 16: the same exported SPOTIO corpus sent by Locust with one process, by Locust with two
# worker processes (--processes 2: a master and two workers on this host), and by
# `hookcert bench`, against the same null receiver (nginx from Debian's packages, `return 200`),
# in alternating rounds; prints each rate (deliveries/s, from the first send to the last answer,
# as `hookcert bench --merge` counts them) and each Locust rate over hookcert bench's.
#
# Usage: scripts/bench-locust.sh [ROUNDS] [DELIVERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
deliveries=${2:-20000}
users=64
secret=wh_bench_secret

if ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bench-locust: need nginx (Debian: nginx-light) and cannot install it" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
locust=$(bash scripts/ensure-locust.sh)
cargo build --release -q -p hookcert
hookcert=$PWD/target/release/hookcert
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
url="http://127.0.0.1:$port/webhooks/spotio"

"$hookcert" export --vendor spotio --url "$url" --secret "$secret" --deliveries "$deliveries" \
  --out "$work/corpus" >/dev/null
rate() { python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['per_second']))" "$1"; }
# One Locust run of the corpus, its records merged; prints the rate.
locust_run() {
  rm -rf "$work/corpus/records"
  (cd "$work/corpus" && "$locust" -f locustfile.py --headless -u "$users" -r "$users" \
    --only-summary --run-time 600s "$@" >"$work/locust.log" 2>&1)
  local merged
  merged=$("$hookcert" bench --merge "$work/corpus" --json) || {
    echo "bench-locust: the merge failed: $merged" >&2
    tail -20 "$work/locust.log" >&2
    exit 1
  }
  rate "$merged"
}

echo "machine: $(nproc) cores; nginx 1 worker; $deliveries SPOTIO deliveries; $users users / concurrency; $(locust --version 2>/dev/null || "$locust" --version | head -1); $(date -u +%FT%TZ)"
for round in $(seq "$rounds"); do
  one=$(locust_run)
  two=$(locust_run --processes 2)
  ours=$(rate "$("$hookcert" bench --vendor spotio --url "$url" --secret "$secret" \
    --deliveries "$deliveries" --concurrency "$users" --json)")
  echo "round $round: locust 1 process $one/s, locust 2 workers $two/s, hookcert bench $ours/s; locust/bench $(python3 -c "print(f'{$one/$ours:.2f} and {$two/$ours:.2f}')")"
done
