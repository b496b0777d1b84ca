#!/usr/bin/env bash
# bench/stock.sh — the warehouse's two hot calls at scale, in one run:
#  1. finding the right part: GET /api/v1/stock/find?model_id=… (a model's
#     compatible parts and their analogs, each with its stock per warehouse and,
#     when none is available, the suppliers with price and lead time) at a light
#     load (wrk -t1 -c2): p99, target <= 5 ms; and saturated (-t2 -c32) for
#     reference;
#  2. reserving: POST /api/v1/stock/reserve, 1 unit of a big stock for a request
#     (each request holding three parts), one durable transaction per call,
#     against raw durable single-row SQLite commits (bench/sqlite_insert.c)
#     measured just before and just after: target >= 30 %.
# The data is written straight into a SQLite file with SQL (as
# bench/replenish.sh): BENCH_PARTS (100000) parts, BENCH_MOVES (1000000)
# movements over two warehouses and two years, a balance per part and
# warehouse (one part in 35 has none anywhere: its suppliers are looked up),
# BENCH_PARTS/100 equipment models with 20–200 compatible parts each, an
# analog for every third part, one or two supplier prices per part. The
# balances are not the ledger's sums (`stock verify` would name them): the
# point is the reads and the reservation's write.
#   BENCH_SECONDS (10) per wrk run; BENCH_THREADS (4) server threads;
#   BENCH_GROUP_COMMIT=0: one commit per reservation (default: the group);
#   BENCH_BIN (build/servitor); BENCH_PORT (18767); BENCH_PERF=1: afterwards
#   a profile of each call (perf record, 5 s each): top symbols and libraries
#   (no call graphs: the libraries are built without frame pointers).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: install wrk (apt-get install wrk; scripts/setup.sh does)"; exit 2; }
bin=${BENCH_BIN:-build/servitor}
[ -n "${BENCH_BIN:-}" ] || make -s
parts=${BENCH_PARTS:-100000} moves=${BENCH_MOVES:-1000000} secs=${BENCH_SECONDS:-10}
nmodels=$((parts / 100 < 10 ? 10 : parts / 100))
work=$(mktemp -d /tmp/servitor-stock.XXXX)
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/bench.db
cc -O2 -o "$work/sqlite_insert" bench/sqlite_insert.c -lsqlite3
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
SERVITOR_PWHASH=fast $bin demo --scale 20 --db "$db" >/dev/null
t0=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
-- the catalog
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $parts)
INSERT INTO parts (version, created_at, updated_at, sku, name, brand, unit, category,
  purchase_price, sale_price, vat, serial_tracked)
SELECT 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'B-' || i,
  'Bench part ' || i || CASE i % 4 WHEN 0 THEN ' drum unit' WHEN 1 THEN ' toner cartridge'
    WHEN 2 THEN ' fuser' ELSE ' pickup roller' END,
  'Bench', 'pcs', 'Bench', 10000 + i % 500 * 100, 15000 + i % 500 * 150, '22', 0 FROM n;
CREATE TEMP TABLE bp AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS k FROM parts WHERE sku LIKE 'B-%';
CREATE UNIQUE INDEX temp.bp_k ON bp (k);
-- equipment models, each with 20–200 compatible parts spread over the catalog
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $nmodels)
INSERT INTO equipment_models (version, created_at, updated_at, brand, model, category, warranty_months)
SELECT 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'Bench', 'Model ' || i, 'printers', 12 FROM n;
CREATE TEMP TABLE bm AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS j FROM equipment_models WHERE brand = 'Bench';
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 199)
INSERT OR IGNORE INTO part_models (version, created_at, updated_at, part_id, model_id)
SELECT 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', bp.id, bm.id
FROM bm JOIN t ON t.i < 20 + bm.j * 37 % 181
JOIN bp ON bp.k = 1 + (bm.j * 7919 + t.i * 104729) % $parts;
-- analogs: every third part has one (read both ways)
INSERT OR IGNORE INTO part_analogs (version, created_at, updated_at, part_id, analog_id, note)
SELECT 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', a.id, b.id,
  CASE a.k % 2 WHEN 0 THEN 'analog' ELSE 'refurbished' END
