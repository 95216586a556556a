#!/usr/bin/env bash
# Runs the benchmark the way docs/performance.md reports it: the service published in Release and pinned to
# core 0, the load generator pinned to core 1, abuse limits lifted (every client shares one address and sends
# far faster than a person), and a warm-up with the run's own rooms and clients first, against a freshly
# started process (Cloud Run starts instances when load arrives, so the warm-up is short on purpose).
#
#   scripts/bench.sh [Bench arguments...]        default: load --rooms 10 --clients 20 --senders 2 --rate 5
#   REDIS=1 scripts/bench.sh ...                 the service in Redis mode against a private redis-server (core 0)
#   REDIS=1 INSTANCES=3 scripts/bench.sh ...     three instances (and Redis), clients split between them
#   PIN=0 scripts/bench.sh ...                   nothing pinned (the cluster scenario: processes share both cores)
#   BASELINE=1 scripts/bench.sh ...              then the same run against a fresh bare SignalR hub (Bench/Baseline),
#                                                pinned the same way, and the ratios of the two
#   WARMUP=30 scripts/bench.sh ...               seconds of warm-up load (default 30)
#   BUILD=dir scripts/bench.sh ...               publish into dir once and reuse it in later runs (a series of runs)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
build=${BUILD:-$work}
port=${PORT:-9400}
redis_port=6399
pids=() servers=()
# The servers first, while Redis still answers them; each gets Cloud Run's 10 s after SIGTERM, then SIGKILL.
stop_all() {
  for pid in "${servers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "server $pid still running 10 s after SIGTERM; killing it" >&2; kill -KILL "$pid"; fi
  done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  pids=() servers=()
}
trap 'stop_all; rm -rf "$work"' EXIT

if [ "${PIN:-1}" = 1 ]; then server_cpu=(taskset -c 0) load_cpu=(taskset -c 1); else server_cpu=() load_cpu=(); fi
# The published image's build (Dockerfile): the same command, so the same runtime settings.
if [ ! -f "$build/silo/OrleansChat.Silo.dll" ] || [ ! -f "$build/bench/OrleansChat.Bench.dll" ]; then
  dotnet publish Silo/Silo.csproj -c Release -o "$build/silo" --nologo -v quiet >/dev/null
  dotnet build Bench -c Release -o "$build/bench" --nologo -v quiet >/dev/null
fi

export Limits__ConnectionsPerAddress=1000000 Limits__NewConnectionsPerAddress__Burst=1000000 \
  Limits__NewConnectionsPerAddress__Refill=1000000 Limits__MessagesPerConnection__Burst=1000000 \
  Limits__MessagesPerConnection__Refill=1000000 Room__Messages__Burst=1000000 Room__Messages__Refill=1000000
instances=${INSTANCES:-1}
if [ "$instances" -gt 1 ] && [ "${REDIS:-0}" != 1 ]; then
  echo "INSTANCES > 1 needs REDIS=1: instances share rooms through Redis" >&2
  exit 2
fi

wait_started() { # log pid
  until [ -f "$1" ] && grep -q "OrleansChat is running" "$1"; do
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; exit 1; }
    sleep 0.2
  done
}

start_service() {
  urls=() servers=()
  if [ "${REDIS:-0}" = 1 ]; then
    "${server_cpu[@]}" redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
    pids+=($!)
    export REDISHOST=127.0.0.1 REDISPORT=$redis_port Orleans__AdvertisedIP=127.0.0.1
    until redis-cli -p $redis_port ping >/dev/null 2>&1; do sleep 0.1; done
  fi
  for i in $(seq 0 $((instances - 1))); do
    PORT=$((port + i)) Orleans__ClusterId=bench-$$ Orleans__SiloPort=$((11499 + i)) Orleans__GatewayPort=$((30499 + i)) \
      "${server_cpu[@]}" dotnet "$build/silo/OrleansChat.Silo.dll" >"$work/silo-$i.log" 2>&1 &
    pids+=($!) servers+=($!) urls+=("http://127.0.0.1:$((port + i))")
  done
  for i in "${!servers[@]}"; do wait_started "$work/silo-$i.log" "${servers[$i]}"; done
}

baseline_url=none
start_baseline() {
  baseline_url="http://127.0.0.1:$port"
  urls=("$baseline_url") servers=()
  "${server_cpu[@]}" dotnet "$build/bench/OrleansChat.Bench.dll" baseline --port "$port" >"$work/baseline.log" 2>&1 &
  pids+=($!) servers+=($!)
  wait_started "$work/baseline.log" "${servers[0]}"
}

bench() {
  "${load_cpu[@]}" dotnet "$build/bench/OrleansChat.Bench.dll" "$@" \
    --urls "$(IFS=,; echo "${urls[*]}")" --pids "$(IFS=,; echo "${servers[*]}")"
}

# Warm-up with the same rooms and clients as the measured run, so the code paths it takes are the warm ones.
measure() { # output file, Bench arguments...
  local out=$1; shift
  # Idle and shutdown runs measure a process that has not been loaded: after a load the runtime keeps
  # recompiling hot code in the background for a while, which an idle figure would count.
  case "$1" in
    load|knee|overload) bench load "${@:2}" --warmup 2 --duration "${WARMUP:-30}" >/dev/null ;;
  esac
  if [ "${REDIS:-0}" = 1 ] && [ -n "${servers[*]}" ] && [ "${urls[0]}" != "$baseline_url" ]; then
    bench "$@" --redis 127.0.0.1:$redis_port | tee "$out"
    # What one stored message weighs in Redis, next to what the run wrote per message (redisBytesPerMessage).
    local key; key=$(redis-cli -p $redis_port --scan --pattern '*/log' | head -n 1)
    echo "{\"mode\":\"redisStored\",\"storedBytesPerMessage\":$(( $(redis-cli -p $redis_port --raw lindex "$key" -1 | wc -c) - 1 ))}" | tee -a "$out"
  else
    bench "$@" | tee "$out"
  fi
}

if [ $# -eq 0 ]; then set -- load --rooms 10 --clients 20 --senders 2 --rate 5; fi
start_service
measure "$work/service.out" "$@"
if [ "${BASELINE:-0}" = 1 ]; then
  stop_all
  echo "--- bare SignalR hub (Bench/Baseline), same run:"
  start_baseline
  measure "$work/baseline.out" "$@"
  "${load_cpu[@]}" dotnet "$build/bench/OrleansChat.Bench.dll" compare --service "$work/service.out" --baseline "$work/baseline.out"
fi
