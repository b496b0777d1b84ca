#!/usr/bin/env bash
# bench/run.sh — measures the desk's hot paths against the bare HTTP stack
# and raw SQLite inserts, on loopback, in one run (ratios, not absolutes).
#   BENCH_CLIENTS (20000) BENCH_REQUESTS (200000) BENCH_SECONDS (10)
#   BENCH_DB: a SQLite file (default) or postgresql://… (BENCH_PG=1 starts one)
#   BENCH_THREADS (4): server threads; BENCH_GROUP_COMMIT=0: one commit per write
#   BENCH_DB naming a SQLite file that exists: used as it is, not seeded again
#   BENCH_CALLS: the calls to run (default: all), e.g. "ping get_request"
#   BENCH_BIN (build/servitor): the server to measure (another build, before/after)
#   BENCH_STRICT=1: exit 1 on any error (a non-2xx answer, a socket error or
#   timeout, no answers, the server gone, an internal error in its log), never
#   on a figure — `make bench-smoke`, run by tests/run-all.sh
#   BENCH_PORT (18765); BENCH_RAW=0: no raw SQLite insert baseline
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: install wrk (apt-get install wrk; scripts/setup.sh does)"; exit 2; }
strict=${BENCH_STRICT:-0}
failures=()
bin=${BENCH_BIN:-build/servitor}
[ -n "${BENCH_BIN:-}" ] || make -s
clients=${BENCH_CLIENTS:-20000} requests=${BENCH_REQUESTS:-200000} secs=${BENCH_SECONDS:-10}
work=$(mktemp -d /tmp/servitor-bench.XXXX)
chmod 755 "$work"
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null || true; [ -n "${pgdir:-}" ] && scripts/pg-test-server.sh stop "$pgdir"; rm -rf "$work"' EXIT
db=${BENCH_DB:-$work/bench.db}
if [ "${BENCH_PG:-0}" = 1 ]; then pgdir=$work/pg; db=$(scripts/pg-test-server.sh start "$pgdir"); fi
cc -O2 -o "$work/sqlite_insert" bench/sqlite_insert.c -lsqlite3
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "data: $clients clients, $requests requests ($( [ "${BENCH_PG:-0}" = 1 ] && echo PostgreSQL || echo SQLite ))"
if [ -n "${BENCH_DB:-}" ] && [ -f "$BENCH_DB" ]; then
  echo "demo data: $BENCH_DB as it is (not seeded again)"
else
  t0=$(date +%s.%N)
  SERVITOR_PWHASH=fast "$bin" demo --scale "$clients" --requests "$requests" --db "$db" | head -1
  echo "demo data: $(echo "$(date +%s.%N) - $t0" | bc) s"
fi
port=${BENCH_PORT:-18765}
SERVITOR_GROUP_COMMIT=${BENCH_GROUP_COMMIT:-1} SERVITOR_PWHASH=fast "$bin" serve --listen 127.0.0.1:$port --db "$db" --threads "${BENCH_THREADS:-4}" >"$work/serve.log" 2>&1 &
srv=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
if ! curl -sf http://127.0.0.1:$port/healthz >/dev/null; then
  echo "bench: the server did not start:"; cat "$work/serve.log"; exit 1
fi
base=http://127.0.0.1:$port
csrf=$(curl -s -c "$work/cj" -H "Content-Type: application/json" -X POST $base/api/v1/auth/login -d '{"login":"admin","password":"admin12345"}' | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
mgr=$(curl -s -b "$work/cj" "$base/api/v1/users?q=manager" | sed 's/.*"id":\([0-9]*\).*"login":"manager".*/\1/')
export TOKEN=$(curl -s -b "$work/cj" -H "X-CSRF-Token: $csrf" -H "Content-Type: application/json" -X POST $base/api/v1/tokens -d "{\"name\":\"bench\",\"user_id\":$mgr}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
export MAXID=$requests MAXCLIENT=$clients
if [ -z "$TOKEN" ] || [[ $TOKEN == *error* ]]; then echo "bench: no API token: $TOKEN"; exit 1; fi
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$srv/stat"; } # the server's utime + stime
run() { # name, wrk args…
  local name=$1; shift
  [ -z "${BENCH_CALLS:-}" ] || [[ " $BENCH_CALLS " == *" $name "* ]] || return 0
  local t0; t0=$(cpu_ticks)
  local out; out=$(wrk -t2 -c"${conns:-32}" -d"${secs}s" --timeout 10s --latency "$@" 2>&1)
  local t1; t1=$(cpu_ticks)
  local rps p99 n us
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  # the server's CPU time per request served (user + system, from /proc)
  us=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.0f", n ? d / hz * 1e6 / n : 0}')
  local errs; errs=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+|Socket errors: .*' <<<"$out" || true)
  if [ -n "$errs" ] || [ "${n:-0}" = 0 ] || ! kill -0 "$srv" 2>/dev/null; then
    failures+=("$name: ${errs:-no answers or the server gone}")
  fi
  printf '%-28s %10s req/s   p99 %8s   cpu %5s us/req  %s\n' "$name" "$rps" "$p99" "$us" "$errs"
  eval "RPS_$name=$rps US_$name=$us"
}
echo
run ping "$base/ping"
run get_request -s bench/wrk/get_request.lua "$base"
run list_filtered -s bench/wrk/list.lua "$base"
run search -s bench/wrk/search.lua "$base"
run create_request -s bench/wrk/create_request.lua "$base"
# the same reads at a light load (4 connections): latency without queueing
conns=4
run list_filtered_c4 -s bench/wrk/list.lua "$base"
run search_c4 -s bench/wrk/search.lua "$base"
conns=32
rss=$(awk '/VmRSS/ {print $2}' /proc/$srv/status 2>/dev/null || echo 0)
kill $srv 2>/dev/null; wait $srv 2>/dev/null || true
if grep -q 'internal error' "$work/serve.log"; then
  failures+=("the server's log: $(grep -m3 'internal error' "$work/serve.log" | tr '\n' ' ')")
fi
echo
echo "server resident memory after the run: $((rss / 1024)) MB"
echo
if [ -n "${RPS_get_request:-}" ] && [ -n "${RPS_ping:-}" ]; then
  awk -v a="$RPS_get_request" -v b="$RPS_ping" -v ua="$US_get_request" -v ub="$US_ping" 'BEGIN {
    printf "get by id / bare HTTP:        %.0f %% (target >= 50 %%); by CPU per request: %.0f %%\n", 100 * a / b, ua ? 100 * ub / ua : 0}'
fi
if [ -n "${RPS_create_request:-}" ] && [ "${BENCH_RAW:-1}" = 1 ]; then
  raw=$("$work/sqlite_insert" "$work/raw.db" 3000)
  printf '%-28s %10s inserts/s (single-row transactions, WAL, synchronous=FULL)\n' raw_sqlite_insert "$raw"
  awk -v a="$RPS_create_request" -v b="$raw" 'BEGIN {printf "create / raw SQLite inserts:   %.0f %% (target >= 30 %%)\n", 100 * a / b}'
fi
if ((${#failures[@]})); then
  echo
  echo "bench: errors:"
  printf '  %s\n' "${failures[@]}"
  [ "$strict" = 1 ] && exit 1
fi
exit 0
