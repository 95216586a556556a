#!/usr/bin/env bash
# A local cluster in one command: a private redis-server, N chat instances in Redis mode on consecutive
# ports, and nginx in front of them dealing connections round-robin with no affinity, as a load balancer
# without sticky sessions does. Open the proxy's address in several tabs: they land on different instances
# (each tab's WebSocket is proxied to the next instance in turn). Ctrl+C stops everything it started.
#
#   scripts/cluster.sh [N=3]            environment: PROXY_PORT (8080), FIRST_PORT (8081), REDIS_PORT (6390)
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-3}
proxy_port=${PROXY_PORT:-8080}
first_port=${FIRST_PORT:-8081}
redis_port=${REDIS_PORT:-6390}
work=$(mktemp -d)
pids=() instances=()

for tool in redis-server nginx; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
    echo "$tool is missing: install it (Debian/Ubuntu: sudo apt-get install -y redis-server nginx-light)." >&2
    exit 1
  }
done
PATH=$PATH:/usr/sbin

stop() {
  trap - EXIT INT TERM
  echo "Stopping ${#pids[@]} processes ..."
  # The instances first, while Redis still answers them (they hand their rooms back there); Redis and the
  # proxy after they are gone.
  for pid in "${instances[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${instances[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT INT TERM

echo "Building ..."
dotnet build Silo -c Release -o "$work/silo" --nologo -v quiet >/dev/null

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)

upstreams=""
for i in $(seq 0 $((count - 1))); do
  port=$((first_port + i))
  PORT=$port REDISHOST=127.0.0.1 REDISPORT=$redis_port \
  Orleans__ClusterId=local-cluster Orleans__AdvertisedIP=127.0.0.1 \
  Orleans__SiloPort=$((11111 + i)) Orleans__GatewayPort=$((30000 + i)) \
    dotnet "$work/silo/OrleansChat.Silo.dll" >"$work/instance-$port.log" 2>&1 &
  pids+=($!) instances+=($!)
  upstreams+="    server 127.0.0.1:$port;"$'\n'
  echo "instance $((i + 1)): http://localhost:$port  (log: $work/instance-$port.log)"
done

cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream chat {
$upstreams  }
  server {
    listen $proxy_port;
    location / {
      proxy_pass http://chat;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$http_host;  # with the port: the hub checks Origin against it
      proxy_read_timeout 3600s;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=($!)

echo "Waiting for the instances ..."
for i in $(seq 0 $((count - 1))); do
  port=$((first_port + i))
  until grep -q "OrleansChat is running" "$work/instance-$port.log" 2>/dev/null; do
    if ! kill -0 "${pids[$((i + 1))]}" 2>/dev/null; then
      echo "instance on port $port exited:" >&2; tail -20 "$work/instance-$port.log" >&2; exit 1
    fi
    sleep 0.5
  done
done
echo
echo "Open http://localhost:$proxy_port in several tabs. Ctrl+C stops the cluster."
wait
