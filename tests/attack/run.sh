#!/usr/bin/env bash
# run.sh — the long attack sweep (`make attack`), on demand: every category of
# the hardening sweep with bigger numbers than `make test` uses, then a summary
# of the figures reached.
#   bad input     every generated input over every write operation (bad-input.mjs)
#   stored XSS    every payload, page, list, edit form, audit view (xss.mjs)
#   kill -9       ATTACK_KILL_ROUNDS rounds (10) of 12 writers (kill9.mjs)
#   HTTP guard    framing, slow clients, held downloads and uploads (ATTACK_HOLD
#                 connections each, 200) with the resident memory bounded
#   roles         every role × every operation of openapi.json
# SERVITOR_TEST_DB=postgres runs the server-side parts on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/../.."
export SERVITOR_BIN="${SERVITOR_BIN:-$PWD/build/servitor}"
export ATTACK_HOLD="${ATTACK_HOLD:-200}"
export ATTACK_KILL_ROUNDS="${ATTACK_KILL_ROUNDS:-10}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=()

step() {
  local name=$1; shift
  printf '\n=== %s\n' "$name"
  local t0=$SECONDS
  "$@" 2>&1 | tee "$out/$name.log" || failed+=("$name") # pipefail: the command's status
  echo "--- $name: $((SECONDS - t0)) s"
}

step bad-input node tests/attack/bad-input.mjs
step xss node tests/attack/xss.mjs
step kill9 node tests/attack/kill9.mjs
step http-guard node --test tests/api/http-guard.test.mjs
step roles node --test tests/api/roles.test.mjs

summary() { grep -h "\"summary\":\"$1\"" "$out/$1.log" | tail -n 1; }
field() { node -e 'const o=JSON.parse(process.argv[1]||"{}"); console.log(o[process.argv[2]] ?? "?")' "$1" "$2"; }
bi=$(summary bad-input); x=$(summary xss); k=$(summary kill9)
printf '\n=== attack sweep: the figures (%s)\n' "${SERVITOR_TEST_DB:-sqlite}"
echo "bad inputs tried:        $(field "$bi" tried) over $(field "$bi" operations) write operations, $(field "$bi" failures) failures"
echo "stored XSS:              $(field "$x" payloads) payloads in $(field "$x" records) records of $(field "$x" kinds) kinds, $(field "$x" pages) pages, $(field "$x" failures) failures"
echo "kill -9 rounds:          $(field "$k" rounds) on $(field "$k" db): $(field "$k" requests) requests, $(field "$k" comments) comments, $(field "$k" attachments) files answered and found again, $(field "$k" failures) failures"
grep -ho 'attack: held .*' "$out/http-guard.log" | sed 's/^attack: /connections:             /'
grep -hE '^# (pass|fail) ' "$out/http-guard.log" | tr '\n' ' ' | sed 's/^/http-guard tests:        /'; echo
grep -hE '^# (pass|fail) ' "$out/roles.log" | tr '\n' ' ' | sed 's/^/role × route tests:      /'; echo
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED: ${failed[*]}"; exit 1; fi
echo "all categories passed"
