#!/usr/bin/env bash
# The one test command (`npm test`, `.ci/run`). Node 20's --test does not expand `**`, so the shell does.
#
# The suite runs twice: on the embedded store (SQLite), then on PostgreSQL. For the second
# run it uses TEXTBRIDGE_TEST_DATABASE_URL when set, or starts a throwaway server when PostgreSQL is
# installed (scripts/pg-test-server.sh). The second run takes the files whose imports reach that switch
# (scripts/store-tests.mjs follows them, so a test that touches the store through a helper is never
# missed); the others would repeat the first run exactly. Each run ends with its slowest files.
#   TEXTBRIDGE_TEST_PG=0   skip the PostgreSQL run (say so, locally only)
#   TEXTBRIDGE_TEST_PG=1   require it: fail when no server can be had (CI sets this)
# After both runs, the log audit (test/log-audit.after.ts) reads every log the tests wrote and fails
# on any password or message body. Files run one at a time (2 cores; crash tests spawn servers).
set -uo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
# shellcheck source=scripts/pg-test-server.sh
source scripts/pg-test-server.sh

# The services' logs, for the audit; a folder this script makes is removed after a run that passed (kept,
# and named, after one that failed).
own_log_dir=0
if [ -z "${TEXTBRIDGE_TEST_LOG_DIR:-}" ]; then
  TEXTBRIDGE_TEST_LOG_DIR="$(mktemp -d -t textbridge-logs-XXXXXX)"
  own_log_dir=1
fi
export TEXTBRIDGE_TEST_LOG_DIR

