#!/usr/bin/env bash
# Builds the release site and prints what a visitor downloads: the raw and
# gzip -9 size of every .wasm, .js and .css file in dist/. Then measures the page
# in headless Chromium (tests/browser/perf.mjs): time from navigation to the first
# converged cluster drawn, and frame times while a 300-pod cluster animates; then what
# the <k8s-playground> element costs a docs page (tests/browser/embed-perf.mjs).
#
#   scripts/size-report.sh            (or: make size, which runs setup first)
#   SKIP_BUILD=1 scripts/size-report.sh   report on the dist/ already built
#   SKIP_SPEED=1 scripts/size-report.sh   sizes only, no browser
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PATH="$PWD/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  trunk build --release
fi

shopt -s nullglob
files=(dist/*.wasm dist/*.js dist/*.css)
[ ${#files[@]} -gt 0 ] || {
  echo "size-report: no .wasm, .js or .css files in dist/" >&2
  exit 1
}

kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

printf '\n%-44s %14s %14s\n' "file (dist/)" "raw" "gzip -9"
total_raw=0
total_gz=0
for f in "${files[@]}"; do
  # The element's own files are not part of the page (embed-perf.mjs reports them).
  case "${f#dist/}" in k8s-playground* | embed-frame.js) continue ;; esac
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-44s %14s %14s\n' "${f#dist/}" "$(kib "$raw")" "$(kib "$gz")"
done
printf '%-44s %14s %14s\n' "total" "$(kib "$total_raw")" "$(kib "$total_gz")"
printf 'target: under 300 KiB gzipped in all\n'

if [ "${SKIP_SPEED:-0}" != 1 ]; then
  node tests/browser/perf.mjs --dist dist
fi
# What <k8s-playground> costs a docs page: bytes, time to converge, memory.
node tests/browser/embed-perf.mjs --dist dist
