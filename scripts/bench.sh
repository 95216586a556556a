#!/usr/bin/env bash
# Runs the load benchmark the way docs/performance.md reports it: the service published in Release and
# pinned to core 0, the load generator pinned to core 1, abuse limits lifted (every client shares one
# address and sends far faster than a person), one warm-up run first so JIT compilation is not measured.
#
#   scripts/bench.sh [Bench arguments...]        default: load --rooms 10 --clients 20 --senders 2 --rate 5
#   REDIS=1 scripts/bench.sh ...                 the service in Redis mode against a private redis-server
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${PORT:-9400}
pids=()
stop() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap stop EXIT

dotnet publish Silo -c Release -o "$work/silo" --nologo -v quiet >/dev/null
dotnet build Bench -c Release -o "$work/bench" --nologo -v quiet >/dev/null

export Limits__ConnectionsPerAddress=1000000 Limits__NewConnectionsPerAddress__Burst=1000000 \
  Limits__NewConnectionsPerAddress__Refill=1000000 Limits__MessagesPerConnection__Burst=1000000 \
  Limits__MessagesPerConnection__Refill=1000000 Room__Messages__Burst=1000000 Room__Messages__Refill=1000000
if [ "${REDIS:-0}" = 1 ]; then
  taskset -c 0 redis-server --port 6399 --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  pids+=($!)
  export REDISHOST=127.0.0.1 REDISPORT=6399 Orleans__AdvertisedIP=127.0.0.1
fi

PORT=$port Orleans__ClusterId=bench-$$ Orleans__SiloPort=11499 Orleans__GatewayPort=30499 \
  taskset -c 0 dotnet "$work/silo/OrleansChat.Silo.dll" >"$work/silo.log" 2>&1 &
server=$!
pids+=($server)
until grep -q "OrleansChat is running" "$work/silo.log"; do
  kill -0 "$server" 2>/dev/null || { cat "$work/silo.log" >&2; exit 1; }
  sleep 0.5
done

bench() { taskset -c 1 dotnet "$work/bench/OrleansChat.Bench.dll" "$@" --urls "http://127.0.0.1:$port" --pids "$server"; }
bench load --rooms 10 --clients 20 --senders 2 --rate 5 --warmup 2 --duration 5 >/dev/null   # warm-up
if [ $# -eq 0 ]; then set -- load --rooms 10 --clients 20 --senders 2 --rate 5; fi
bench "$@"
