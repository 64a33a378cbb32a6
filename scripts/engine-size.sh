#!/usr/bin/env bash
# The size floor of any page that runs this engine: the engine alone compiled to
# WebAssembly, with no page. A throwaway cdylib (in a temporary directory, never in the
# repository) exports one function that runs a `kubeplay run` script on a fresh cluster,
# so kubectl, every controller and the YAML and JSON readers are linked and nothing of
# the page is. Same release profile and wasm-opt -Oz as the page. Prints raw and
# gzip -9 sizes. Needs what scripts/setup.sh installs (wasm32 target, wasm-bindgen,
# .tools/ binaryen).
#
#   scripts/engine-size.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
export PATH="$repo/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<EOF
[package]
name = "engine-size"
version = "0.0.0"
edition = "2021"
publish = false
[lib]
crate-type = ["cdylib"]
[dependencies]
kubeplay = { path = "$repo" }
wasm-bindgen = "=$(wasm-bindgen --version | awk '{print $2}')"
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
EOF
cat > "$work/src/lib.rs" <<'EOF'
use kubeplay::engine::cluster::Cluster;
use kubeplay::engine::script;
use wasm_bindgen::prelude::*;

/// Runs a script as `kubeplay run` does and returns its transcript.
#[wasm_bindgen]
pub fn run(text: &str, seed: u64) -> String {
    let mut cluster = Cluster::new(seed);
    match script::run_script(&mut cluster, text, &|_| Err("no files".into())) {
        Ok((transcript, _)) => transcript,
        Err((transcript, e)) => format!("{transcript}{}", e.message),
    }
}
EOF
# Reuse the project's registry and lock file so the build is offline like the page's.
cp "$repo/Cargo.lock" "$work/Cargo.lock"
CARGO_TARGET_DIR="$repo/target/engine-size" cargo build --offline --release \
  --manifest-path "$work/Cargo.toml" --target wasm32-unknown-unknown
wasm="$repo/target/engine-size/wasm32-unknown-unknown/release/engine_size.wasm"
wasm-bindgen --target web --out-dir "$work/out" "$wasm"
wasm-opt -Oz "$work/out/engine_size_bg.wasm" -o "$work/out/opt.wasm"
raw=$(stat -c %s "$work/out/opt.wasm")
gz=$(gzip -9 -c "$work/out/opt.wasm" | wc -c)
awk -v r="$raw" -v g="$gz" 'BEGIN { printf "engine alone (wasm-opt -Oz): %.1f KiB raw, %.1f KiB gzip -9\n", r / 1024, g / 1024 }'
