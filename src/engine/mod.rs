//! The simulation engine: a pure, deterministic, in-memory Kubernetes control plane.
//!
//! It knows nothing of the UI: no leptos, web-sys, gloo or wasm-bindgen, no wall
//! clock, and randomness only from the cluster's seed. The page, the command-line
//! runner and the tests all drive it through [`cluster::Cluster`] and [`kubectl`].

pub mod chaos;
pub mod cluster;
pub mod controllers;
pub mod decode;
pub mod defaults;
pub mod diagnostic;
pub mod explain;
pub mod fields;
pub mod hashing;
pub mod kinds;
pub mod kubectl;
pub mod lesson;
pub mod locate;
pub mod manifest;
pub mod meta;
pub mod object;
pub mod quantity;
pub mod registry;
pub mod rng;
pub mod script;
pub mod sort;
pub mod store;
pub mod time;
pub mod traffic;
pub mod validate;
