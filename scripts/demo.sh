#!/usr/bin/env bash
# demo.sh — the README's first command: set up, build, fill data/servitor.db
# with demo data (once) and serve it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s
mkdir -p data
db=${SERVITOR_DB:-data/servitor.db}
if [ ! -f "$db" ]; then
  build/servitor demo --scale "${SCALE:-300}" --db "$db"
fi
echo
echo "  Servitor: http://${SERVITOR_LISTEN:-127.0.0.1:8080}/"
echo "  log in as admin / admin12345 (demo users manager, engineer, store, sales, auditor: demo12345)"
echo
exec build/servitor serve --db "$db"
