#!/usr/bin/env bash
# run-all.sh — `make test`: every test on a fresh or used machine.
#   unit (cmocka) → API (real binary over HTTP) → browser (headless Chromium)
#   → benchmark smoke → fuzz smoke (libFuzzer) → sanitizer run (ASan + UBSan: unit + API again)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

step() { printf '\n=== %s\n' "$*"; }

step "build and style check"
make -s
make -s style

step "unit tests"
make -s unit

step "API tests on SQLite"
make -s api

step "API tests on PostgreSQL"
make -s api-pg

step "PostgreSQL: several processes, restarts, replica, copy"
make -s pg

step "benchmark smoke (errors only, not figures)"
make -s bench-smoke

step "browser tests"
make -s e2e

step "fuzz smoke (${FUZZ_SECONDS:-15} s per target)"
FUZZ_SECONDS=${FUZZ_SECONDS:-15} tests/fuzz/run.sh

step "sanitizer build (ASan + UBSan)"
make -s asan
rm -rf build-asan/reports && mkdir -p build-asan/reports
export ASAN_OPTIONS="log_path=$PWD/build-asan/reports/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$PWD/build-asan/reports/ubsan:print_stacktrace=1:halt_on_error=1"
step "unit tests under sanitizers"
for t in build-asan/tests/test_*; do SERVITOR_PWHASH=fast "$t"; done
step "API tests under sanitizers"
SERVITOR_BIN="$PWD/build-asan/servitor" node --test --test-concurrency=2 tests/api/
if compgen -G "build-asan/reports/*" >/dev/null; then
  echo "sanitizer reports:"; cat build-asan/reports/*
  exit 1
fi
echo "sanitizers: no reports"