FROM bp a JOIN bp b ON b.k = 1 + (a.k * 31 + 7) % $parts
WHERE a.k % 3 = 0 AND a.id <> b.id;
-- supplier prices: one or two of the demo's suppliers per part
INSERT INTO supplier_prices (version, created_at, updated_at, supplier_id, part_id, supplier_sku,
  supplier_name, price, vat_included, moq, pack_qty, lead_days, valid_from)
SELECT 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', s.id, bp.id, 'S' || s.id || '-' || bp.k,
  NULL, 9000 + bp.k % 700 * 100, 1, NULL, NULL, 3 + bp.k % 10, '2024-01-01'
FROM bp JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS r FROM suppliers) s
  ON s.r = bp.k % 3 OR (bp.k % 2 = 0 AND s.r = (bp.k + 1) % 3);
-- the ledger: postings of ten movements, receipts and issues over two years
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ($moves + 9) / 10 - 1)
INSERT INTO stock_postings (number, kind, warehouse_id, status, reason, created_at)
SELECT 'BENCH-' || i, CASE i % 4 WHEN 0 THEN 'receipt' ELSE 'issue' END, 1 + i % 2, 'done',
  'bench', strftime('%Y-%m-%dT10:00:00Z', 'now', '-' || (728 - i * 728 / (($moves + 9) / 10)) || ' days')
FROM n;
CREATE TEMP TABLE bpost AS SELECT id, kind, warehouse_id, created_at,
  ROW_NUMBER() OVER (ORDER BY id) - 1 AS i FROM stock_postings WHERE number LIKE 'BENCH-%';
CREATE UNIQUE INDEX temp.bpost_i ON bpost (i);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $moves - 1)
INSERT INTO stock_movements (posting_id, kind, part_id, warehouse_id, qty, unit_cost, value, created_at)
SELECT p.id, p.kind, bp.id, p.warehouse_id,
  CASE p.kind WHEN 'receipt' THEN 1000 * (1 + n.i % 5) ELSE -1000 * (1 + n.i % 3) END, 10000,
  CASE p.kind WHEN 'receipt' THEN 10000 * (1 + n.i % 5) ELSE -10000 * (1 + n.i % 3) END, p.created_at
FROM n JOIN bpost p ON p.i = n.i / 10 JOIN bp ON bp.k = 1 + (n.i * 7 + n.i / 10) % $parts;
-- balances per part and warehouse; none anywhere for one part in 35
INSERT INTO stock_balances (part_id, warehouse_id, on_hand, reserved, in_transit, value, updated_at)
SELECT id, 1, 1000 * (k % 7), 0, 0, 10000 * (k % 7), '2024-01-01T00:00:00Z' FROM bp;
INSERT INTO stock_balances (part_id, warehouse_id, on_hand, reserved, in_transit, value, updated_at)
SELECT id, 2, 1000 * (k % 5), 0, 0, 10000 * (k % 5), '2024-01-01T00:00:00Z' FROM bp;
-- what the reservations take from: a big stock at the first warehouse
UPDATE stock_balances SET on_hand = 1000000000000, value = 10000000000000
WHERE warehouse_id = 1 AND part_id IN (SELECT id FROM bp WHERE k <= 3 * (SELECT COUNT(*) FROM requests));
COMMIT;
ANALYZE;
SQL
q() { sqlite3 "$db" "$1"; }
echo "data: $(q 'SELECT COUNT(*) FROM parts') parts, $(q 'SELECT COUNT(*) FROM stock_movements') movements, $(q 'SELECT COUNT(*) FROM stock_balances') balances, $nmodels models with $(q "SELECT MIN(c) || '–' || MAX(c) || ' (mean ' || CAST(AVG(c) AS INT) || ')' FROM (SELECT COUNT(*) c FROM part_models pm JOIN equipment_models m ON m.id = pm.model_id WHERE m.brand = 'Bench' GROUP BY model_id)") compatible parts, $(q 'SELECT COUNT(*) FROM part_analogs') analog pairs, $(q 'SELECT COUNT(*) FROM supplier_prices') supplier prices; $(du -m "$db" | cut -f1) MB ($(echo "$(date +%s.%N) - $t0" | bc) s to write)"
model0=$(q "SELECT MIN(id) FROM equipment_models WHERE brand = 'Bench'")
part0=$(q "SELECT MIN(id) FROM parts WHERE sku LIKE 'B-%'")
docs=$(q 'SELECT COUNT(*) FROM requests')
[ "$(q 'SELECT MIN(id) || MAX(id) FROM requests')" = "1$docs" ] || { echo "bench: requests are not 1..$docs"; exit 1; }