files=(test/**/*.test.ts)
audit=1
if [ $# -gt 0 ]; then files=("$@"); audit=0; fi

# The suite runs compiled: tsc turns src/ and test/ into JavaScript under .tmp/test-build once (a type
# error stops the run here), and node runs that. Each test file is its own process, and through tsx
# every one of them would resolve and load every module through tsx's loader hooks again: about 3 s
# per file for the service's module graph (TypeBox alone is 700 files), against under 1 s compiled.
# The tests that run `textbridge` as a child process (CLI, crash, scale) run the same compiled
# sources. A test file can still be run alone from its source: `node --import tsx --test test/x.test.ts`.
BUILD=.tmp/test-build
rm -rf "$BUILD"
if ! npx tsc -p tsconfig.test.json; then
  echo "=== the tests do not compile: none run ===" >&2
  exit 1
fi
export TEXTBRIDGE_TEST_BIN="$PWD/$BUILD/src/cli/bin.js"
# The console's browser tests load the console as `npm run build` leaves it (dist/console): build it
# first when they are among the files (vite, a few seconds), unless the build is newer than every
# source. Under a lock: when .ci/run runs two suites side by side, the second waits for the first's
# build and then finds it current, rather than rewriting the files a running test is serving.
build_console() {
  mkdir -p dist
  (
    flock 9
    if [ -f dist/console/index.html ] &&
      [ -z "$(find src/console -newer dist/console/index.html -print -quit)" ]; then
      exit 0
    fi
    npm run --silent build:console
  ) 9>dist/.console-build.lock
}
if printf '%s\n' "${files[@]}" | grep -q '^test/console/'; then
  if ! build_console; then
    echo "=== the console does not build: none run ===" >&2
    exit 1
  fi
fi
compiled() { # test/x.test.ts → .tmp/test-build/test/x.test.js
  local f
  for f in "$@"; do echo "$BUILD/${f%.ts}.js"; done
}
mapfile -t files < <(compiled "${files[@]}")

SUMMARY="$(mktemp)"
TIMES="$(mktemp)" # seconds per file (scripts/file-times.mjs), for the slowest files at the end
run_files() { # the files, one at a time; node's summary lines are kept for the totals
  local out rc part
  out="$(mktemp)"
  part="$(mktemp)"
  node --enable-source-maps --test --test-concurrency=1 --test-reporter=spec \
    --test-reporter-destination=stdout --test-reporter=./scripts/file-times.mjs \
    --test-reporter-destination="$part" "$@" | tee "$out"
  rc=${PIPESTATUS[0]}
  grep -E '^ℹ (pass|fail) ' "$out" >>"$SUMMARY"
  sed "s|\$| ($RUN)|" "$part" >>"$TIMES"
  rm -f "$out" "$part"
  return "$rc"
}

# The files that load the whole machine or depend on getting the CPU on time: servers under load and
# SIGKILLed (crash, scale), 2,000 hostile requests with an RSS bound, memory bounds, slow-client
# deadlines. When suites run side by side (.ci/run: Node 20 on SQLite and on PostgreSQL, and Node 24),
# they share a lock file named in TEXTBRIDGE_TEST_HEAVY_LOCK: a heavy file runs only while it holds the
# lock, so two of them never overlap, and each suite takes its heavy files between chunks of its light
# ones whenever the lock is free (run_suite); the light files mostly wait on fsync, sockets and timers.
HEAVY_RE='/test/(crash|scale)/|/test/http/(hostile-input|slow-clients)\.|/test/app/caches-bounded\.'
run_suite() { # $1 = banner, then the files
  echo "=== textbridge tests on $1 ==="
  shift
  local lock="${TEXTBRIDGE_TEST_HEAVY_LOCK:-}"
  if [ -z "$lock" ]; then
    run_files "$@"
    return
  fi
  # Light files in chunks; before each chunk, the next heavy file if no other suite is running one
  # (flock -n: exit 75 when the lock is taken), and once the light files are done, the heavy ones left,
  # waiting for the lock. So the heavy files of two suites spread over the run instead of queueing at
  # its end, and never overlap.
  local f light=() heavy=() rc=0 i=0 code
  for f in "$@"; do
    if [[ $f =~ $HEAVY_RE ]]; then heavy+=("$f"); else light+=("$f"); fi
  done
  while [ ${#heavy[@]} -gt 0 ] || [ "$i" -lt ${#light[@]} ]; do
    if [ ${#heavy[@]} -gt 0 ]; then
      if [ "$i" -ge ${#light[@]} ]; then
        (flock 9 && run_files "${heavy[0]}") 9>>"$lock" || rc=1
        heavy=("${heavy[@]:1}")
        continue
      fi
      code=0
      (flock -n -E 75 9 && run_files "${heavy[0]}") 9>>"$lock" || code=$?
      if [ "$code" != 75 ]; then
        [ "$code" = 0 ] || rc=1
        heavy=("${heavy[@]:1}")
      fi
    fi
    if [ "$i" -lt ${#light[@]} ]; then
      run_files "${light[@]:i:LIGHT_CHUNK}" || rc=1
      i=$((i + LIGHT_CHUNK))
    fi
  done
  return "$rc"
}
LIGHT_CHUNK=12

# One plain closing line over both runs ("N passed, N failed"), after node's own summaries.
print_totals() {
  local passed failed
  passed=$(awk '$2 == "pass" { n += $3 } END { print n + 0 }' "$SUMMARY")
  failed=$(awk '$2 == "fail" { n += $3 } END { print n + 0 }' "$SUMMARY")
  rm -f "$SUMMARY"
  echo "the slowest files (seconds in their tests):"
  sort -rn "$TIMES" | head -15 | sed "s|$PWD/$BUILD/||; s|$PWD/||; s|^|  |"
  rm -f "$TIMES"
  echo "totals: $passed passed, $failed failed"
}

run_embedded() { # in a subshell, so the PostgreSQL URL stays set for the second run
  (
    unset TEXTBRIDGE_TEST_DATABASE_URL
    RUN=sqlite
    local rc=0
    run_suite 'the embedded store (SQLite)' "${files[@]}" || rc=1
    echo "=== the SQLite run took $((SECONDS - suite_started)) s ==="
    return "$rc"
  )
}

run_postgres() {
  local want="${TEXTBRIDGE_TEST_PG:-auto}"
  if [ "$want" = 0 ]; then
    echo "=== PostgreSQL run skipped: TEXTBRIDGE_TEST_PG=0 ==="
    return 0
  fi
  if [ -z "${TEXTBRIDGE_TEST_DATABASE_URL:-}" ]; then
    if ! pg_test_start; then
      if [ "$want" = 1 ]; then
        echo "=== PostgreSQL run required (TEXTBRIDGE_TEST_PG=1) but no server could be started ===" >&2
        return 1
      fi
      echo "=== PostgreSQL run skipped: no TEXTBRIDGE_TEST_DATABASE_URL and PostgreSQL is not installed ==="
      return 0
    fi
    trap pg_test_stop EXIT
    export TEXTBRIDGE_TEST_DATABASE_URL="$PG_TEST_URL"
  fi
  # Only the files whose imports reach the switch to PostgreSQL (scripts/store-tests.mjs): the others
  # would do the very same work again.
  local store_files
  mapfile -t store_files < <(node scripts/store-tests.mjs "${files[@]}")
  echo "=== PostgreSQL: ${#store_files[@]} of ${#files[@]} files reach the store switch; the rest ran once ==="
  [ ${#store_files[@]} -eq 0 ] && return 0
  RUN=postgres
  local rc=0
  run_suite "PostgreSQL ($TEXTBRIDGE_TEST_DATABASE_URL)" "${store_files[@]}" || rc=1
  echo "=== the PostgreSQL run took $((SECONDS - suite_started)) s ==="
  return "$rc"
}

# TEXTBRIDGE_TEST_SIDE_BY_SIDE=1 (.ci/run sets it) runs the PostgreSQL run beside the embedded one
# instead of after it: most files wait on fsync, sockets and timers, so two runs share 2 cores well. The
# heavy files still take the lock in turn (one is made here when the caller gave none), and the
# PostgreSQL run's output is printed after the embedded one's, whole.
status=0
suite_started=$SECONDS
if [ "${TEXTBRIDGE_TEST_SIDE_BY_SIDE:-0}" = 1 ] && [ "${TEXTBRIDGE_TEST_PG:-auto}" != 0 ]; then
  if [ -z "${TEXTBRIDGE_TEST_HEAVY_LOCK:-}" ]; then
    TEXTBRIDGE_TEST_HEAVY_LOCK="$(mktemp)"
    export TEXTBRIDGE_TEST_HEAVY_LOCK
  fi
  pg_out="$(mktemp)"
  run_postgres >"$pg_out" 2>&1 &
  pg_run=$!
  run_embedded || status=1
  wait "$pg_run" || status=1
  cat "$pg_out"
  rm -f "$pg_out"
else
  run_embedded || status=1
  run_postgres || status=1
fi
RUN=audit
if [ "$audit" = 1 ]; then run_suite 'the logs of both runs (audit)' "$BUILD/test/log-audit.after.js" || status=1; fi
print_totals
if [ "$status" != 0 ]; then
  echo "=== some tests failed (see above); the services' logs are in $TEXTBRIDGE_TEST_LOG_DIR ===" >&2
elif [ "$own_log_dir" = 1 ]; then
  rm -rf "$TEXTBRIDGE_TEST_LOG_DIR"
fi
exit "$status"
