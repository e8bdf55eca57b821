#!/usr/bin/env bash
# The one test command (`npm test`, `.ci/run`). Node 20's --test does not expand `**`, so the shell does.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob
files=(test/**/*.test.ts)
if [ $# -gt 0 ]; then files=("$@"); fi
exec node --import tsx --test --test-reporter=spec "${files[@]}"
