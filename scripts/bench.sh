#!/usr/bin/env bash
# `npm run bench`: bench/send.ts then bench/fetch.ts, each on the embedded store and on PostgreSQL in
# the same run. With
# TEXTBRIDGE_BENCH_DATABASE_URL set, that server is used; otherwise, when PostgreSQL is installed, a
# throwaway server is started (scripts/pg-test-server.sh: loopback only, fsync on) and removed afterwards.
#   TEXTBRIDGE_BENCH_PG=0   embedded store only
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg-test-server.sh
source scripts/pg-test-server.sh

if [ "${TEXTBRIDGE_BENCH_PG:-auto}" != 0 ] && [ -z "${TEXTBRIDGE_BENCH_DATABASE_URL:-}" ]; then
  if pg_test_start; then
    trap pg_test_stop EXIT
    export TEXTBRIDGE_BENCH_DATABASE_URL="$PG_TEST_URL"
  else
    echo "bench: no PostgreSQL server; measuring the embedded store only" >&2
  fi
fi
# The server runs from the build, as `npm start` runs it.
npm run --silent build || exit 1
node --import tsx bench/send.ts "$@" || exit 1
node --import tsx bench/fetch.ts
