#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for measuring the durable history store with the load tool.
#   bench/postgres.sh start    prints the connection string; the server lives in /tmp/sse-bench-pg
#   bench/postgres.sh stop     stops it and removes its folder
# Needs Debian's postgresql package (apt-get install postgresql). Runs the server as the postgres user when root.
set -euo pipefail
dir=/tmp/sse-bench-pg
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$dir"; [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    # Durable as shipped (fsync on): the figures include the commit a production database makes.
    as_pg "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
