#!/usr/bin/env bash
# Starts the broker or the baseline on a free loopback port, runs the load tool against it, stops it.
#   bench/loadtest.sh broker|baseline --scenario fanout --connections 1000 --events 200 [load tool options]
# Needs `dotnet build Actors.sln -c Release` first. SSE_BROKER_ARGS adds broker settings
# (e.g. SSE_BROKER_ARGS="--Sse:HistorySize=100"), SSE_BROKER_ENV environment variables of the broker's process only
# (e.g. SSE_BROKER_ENV="DOTNET_gcServer=1"). The exit code is the load tool's: non-zero when
# a connection failed or an event was lost.
set -uo pipefail
cd "$(dirname "$0")/.."
server=$1; shift
ulimit -n "$(ulimit -Hn)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
case "$server" in
  # Production, with query-string identities, open publishing and every topic allowed (as on a trusted network). Warnings only.
  broker) env ${SSE_BROKER_ENV:-} dotnet src/Sse.Host/bin/Release/net10.0/Sse.Host.dll --urls "http://127.0.0.1:$port" --environment Production \
            --Sse:Auth:AllowQueryString=true --Sse:Publish:AllowAnonymous=true --Sse:Auth:AllowedTopics:0="*" \
            --Serilog:MinimumLevel:Default=Warning --Serilog:MinimumLevel:Override:Akka=Warning ${SSE_BROKER_ARGS:-} >"$log" 2>&1 & ;;
  baseline) dotnet bench/Sse.Baseline/bin/Release/net10.0/Sse.Baseline.dll --urls "http://127.0.0.1:$port" >"$log" 2>&1 & ;;
  *) echo "usage: $0 broker|baseline [load tool options]"; exit 2 ;;
esac
pid=$!
for _ in $(seq 1 150); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/sse/stream" && break
  sleep 0.2
done
dotnet bench/Sse.LoadTest/bin/Release/net10.0/Sse.LoadTest.dll --url "http://127.0.0.1:$port" --server-pid "$pid" "$@"
status=$?
kill -TERM "$pid"; wait "$pid" 2>/dev/null
[ $status -eq 0 ] || { echo "--- $server log ---"; tail -n 30 "$log"; }
rm -f "$log"
exit $status
