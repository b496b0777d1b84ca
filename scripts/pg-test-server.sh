#!/usr/bin/env bash
# pg-test-server.sh — a throw-away PostgreSQL server for the tests.
#   pg-test-server.sh start DIR   initdb into DIR, start on a Unix socket in DIR,
#                                 print the connection URL of database "servitor"
#   pg-test-server.sh replica DIR PRIMARY_URL
#                                 a streaming replica of that server in DIR;
#                                 prints its URL
#   pg-test-server.sh stop DIR    stop it and remove DIR
# Runs the server as the "postgres" system user when started as root
# (PostgreSQL refuses to run as root).
set -euo pipefail
cmd=${1:?start|stop} dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U servitor -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  port=$((20000 + RANDOM % 20000))
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c max_connections=200" start >/dev/null
  as_pg "$bin/createdb" -h "$dir" -p "$port" -U servitor servitor
  echo "postgresql:///servitor?host=$dir&port=$port&user=servitor"
  ;;
replica)
  url=${3:?primary url}
  phost=$(sed 's/.*host=\([^&]*\).*/\1/' <<<"$url") pport=$(sed 's/.*port=\([0-9]*\).*/\1/' <<<"$url")
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_pg "$bin/pg_basebackup" -h "$phost" -p "$pport" -U servitor -D "$dir/data" -R -X stream >/dev/null
  port=$((20000 + RANDOM % 20000))
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-c listen_addresses='' -k $dir -p $port -c hot_standby=on -c max_connections=200" start >/dev/null
  echo "postgresql:///servitor?host=$dir&port=$port&user=servitor"
  ;;
stop)
  [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
esac
