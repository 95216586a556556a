#!/usr/bin/env bash
# Runs the benchmark the way docs/performance.md reports it: the service published in Release and pinned to
# core 0, the load generator pinned to core 1, abuse limits lifted (every client shares one address and sends
# far faster than a person), and a warm-up load first: the runtime keeps recompiling hot code for about a
# minute of traffic, and the figures are meant for a process that has been serving for a while. A load or
# knee run warms up with its own rooms and clients (a knee run at its default rate of 5/s per sender).
#
#   scripts/bench.sh [Bench arguments...]        default: load --rooms 10 --clients 20 --senders 2 --rate 5
#   REDIS=1 scripts/bench.sh ...                 the service in Redis mode against a private redis-server
#   REDIS=1 INSTANCES=2 scripts/bench.sh ...     two instances (and Redis) on core 0, clients split between them
#   WARMUP=60 scripts/bench.sh ...               seconds of warm-up load (default 60)
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

instances=${INSTANCES:-1}
if [ "$instances" -gt 1 ] && [ "${REDIS:-0}" != 1 ]; then
  echo "INSTANCES > 1 needs REDIS=1: instances share rooms through Redis" >&2
  exit 2
fi
urls=() servers=()
for i in $(seq 0 $((instances - 1))); do
  PORT=$((port + i)) Orleans__ClusterId=bench-$$ Orleans__SiloPort=$((11499 + i)) Orleans__GatewayPort=$((30499 + i)) \
    taskset -c 0 dotnet "$work/silo/OrleansChat.Silo.dll" >"$work/silo-$i.log" 2>&1 &
  pids+=($!) servers+=($!) urls+=("http://127.0.0.1:$((port + i))")
done
for i in "${!servers[@]}"; do
  until grep -q "OrleansChat is running" "$work/silo-$i.log"; do
    kill -0 "${servers[$i]}" 2>/dev/null || { cat "$work/silo-$i.log" >&2; exit 1; }
    sleep 0.5
  done
done

bench() {
  taskset -c 1 dotnet "$work/bench/OrleansChat.Bench.dll" "$@" \
    --urls "$(IFS=,; echo "${urls[*]}")" --pids "$(IFS=,; echo "${servers[*]}")"
}
if [ $# -eq 0 ]; then set -- load --rooms 10 --clients 20 --senders 2 --rate 5; fi
case "$1" in
  # the same rooms and clients as the measured run, so the code paths it takes are the warm ones
  load|knee) bench load "${@:2}" --warmup 2 --duration "${WARMUP:-60}" >/dev/null ;;
  *) bench load --rooms 10 --clients 20 --senders 2 --rate 5 --warmup 2 --duration "${WARMUP:-60}" >/dev/null ;;
esac
bench "$@"
