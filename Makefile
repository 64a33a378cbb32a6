# kubeplay: the two commands a newcomer needs.
#
#   make play   set up, build, and serve the playground on http://127.0.0.1:8080
#   make test   set up, then every check and test CI runs (.ci/run calls this)
#
# The other targets are steps of those two, handy on their own while working.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory
# The steps of `make test` depend on each other's order (build before browser test).
.NOTPARALLEL:

# Tools installed by scripts/setup.sh: cargo-installed ones and wasm-opt from
# npm binaryen in .tools/ (first, so Debian's broken binaryen is never used).
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CARGO_BIN):$(PATH)
# trunk's update check needs the internet.
export TRUNK_SKIP_VERSION_CHECK := true

PLAY_ADDRESS := http://127.0.0.1:8080

.PHONY: help play test setup check-engine-deps fmt-check clippy cargo-test web-release browser-test size fmt

help:
	@echo "make play    set up, build and serve the playground on $(PLAY_ADDRESS)"
	@echo "make test    set up, then run every check and test (what CI runs)"
	@echo
	@echo "steps:  setup check-engine-deps fmt-check clippy cargo-test web-release browser-test"
	@echo "other:  size (release size report), fmt (format the code)"

## The two README commands ------------------------------------------------

play: setup
	@echo "kubeplay: building, then serving on $(PLAY_ADDRESS) (Ctrl-C to stop)"
	trunk serve

test: setup
	@start=$$(date +%s); \
	$(MAKE) check-engine-deps fmt-check clippy cargo-test web-release browser-test; \
	echo "make test: all checks passed in $$(( $$(date +%s) - start ))s"

## Steps ------------------------------------------------------------------

setup:
	@scripts/setup.sh

# src/engine imports no UI, browser or wall-clock API.
check-engine-deps:
	@scripts/check-engine-deps.sh

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --all-targets -- -D warnings

# Native tests: engine, view models, CLI, doc tests.
cargo-test:
	cargo test

# The optimised site in dist/, built offline (Trunk.toml: offline = true).
web-release:
	trunk build --release

# Page tests in headless Chromium against dist/ served on 127.0.0.1.
browser-test:
	node tests/browser/run.mjs

## Extras -----------------------------------------------------------------

size: setup
	@scripts/size-report.sh

fmt:
	cargo fmt --all
