#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: initdb into a temp folder, listen on 127.0.0.1 only on a
# free port, trust auth (loopback only, nothing else can reach it), fsync left on because the tests and
# the benchmark measure durable writes. Sourced by scripts/test.sh; also runnable by hand:
#   bash scripts/pg-test-server.sh      # prints the URL, keeps the server until Ctrl-C
# initdb and postgres refuse to run as root, so as root they run as the `postgres` user that Debian's
# package creates (or a `textbridge-pg` user made here when it is missing).

# Print the folder holding initdb/pg_ctl, or nothing when PostgreSQL is not installed.
pg_test_bindir() {
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  # Debian installs the binaries off PATH, one folder per major: take the newest.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
      echo "$d"
      return
    fi
  done
}

# Run a command as the server's owner (root cannot own a cluster).
_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_TEST_OWNER" -- "$@"; else "$@"; fi
}

_pg_free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Start a server. Sets PG_TEST_DIR and PG_TEST_URL; returns non-zero (with a reason on stderr) on failure.
pg_test_start() {
  local bin port
  bin="$(pg_test_bindir)"
  if [ -z "$bin" ]; then
    echo "pg-test-server: PostgreSQL is not installed (no initdb/pg_ctl)" >&2
    return 1
  fi
  PG_TEST_OWNER="$(id -un)"
  if [ "$(id -u)" = 0 ]; then
    PG_TEST_OWNER=postgres
    if ! id postgres >/dev/null 2>&1; then
      PG_TEST_OWNER=textbridge-pg
      id "$PG_TEST_OWNER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_TEST_OWNER"
    fi
  fi
  PG_TEST_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tb-pg.XXXXXX")"
  [ "$(id -u)" = 0 ] && chown "$PG_TEST_OWNER" "$PG_TEST_DIR"
  if ! _pg_as_owner "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_TEST_DIR/initdb.log" 2>&1; then
    echo "pg-test-server: initdb failed:" >&2
    cat "$PG_TEST_DIR/initdb.log" >&2
    return 1
  fi
  port="$(_pg_free_port)"
  # The socket goes in our own folder: /var/run/postgresql may be missing or not ours.
  if ! _pg_as_owner "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_TEST_DIR -c max_connections=300 -c fsync=on" \
    start >/dev/null; then
    echo "pg-test-server: the server did not start:" >&2
    cat "$PG_TEST_DIR/server.log" >&2
    return 1
  fi
  PG_TEST_BIN="$bin"
  PG_TEST_URL="postgres://postgres@127.0.0.1:$port/postgres"
  export PG_TEST_DIR PG_TEST_URL
}

# Stop the server started by pg_test_start and delete its folder.
pg_test_stop() {
  [ -n "${PG_TEST_DIR:-}" ] || return 0
  _pg_as_owner "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
  PG_TEST_DIR=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  pg_test_start
  trap pg_test_stop EXIT
  echo "$PG_TEST_URL"
  echo "pg-test-server: running; Ctrl-C stops and removes it" >&2
  while sleep 3600; do :; done
fi