port=${BENCH_PORT:-18767}
SERVITOR_GROUP_COMMIT=${BENCH_GROUP_COMMIT:-1} SERVITOR_PWHASH=fast "$bin" serve --listen 127.0.0.1:$port --db "$db" --threads "${BENCH_THREADS:-4}" >"$work/serve.log" 2>&1 &
srv=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$port/healthz >/dev/null || { echo "bench: the server did not start:"; cat "$work/serve.log"; exit 1; }
base=http://127.0.0.1:$port
csrf=$(curl -s -c "$work/cj" -H "Content-Type: application/json" -X POST $base/api/v1/auth/login -d '{"login":"admin","password":"admin12345"}' | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
mgr=$(q "SELECT id FROM users WHERE login = 'manager'")
export TOKEN=$(curl -s -b "$work/cj" -H "X-CSRF-Token: $csrf" -H "Content-Type: application/json" -X POST $base/api/v1/tokens -d "{\"name\":\"bench\",\"user_id\":$mgr}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
if [ -z "$TOKEN" ] || [[ $TOKEN == *error* ]]; then echo "bench: no API token: $TOKEN"; exit 1; fi
export MODEL0=$model0 MODELS=$nmodels PART0=$part0 DOCS=$docs

# one answer looked at: what a lookup returns
curl -sf -H "Authorization: Bearer $TOKEN" -o "$work/find.json" "$base/api/v1/stock/find?model_id=$((model0 + nmodels / 2))" ||
  { echo "bench: the lookup failed"; exit 1; }
python3 - "$work/find.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
it = d["items"]
c = sum(1 for i in it if i["match"] == "compatible")
print(f"one lookup ({d['model']['name']}): {len(it)} items ({c} compatible, {len(it) - c} analogs), "
      f"{sum(1 for i in it if i['available'] <= 0)} with none available (suppliers listed: "
      f"{sum(len(i.get('suppliers', [])) for i in it)}), {len(json.dumps(d, ensure_ascii=False).encode()) // 1024} KB")
PY

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$srv/stat"; } # the server's utime + stime
failures=()
run() { # name, threads, connections, wrk args…
  local name=$1 t=$2 c=$3; shift 3
  local t0; t0=$(cpu_ticks)
  local out; out=$(wrk -t"$t" -c"$c" -d"${secs}s" --timeout 10s --latency "$@" 2>&1)
  local t1; t1=$(cpu_ticks)
  local rps p50 p99 n us errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  us=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.0f", n ? d / hz * 1e6 / n : 0}')
  errs=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+|Socket errors: .*' <<<"$out" || true)
  if [ -n "$errs" ] || [ "${n:-0}" = 0 ] || ! kill -0 "$srv" 2>/dev/null; then
    failures+=("$name: ${errs:-no answers or the server gone}")
  fi
  printf '%-22s -c%-3s %9s req/s  p50 %8s  p99 %8s  cpu %6s us/req  %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$us" "$errs"
  eval "RPS_$name=$rps P99_$name=$p99 US_$name=$us N_$name=$n"
}
raw() { "$work/sqlite_insert" "$work/raw$1.db" 3000; }
echo
run find_light 1 2 -s bench/wrk/stock_find.lua "$base"
run find_saturated 2 32 -s bench/wrk/stock_find.lua "$base"
raw1=$(raw 1)
printf '%-22s %15s inserts/s (single-row transactions, WAL, synchronous=FULL)\n' raw_sqlite_before "$raw1"
groups() { curl -s "$base/metrics" | awk '/^servitor_group_(commits|requests)_total/ {printf "%s ", $2}'; }
g0=($(groups))
run reserve 2 32 -s bench/wrk/stock_reserve.lua "$base"
g1=($(groups))
[ ${#g1[@]} = 2 ] && [ "${g1[0]}" != "${g0[0]}" ] &&
  echo "                       group commit: $((g1[1] - g0[1])) writes in $((g1[0] - g0[0])) commits ($(awk -v r=$((g1[1] - g0[1])) -v c=$((g1[0] - g0[0])) 'BEGIN {printf "%.1f", r / c}') a commit)"
raw2=$(raw 2)
printf '%-22s %15s inserts/s\n' raw_sqlite_after "$raw2"

# every 201 is in the balances, and releasing the documents gives it all back
held=$(q "SELECT SUM(reserved) / 1000 FROM stock_balances WHERE warehouse_id = 1 AND part_id BETWEEN $part0 AND $((part0 + 3 * docs - 1))")
# (wrk leaves up to one call per connection unanswered when it stops)
[ "${held:-0}" -ge "$N_reserve" ] && [ "$held" -le $((N_reserve + 32)) ] ||
  failures+=("reserve: $N_reserve answered, ${held:-0} units reserved")
for d in $(seq "$docs"); do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -X POST "$base/api/v1/stock/release" -d "{\"doc_kind\":\"request\",\"doc_id\":$d}" ||
    failures+=("release of request $d failed")
done
left=$(q "SELECT SUM(reserved) FROM stock_balances WHERE warehouse_id = 1 AND part_id BETWEEN $part0 AND $((part0 + 3 * docs - 1))")
[ "$left" = 0 ] || failures+=("after the releases $left thousandths are still reserved")

if [ -n "${BENCH_PERF:-}" ]; then
  for call in find reserve; do
    echo
    echo "profile: $call (perf record, 5 s)"
    perf record -F 999 -p "$srv" -o "$work/perf.$call" -- sleep 5 >/dev/null 2>&1 &
    pp=$!
    if [ $call = find ]; then wrk -t1 -c2 -d5s -s bench/wrk/stock_find.lua "$base" >/dev/null
    else wrk -t2 -c32 -d5s -s bench/wrk/stock_reserve.lua "$base" >/dev/null; fi
    wait $pp || true
    perf report -i "$work/perf.$call" --percent-limit 1.5 --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -20
    echo "  by library:"
    perf report -i "$work/perf.$call" --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
  done
fi

rss=$(awk '/VmRSS/ {print $2}' /proc/$srv/status 2>/dev/null || echo 0)
kill $srv 2>/dev/null; wait $srv 2>/dev/null || true
srv=""
grep -q 'internal error' "$work/serve.log" && failures+=("the server's log: $(grep -m3 'internal error' "$work/serve.log" | tr '\n' ' ')")
echo
echo "server resident memory after the run: $((rss / 1024)) MB"
awk -v p="$P99_find_light" 'BEGIN {
  v = p + 0; if (p ~ /us$/) v /= 1000; else if (p ~ /[^m]s$/) v *= 1000
  printf "part finder p99 at a light load: %.2f ms (target <= 5 ms: %s)\n", v, (v <= 5) ? "met" : "NOT met"}'
awk -v a="$RPS_reserve" -v r1="$raw1" -v r2="$raw2" -v us="$US_reserve" 'BEGIN {
  r = (r1 + r2) / 2
  printf "reservations / raw SQLite commits: %.0f %% of %.0f (%.0f %% and %.0f %% of each) (target >= 30 %%: %s); cpu %s us per reservation\n",
    100 * a / r, r, 100 * a / r1, 100 * a / r2, (100 * a / r >= 30) ? "met" : "NOT met", us}'
if ((${#failures[@]})); then
  echo
  echo "bench: errors:"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
