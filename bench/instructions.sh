#!/usr/bin/env bash
# bench/instructions.sh — user-space instructions per request (valgrind's
# callgrind), for comparing two builds on a machine shared with other work:
# a count of instructions does not move with the load the way CPU time and
# throughput do. The kernel's share (TCP, page reads) is not counted: look
# at syscalls per request with strace -c for that.
#   bench/instructions.sh CALL [BIN]   CALL: ping get list search create
#   BENCH_DB: a seeded SQLite file (copied, not changed); default: a small demo
#   BENCH_SECONDS (20): how long wrk runs (2 connections) under callgrind
# Prints the requests answered and instructions per request: all, without
# memset (libmicrohttpd clears its 64 KiB connection pool per request with
# one `rep stosb`, which callgrind counts byte by byte), and the part in
# on_request (routing, the caller, the handler, the response).
set -euo pipefail
cd "$(dirname "$0")/.."
call=${1:?usage: bench/instructions.sh ping|get|list|search|create [BIN]}
bin=$(realpath "${2:-build/servitor}")
command -v valgrind >/dev/null || { echo "bench: install valgrind (apt-get install valgrind)"; exit 2; }
command -v wrk >/dev/null || { echo "bench: install wrk (apt-get install wrk)"; exit 2; }
work=$(mktemp -d /tmp/servitor-instr.XXXX)
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${BENCH_DB:-}" ]; then
  cp "$BENCH_DB" "$work/db"
  [ -f "$BENCH_DB.audit-key" ] && cp "$BENCH_DB.audit-key" "$work/db.audit-key"
  requests=$(sqlite3 "$work/db" 'SELECT max(id) FROM requests') clients=$(sqlite3 "$work/db" 'SELECT max(id) FROM clients')
else
  requests=20000 clients=2000
  SERVITOR_PWHASH=fast "$bin" demo --scale $clients --requests $requests --db "$work/db" >/dev/null
fi
port=$((20000 + $$ % 20000))
(cd "$work" && SERVITOR_JOB_TICK=3600 SERVITOR_PWHASH=fast exec valgrind --tool=callgrind \
  --callgrind-out-file="$work/cg.out" "$bin" serve --listen 127.0.0.1:$port --db "$work/db" \
  --threads 2 >"$work/serve.log" 2>&1) &
srv=$!
base=http://127.0.0.1:$port
for i in $(seq 300); do curl -sf $base/healthz >/dev/null && break; sleep 0.2; done
csrf=$(curl -s -c "$work/cj" -H "Content-Type: application/json" -X POST $base/api/v1/auth/login -d '{"login":"admin","password":"admin12345"}' | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
mgr=$(curl -s -b "$work/cj" "$base/api/v1/users?q=manager" | sed 's/.*"id":\([0-9]*\).*"login":"manager".*/\1/')
export TOKEN=$(curl -s -b "$work/cj" -H "X-CSRF-Token: $csrf" -H "Content-Type: application/json" -X POST $base/api/v1/tokens -d "{\"name\":\"bench\",\"user_id\":$mgr}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
export MAXID=$requests MAXCLIENT=$clients
case $call in
  ping) args=("$base/ping") ;;
  get) args=(-s bench/wrk/get_request.lua "$base") ;;
  list) args=(-s bench/wrk/list.lua "$base") ;;
  search) args=(-s bench/wrk/search.lua "$base") ;;
  create) args=(-s bench/wrk/create_request.lua "$base") ;;
  *) echo "bench: unknown call $call"; exit 2 ;;
esac
wrk -t1 -c2 -d5s --timeout 30s "${args[@]}" >/dev/null # statements prepared, caches warm
callgrind_control -z $srv >/dev/null 2>&1
wrk -t1 -c2 -d"${BENCH_SECONDS:-20}s" --timeout 30s "${args[@]}" >"$work/wrk.txt"
callgrind_control -d $srv >/dev/null 2>&1
n=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$(ls -t "$work"/cg.out.* | head -1)" 2>/dev/null |
  awk -v n="$n" -v call="$call" '
    /PROGRAM TOTALS/ {gsub(",", "", $1); t = $1}
    /__memset_[a-z0-9_]*unaligned_erms/ && !m {gsub(",", "", $1); m = $1}
    /server.c:on_request \[/ {gsub(",", "", $1); o = $1}
    END {printf "%s: %d requests; instructions per request: %d, without memset %d, in on_request %d\n", call, n, t / n, (t - m) / n, o / n}'
grep -o 'Non-2xx.*' "$work/wrk.txt" || true
