#!/usr/bin/env bash
# Architecture gate: src/engine knows nothing of the UI, the browser or the
# wall clock. It must not name leptos, web_sys, js_sys, gloo, wasm_bindgen
# (or console_error_panic_hook), nor std::time::Instant / SystemTime: time is an
# input the cluster owns, and SystemTime::now() panics on wasm32-unknown-unknown.
#
# Comment lines are skipped, so a doc comment may say what the engine avoids.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ENGINE_DIR=src/engine
[ -d "$ENGINE_DIR" ] || {
  echo "check-engine-deps: $ENGINE_DIR not found" >&2
  exit 1
}

FORBIDDEN='\b(leptos[a-z_]*|web_sys|js_sys|gloo[a-z_]*|wasm_bindgen[a-z_]*|console_error_panic_hook|Instant|SystemTime|UNIX_EPOCH)\b'

# file:line:text, minus lines whose text starts with a comment marker.
hits=$(grep -rnE --include='*.rs' "$FORBIDDEN" "$ENGINE_DIR" |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)' || true)

if [ -n "$hits" ]; then
  echo "check-engine-deps: FAILED. $ENGINE_DIR must not use UI, browser or wall-clock APIs:" >&2
  echo "$hits" >&2
  echo "(see ARCHITECTURE.md, 'Invariants')" >&2
  exit 1
fi
echo "check-engine-deps: ok ($ENGINE_DIR uses no leptos, web_sys, js_sys, gloo, wasm_bindgen, Instant or SystemTime)"
