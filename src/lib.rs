//! kubeplay: a Kubernetes playground that runs entirely in the browser.
//!
//! The crate has three layers that depend one way only:
//! - [`engine`]: the pure, deterministic cluster simulation (no UI, no clock, no browser);
//! - [`components`]: the Leptos page, which reads the engine through view models;
//! - the `kubeplay` command-line runner in `src/bin/`, which drives the same engine.

pub mod components;
pub mod engine;
