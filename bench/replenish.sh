#!/usr/bin/env bash
# bench/replenish.sh — the replenishment run for all parts of a warehouse at
# scale: BENCH_PARTS (100000) parts with balances at one warehouse and
# BENCH_MOVES (1000000) issues spread over 104 weeks (a third of the parts
# seasonal, a third flat, a third intermittent), written straight into a
# SQLite file with SQL (the ledger's rows and balances, not through the API:
# the point is the read), then GET /api/v1/stock/replenishment?all=1 timed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_BIN:-build/servitor}
[ -n "${BENCH_BIN:-}" ] || make -s
parts=${BENCH_PARTS:-100000} moves=${BENCH_MOVES:-1000000}
work=$(mktemp -d /tmp/servitor-repl.XXXX)
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/bench.db
SERVITOR_PWHASH=fast $bin demo --scale 20 --db "$db" >/dev/null
t0=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $parts)
INSERT INTO parts (version, created_at, updated_at, sku, name, unit, category, purchase_price,
  sale_price, vat, serial_tracked)
SELECT 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'B-' || i, 'Bench part ' || i, 'pcs',
  'Bench', 10000, 15000, '22', 0 FROM n;
CREATE TEMP TABLE bp AS SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS k FROM parts WHERE sku LIKE 'B-%';
INSERT INTO stock_postings (number, kind, warehouse_id, status, reason, created_at)
VALUES ('BENCH-1', 'issue', 1, 'done', 'bench', '2024-01-01T00:00:00Z');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $moves - 1)
INSERT INTO stock_movements (posting_id, kind, part_id, warehouse_id, qty, unit_cost, value, created_at)
SELECT (SELECT MAX(id) FROM stock_postings), 'issue', bp.id, 1,
  -1000 * (1 + (CASE bp.k % 3
     WHEN 0 THEN (i * 7 + bp.k) % 3 + ((i % 104) / 26 % 2) * 2   -- a seasonal swing
     WHEN 1 THEN (i * 13 + bp.k) % 2                              -- flat with noise
     ELSE 0 END)), 10000, -10000,
  strftime('%Y-%m-%dT10:00:00Z', 'now', '-' || ((i * 37 + bp.k * 11) % 728) || ' days')
FROM n JOIN bp ON bp.k = 1 + (i % $parts)
WHERE bp.k % 3 <> 2 OR (i * 31 + bp.k) % 5 = 0;
INSERT INTO stock_balances (part_id, warehouse_id, on_hand, reserved, in_transit, value, updated_at)
SELECT id, 1, 1000 * (k % 7), 0, 0, 10000 * (k % 7), '2024-01-01T00:00:00Z' FROM bp;
COMMIT;
ANALYZE;
SQL
echo "data: $parts parts, $(sqlite3 "$db" 'SELECT COUNT(*) FROM stock_movements') movements ($(echo "$(date +%s.%N) - $t0" | bc) s to write)"
port=18766
${BENCH_PERF:+perf record -g -o $work/perf.data} env SERVITOR_PWHASH=fast $bin serve --listen 127.0.0.1:$port --db "$db" >"$work/serve.log" 2>&1 &
srv=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
base=http://127.0.0.1:$port
curl -s -c "$work/cj" -H "Content-Type: application/json" -X POST $base/api/v1/auth/login -d '{"login":"admin","password":"admin12345"}' >/dev/null
hz=$(getconf CLK_TCK)
spid=$(pgrep -n -f "serve --listen 127.0.0.1:$port" || echo $srv)
cpu() { awk '{print $14 + $15}' "/proc/$spid/stat"; } # the server's utime + stime
for run in 1 2; do
  c0=$(cpu)
  out=$(curl -s -b "$work/cj" -o "$work/out.json" -w '%{time_total} %{size_download}' "$base/api/v1/stock/replenishment?warehouse_id=1&all=1")
  echo "run $run (all=1): $(echo $out | cut -d' ' -f1) s, $(( $(echo $out | cut -d' ' -f2) / 1048576 )) MB: $(python3 -c "import json;d=json.load(open('$work/out.json'));print(d['parts'],'parts,',d['evaluated'],'evaluated,',d['suggested'],'to order')"); server CPU $(echo "scale=1; ($(cpu) - $c0) / $hz" | bc) s"
done
c0=$(cpu)
out=$(curl -s -b "$work/cj" -o "$work/out.json" -w '%{time_total} %{size_download}' "$base/api/v1/stock/replenishment?warehouse_id=1")
echo "run (to order only): $(echo $out | cut -d' ' -f1) s, $(( $(echo $out | cut -d' ' -f2) / 1048576 )) MB; server CPU $(echo "scale=1; ($(cpu) - $c0) / $hz" | bc) s"
if [ -n "${BENCH_PERF:-}" ]; then kill -INT $srv; wait $srv || true; srv=""; perf report -i $work/perf.data --no-children --percent-limit 2 --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25; fi
