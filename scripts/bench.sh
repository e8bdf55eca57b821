#!/usr/bin/env bash
# `npm run bench [-- steps]`: bench/run.ts, every figure in one run (steps: send, offnet, kannel,
# drain, receipts, fetch; default all; also BENCH_STEPS). Send and fetch run on the embedded store
# and on PostgreSQL in the same run: with TEXTBRIDGE_BENCH_DATABASE_URL set, that server is used;
# otherwise, when PostgreSQL is installed and a chosen step uses it, a throwaway server is started
# (scripts/pg-test-server.sh: loopback only, fsync on) and removed afterwards.
#   TEXTBRIDGE_BENCH_PG=0   embedded store only
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg-test-server.sh
source scripts/pg-test-server.sh

steps="${1:-${BENCH_STEPS:-send,fetch}}"
if [ "${TEXTBRIDGE_BENCH_PG:-auto}" != 0 ] && [ -z "${TEXTBRIDGE_BENCH_DATABASE_URL:-}" ] &&
  [[ ",$steps," =~ ,(send|fetch), ]]; then
  if pg_test_start; then
    trap pg_test_stop EXIT
    export TEXTBRIDGE_BENCH_DATABASE_URL="$PG_TEST_URL"
  else
    echo "bench: no PostgreSQL server; measuring the embedded store only" >&2
  fi
fi
# The server runs from the build, as `npm start` runs it.
npm run --silent build || exit 1
node --import tsx bench/run.ts "$@"
