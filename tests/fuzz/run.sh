#!/usr/bin/env bash
# run.sh — builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/
# and runs each for FUZZ_SECONDS (default 20) on its seed corpus; a crash, a
# leak, undefined behaviour or a failed check fails the run (exit 1).
#
#   tests/fuzz/run.sh                       build and fuzz every target
#   FUZZ_SECONDS=300 tests/fuzz/run.sh      fuzz longer
#   FUZZ_SECONDS=0 tests/fuzz/run.sh        build only
#   FUZZ_TARGETS=fuzz_query tests/fuzz/run.sh
#   build-fuzz/fuzz_query CRASH_FILE        replay a saved crash with its stack
#
# Seeds (small, committed) are in tests/fuzz/corpus/<name>/; what the fuzzer
# learns goes to build-fuzz/corpus/<name>/ (not committed) and is reused on
# the next run. Crashes are saved as build-fuzz/crashes/<target>-crash-…
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-20}
targets=${FUZZ_TARGETS:-"fuzz_json_body fuzz_query fuzz_mail"}
out=build-fuzz
cc=${FUZZ_CC:-clang}

command -v "$cc" >/dev/null || { echo "fuzz: $cc not found" >&2; exit 1; }
# the migrations are embedded from a generated file (make keeps it current)
make -s build/gen/migrations.c

pkgs="$(make -s print-pkgs)"
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -DSERVITOR_VERSION=\"fuzz\" -Isrc -Ibuild/gen
        -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
        $(pkg-config --cflags $pkgs)"
libs="$(make -s print-libs)"

# everything below the http layer, and the api helper that reads bodies
srcs="$(ls src/base/*.c src/core/*.c src/db/*.c src/domain/*.c src/domain/*/*.c) src/api/common.c
      build/gen/migrations.c"

# objects are rebuilt when their source, any header or the flags changed
objdir=$out/obj
mkdir -p "$objdir" "$out/crashes"
stamp=$objdir/flags
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$cc $cflags" ]; then
  rm -rf "$objdir" && mkdir -p "$objdir"
  echo "$cc $cflags" >"$stamp"
fi
newest_header=$(ls -t src/*/*.h src/domain/*/*.h tests/fuzz/*.h | sed -n 1p)
objs=""
jobs=()
for src in $srcs; do
  obj=$objdir/$(echo "$src" | tr / _).o
  objs="$objs $obj"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
    $cc $cflags -fsanitize=fuzzer-no-link -c -o "$obj" "$src" &
    jobs+=($!)
  fi
done
for j in "${jobs[@]}"; do wait "$j"; done

failed=0
for target in $targets; do
  name=${target#fuzz_}
  [ "$name" = json_body ] && name=json
  $cc $cflags -fsanitize=fuzzer -o "$out/$target" "tests/fuzz/$target.c" $objs $libs
  [ "$seconds" = 0 ] && { echo "fuzz: built $out/$target"; continue; }
  seeds=tests/fuzz/corpus/$name
  work=$out/corpus/$name
  mkdir -p "$work"
  dict=""
  [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
  log=$out/$target.log
  echo "fuzz: $target for ${seconds}s"
  if UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
     "$out/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$out/crashes/$target-" -print_final_stats=1 $dict \
       "$work" "$seeds" >"$log" 2>&1; then
    grep -aE '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' ' | sed 's/^/  /'
    echo "corpus $(ls "$work" | wc -l) inputs"
  else
    failed=1
    echo "fuzz: $target FAILED — the end of $log:" >&2
    tail -n 60 "$log" >&2
    ls -t "$out"/crashes/"$target"-* 2>/dev/null | sed -n 1p | sed 's/^/fuzz: input saved as /' >&2
  fi
done
[ "$failed" = 0 ] && [ "$seconds" != 0 ] && echo "fuzz: no crashes"
exit "$failed"
