#!/usr/bin/env bash
# Installs, once, everything kubeplay needs to build, serve and test itself.
#
# Idempotent: each tool is checked with `TOOL --version` first and installed
# only when missing or at the wrong version. Prints what it installs and stops
# with a clear message when a step cannot be done. Both README commands
# (`make play`, `make test`) run it first.
#
# What it ensures, in order:
#   rustup target wasm32-unknown-unknown
#   trunk                  (cargo install, pinned below; 6-9 min cold)
#   wasm-bindgen-cli       (cargo install, = wasm-bindgen in Cargo.lock; 2-3 min cold)
#   wasm-opt               (npm binaryen, into .tools/, pinned below; seconds)
#   python3, node >= 20    (Debian packages, if missing)
#   chromium, chromedriver (Debian packages; for the browser tests)
#   tests/browser npm deps (npm ci from the committed package-lock.json)
#   crates                 (cargo fetch, so trunk's offline build finds them)
#
# The build itself never downloads anything (Trunk.toml: offline = true).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

TRUNK_VERSION=0.21.14     # 0.22.x needs a newer rustc than this machine's 1.95
BINARYEN_VERSION=132      # npm binaryen; Debian's binaryen 108 breaks the wasm
NODE_MIN_MAJOR=20         # playwright-core needs Node.js >= 20

CARGO_BIN=${CARGO_HOME:-$HOME/.cargo}/bin
TOOLS_DIR=$ROOT/.tools
export PATH="$TOOLS_DIR/node_modules/.bin:$CARGO_BIN:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: ERROR: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# Seconds since the script started, for the "installed in Ns" lines.
started_at() { date +%s; }
took() { echo "$(($(date +%s) - $1))s"; }

# ---------------------------------------------------------------- privileges
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif have sudo; then
  SUDO=(sudo)
else
  SUDO=(false)
fi

APT_UPDATED=0
apt_install() {
  # apt_install PKG...: installs Debian packages, running `apt-get update` once.
  have apt-get || die "need Debian packages '$*' but apt-get is not available; install them by hand"
  [ "${SUDO[0]:-}" = false ] && die "need Debian packages '$*': run as root or install sudo, or install them by hand: apt-get install -y $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
      die "apt-get update failed (is the Debian mirror reachable?)"
    APT_UPDATED=1
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" ||
    die "apt-get install $* failed"
}

# ------------------------------------------------------------ Rust toolchain
have cargo || die "cargo not found. Install Rust with rustup (https://rustup.rs), then rerun."
have rustup || die "rustup not found; it is needed to add the wasm32-unknown-unknown target."

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: ok"
else
  say "installing rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || die "rustup target add wasm32-unknown-unknown failed"
fi

# ---------------------------------------------------------------------- trunk
if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
  say "trunk $TRUNK_VERSION: ok"
else
  say "installing trunk $TRUNK_VERSION (cargo install --locked; 6-9 min on 2 cores)"
  t=$(started_at)
  cargo install trunk --version "$TRUNK_VERSION" --locked ||
    die "cargo install trunk $TRUNK_VERSION failed (see the cargo output above)"
  say "trunk installed in $(took "$t")"
fi

# ----------------------------------------------------------- wasm-bindgen-cli
# The CLI must equal the wasm-bindgen crate in Cargo.lock, and Trunk.toml must
# pin the same version or trunk would try to download another one.
WASM_BINDGEN_VERSION=$(awk '
  $0 == "name = \"wasm-bindgen\"" { found = 1; next }
  found && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || die "could not read the wasm-bindgen version from Cargo.lock"
grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml ||
  die "Trunk.toml [tools] wasm_bindgen must be \"$WASM_BINDGEN_VERSION\" (the version in Cargo.lock)"

if [ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: ok"
else
  # Not --locked: its lockfile pins a webpki-roots the registry here lacks.
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install; 2-3 min on 2 cores)"
  t=$(started_at)
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" ||
    die "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION failed (see the cargo output above)"
  say "wasm-bindgen-cli installed in $(took "$t")"
fi

# --------------------------------------------------------------- node, python
if ! have node || ! have npm; then
  say "installing Debian packages nodejs npm"
  apt_install nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge "$NODE_MIN_MAJOR" ] ||
  die "Node.js >= $NODE_MIN_MAJOR is required for the browser tests, found $(node --version)"

if ! have python3; then
  say "installing Debian package python3 (serves dist/ for the browser tests)"
  apt_install python3
fi

# ------------------------------------------------------------------- wasm-opt
wasm_opt_version() { "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null || true; }
if wasm_opt_version | grep -q "version $BINARYEN_VERSION\b"; then
  say "wasm-opt $BINARYEN_VERSION (.tools/): ok"
else
  say "installing wasm-opt: npm binaryen@$BINARYEN_VERSION into .tools/"
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] ||
    printf '{ "name": "kubeplay-tools", "private": true }\n' >"$TOOLS_DIR/package.json"
  npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "binaryen@$BINARYEN_VERSION" || die "npm install binaryen@$BINARYEN_VERSION failed"
  wasm_opt_version | grep -q "version $BINARYEN_VERSION\b" ||
    die "wasm-opt in .tools/ does not report version $BINARYEN_VERSION: '$(wasm_opt_version)'"
fi

# ------------------------------------------------------------------- chromium
if [ -x /usr/bin/chromium ] && have chromedriver; then
  say "chromium: ok ($(/usr/bin/chromium --version 2>/dev/null | grep -o 'Chromium [0-9.]*' || echo 'version unknown'))"
else
  say "installing Debian packages chromium chromium-driver (about 40 s)"
  t=$(started_at)
  apt_install chromium chromium-driver
  [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is missing"
  say "chromium installed in $(took "$t")"
fi

# -------------------------------------------------------- browser-test deps
# npm ci from the committed lockfile, rerun only when the lockfile changes.
BROWSER_DIR=$ROOT/tests/browser
lock_sum=$(sha256sum "$BROWSER_DIR/package-lock.json" | cut -d' ' -f1)
stamp=$BROWSER_DIR/node_modules/.kubeplay-lock.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ]; then
  say "tests/browser npm dependencies: ok"
else
  say "installing tests/browser npm dependencies (npm ci)"
  (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci in tests/browser failed"
  echo "$lock_sum" >"$stamp"
fi

# --------------------------------------------------------------------- crates
# trunk builds with --offline, so every crate must already be downloaded.
cargo fetch --quiet || die "cargo fetch failed (is crates.io reachable?)"
say "crates fetched: ok"

say "done"
