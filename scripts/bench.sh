#!/usr/bin/env bash
# Runs the benchmark the way docs/performance.md reports it: the service published in Release and pinned to
# core 0, the load generator pinned to core 1, abuse limits lifted (every client shares one address and sends
# far faster than a person), and a warm-up with the run's own rooms and clients first, against a freshly
# started process (Cloud Run starts instances when load arrives, so the warm-up is short on purpose).
#
#   scripts/bench.sh [Bench arguments...]        default: load --rooms 10 --clients 20 --senders 2 --rate 5
#   REDIS=1 scripts/bench.sh ...                 the service in Redis mode against a private redis-server (core 0)
#   REDIS=1 INSTANCES=3 scripts/bench.sh ...     three instances (and Redis), clients split between them
#   ARCHIVE=1 scripts/bench.sh ...               with the message archive in a private PostgreSQL (core 0); reports
#                                                its rows written per message and write round trips per second
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
pg_port=6432
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
  Limits__MessagesPerConnection__Refill=1000000 Room__Messages__Burst=1000000 Room__Messages__Refill=1000000 \
  Limits__NewRoomsPerAddress__Burst=1000000 Limits__NewRoomsPerAddress__Refill=1000000
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

# A private PostgreSQL in the work folder (as the postgres user when run as root: PostgreSQL refuses root).
start_archive() {
  local bin; bin=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  local as=(); if [ "$(id -u)" -eq 0 ]; then as=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
  mkdir -p "$work/pg" && chmod 755 "$work" && { [ ${#as[@]} -eq 0 ] || chown postgres: "$work/pg"; }
  "${as[@]}" "$bin/initdb" -D "$work/pg/data" -U chat --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
  "${server_cpu[@]}" "${as[@]}" "$bin/postgres" -D "$work/pg/data" -p $pg_port -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$work/pg" >"$work/pg/log" 2>&1 &
  pids+=($!)
  until "$bin/pg_isready" -q -h 127.0.0.1 -p $pg_port; do sleep 0.1; done
  export ConnectionStrings__Archive="Host=127.0.0.1;Port=$pg_port;Username=chat;Database=postgres"
}

archive_counters() { # inserted rows and committed transactions so far
  psql -h 127.0.0.1 -p $pg_port -U chat -d postgres -Atc \
    "SELECT sum(tup_inserted), sum(xact_commit) FROM pg_stat_database"
}

start_service() {
  urls=() servers=()
  if [ "${ARCHIVE:-0}" = 1 ]; then start_archive; fi
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
  local archive_before=""
  if [ "${ARCHIVE:-0}" = 1 ] && [ "${urls[0]}" != "$baseline_url" ]; then sleep 1; archive_before=$(archive_counters); fi
  if [ "${REDIS:-0}" = 1 ] && [ -n "${servers[*]}" ] && [ "${urls[0]}" != "$baseline_url" ]; then
    bench "$@" --redis 127.0.0.1:$redis_port | tee "$out"
    # What one stored message weighs in Redis, next to what the run wrote per message (redisBytesPerMessage).
    local key; key=$(redis-cli -p $redis_port --scan --pattern '*/log' | head -n 1)
    echo "{\"mode\":\"redisStored\",\"storedBytesPerMessage\":$(( $(redis-cli -p $redis_port --raw lindex "$key" -1 | wc -c) - 1 ))}" | tee -a "$out"
  else
    bench "$@" | tee "$out"
  fi
  if [ -n "$archive_before" ]; then
    sleep 1 # PostgreSQL publishes its statistics about once a second
    # Counted over the whole run (its own warm-up too), so per message of messagesSentInAll.
    python3 - "$out" "$archive_before" "$(archive_counters)" "$@" <<'PY' | tee -a "$out"
import json, sys
run = next(json.loads(line) for line in open(sys.argv[1]) if line.startswith("{") and "messagesSentInAll" in line)
(rows0, commits0), (rows1, commits1) = (map(int, arg.split("|")) for arg in sys.argv[2:4])
args = sys.argv[4:]
duration = float(args[args.index("--duration") + 1]) if "--duration" in args else 10
sent = max(run["messagesSentInAll"], 1)
commits_per_message = (commits1 - commits0) / sent
print(json.dumps({"mode": "archive", "rowsPerMessage": round((rows1 - rows0) / sent, 3),
                  "commitsPerMessage": round(commits_per_message, 4),
                  "writeRoundTripsPerSecond": round(commits_per_message * run["messagesAcknowledged"] / duration)}))
PY
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
