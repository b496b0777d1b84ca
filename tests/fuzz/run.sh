#!/usr/bin/env bash
# run.sh — builds the libFuzzer targets (clang, ASan + UBSan) and runs each
# for FUZZ_SECONDS (default 20) on its corpus; a crash fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-20}
out=build-fuzz
mkdir -p "$out"
make -s build/gen/migrations.c build/gen/webassets.c >/dev/null
srcs=$(ls src/base/*.c src/core/*.c src/db/*.c src/domain/*.c src/domain/*/*.c build/gen/migrations.c)
flags="-g -O1 -std=c11 -D_GNU_SOURCE -DSERVITOR_VERSION=\"fuzz\" -Isrc -Ibuild/gen -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
libs=$(pkg-config --cflags --libs jansson sqlite3 libsodium libpq)
for target in fuzz_body fuzz_query; do
  clang $flags -o "$out/$target" "tests/fuzz/$target.c" $srcs $libs -lpthread
  corpus="tests/fuzz/corpus/${target#fuzz_}"
  work="$out/corpus-${target#fuzz_}"
  mkdir -p "$work"
  echo "fuzz: $target for ${seconds}s"
  "$out/$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=0 "$work" "$corpus" 2>&1 | tail -n 3
done
echo "fuzz: no crashes"
