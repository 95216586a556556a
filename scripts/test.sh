#!/usr/bin/env bash
# Runs the whole test suite: the page's unit tests in Node.js (WebFront/tests), then the .NET tests. On a
# fresh Debian machine with the .NET 10 SDK it first installs what the tests need (redis-server;
# PostgreSQL's server for the archive tests; Node.js and npm for the page's unit tests and browser
# packages; Chromium for the browser tests): through apt when run as root or with password-less sudo,
# otherwise it stops and says what to install. Arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
# The PostgreSQL fixture looks in the same places: pg_config's bindir, then Debian's versioned server folders
# (the pg_config of libpq-dev alone names /usr/bin, which holds no server).
has_postgres_server() {
  local bindir
  bindir=$(pg_config --bindir 2>/dev/null) && [ -x "$bindir/initdb" ] && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
has_postgres_server || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt_get=(apt-get)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt_get=(sudo apt-get)
  else
    echo "The tests need: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install -y ${missing[*]}) and run this again." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..."
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# No MSBuild node outlives the build that started it: a node kept for reuse inherits that build's output and
# holds it open for its 15 minute idle lifetime, to whoever waits for the output to end.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

results=$(mktemp -d)
status=0

# The page's room model and room names, without a browser: readable output here, TAP for the counts.
node_status=0
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/node.tap" WebFront/tests/*.test.mjs || node_status=$?
node_count() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$results/node.tap" 2>/dev/null | tail -n 1; }
node_passed=$(node_count pass); node_failed=$(node_count fail); node_cancelled=$(node_count cancelled)
node_skipped=$(node_count skipped)
node_passed=${node_passed:-0}; node_failed=$((${node_failed:-0} + ${node_cancelled:-0})); node_skipped=${node_skipped:-0}
if [ "$node_status" -ne 0 ] && [ "$node_failed" -eq 0 ]; then node_failed=1; fi
echo "Page unit tests (node): ${node_passed} passed, ${node_failed} failed, ${node_skipped} skipped"

# A test still running after 5 minutes (the longest takes about 20 s) is taken as hung: the run stops there,
# names it, and fails, instead of waiting for whatever limit the caller has.
dotnet test OrleansChat.sln --logger "trx;LogFileName=results.trx" --results-directory "$results" \
  --blame-hang-timeout 5m --blame-hang-dump-type none "$@" || status=$?
if [ "$status" -eq 0 ] && [ "$node_status" -ne 0 ]; then status=$node_status; fi

# One plain closing line, whatever the test loggers printed above it; it counts the node tests too.
if counters=$(grep -o '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | head -n 1) && [ -n "$counters" ]; then
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$(count passed); failed=$(count failed); total=$(count total); executed=$(count executed)
  echo "Tests: $((passed + node_passed)) passed, $((failed + node_failed)) failed, $((total - executed + node_skipped)) skipped"
else
  echo "Tests: ${node_passed} passed, ${node_failed} failed (no .NET results were written)"
  [ "$status" -ne 0 ] || status=1
fi
rm -rf "$results"
exit "$status"
