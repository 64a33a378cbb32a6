//! Engine benchmarks (`cargo bench`): the figures the README reports.
//!
//! - settle: a ReplicaSet scaled from 0 to 5,000 pods on 100 nodes, run until quiet
//!   (target: under 200 ms);
//! - pass: one reconcile pass over a settled 5,000-pod cluster (target: under 2 ms),
//!   as the cluster runs it (controllers with nothing new to see are skipped) and with
//!   that cache turned off (every controller looks at every object);
//! - rollout: a 1,000-replica rolling update on 100 nodes, run until quiet
//!   (target: under 300 ms).
//!
//! A small harness rather than criterion: three medians are all we report, and
//! criterion would add dozens of crates to every `clippy --all-targets` run.

use kubeplay::engine::cluster::{Cluster, NodeShape};
use kubeplay::engine::kubectl::{self, Input};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn cluster_with_nodes(n: usize) -> Cluster {
    let mut c = Cluster::new(1);
    for i in 4..=n {
        c.add_node(&format!("node-{i}"), NodeShape::default())
            .expect("node names are free");
    }
    c
}

fn apply(c: &mut Cluster, yaml: &str) {
    let out = kubectl::run(
        c,
        "kubectl apply -f -",
        &Input {
            stdin: Some(yaml),
            read_file: &|_| Err("no files".into()),
        },
    );
    assert!(out.ok, "{}", out.text);
}

fn rs_yaml(replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: big\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: big\n  template:\n    metadata:\n      labels:\n        app: big\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
    )
}

fn deploy_yaml(replicas: u32, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(name: &str, runs: usize, target_ms: f64, mut f: impl FnMut() -> Duration) {
    let times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    let m = median(times.clone());
    let min = times.iter().min().copied().unwrap_or_default();
    println!(
        "{name:<58} median {:>9.3} ms   min {:>9.3} ms   target < {target_ms} ms   {}",
        m.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        if m.as_secs_f64() * 1e3 < target_ms {
            "ok"
        } else {
            "OVER"
        }
    );
}

fn main() {
    // `cargo bench -- --quick` (or cargo test's bench smoke run) does one run each.
    let quick = std::env::args().any(|a| a == "--quick" || a == "--test");
    let runs = if quick { 1 } else { 5 };

    measure(
        "ReplicaSet 0 -> 5,000 pods on 100 nodes, to settled",
        runs,
        200.0,
        || {
            let mut c = cluster_with_nodes(100);
            apply(&mut c, &rs_yaml(0));
            c.settle();
            let start = Instant::now();
            apply(&mut c, &rs_yaml(5000));
            c.settle();
            let t = start.elapsed();
            assert_eq!(c.store.pods.len(), 5000);
            black_box(&c);
            t
        },
    );

    let mut settled = cluster_with_nodes(100);
    apply(&mut settled, &rs_yaml(5000));
    settled.settle();
    measure(
        "one reconcile pass at 5,000 pods",
        runs.max(5) * 4,
        2.0,
        || {
            let start = Instant::now();
            let changed = settled.reconcile_once();
            let t = start.elapsed();
            assert!(!changed, "a settled cluster does not change");
            t
        },
    );

    measure(
        "one full reconcile pass at 5,000 pods (quiet cache off)",
        runs.max(5) * 4,
        2.0,
        || {
            settled.touch();
            let start = Instant::now();
            let changed = settled.reconcile_once();
            let t = start.elapsed();
            assert!(!changed, "a settled cluster does not change");
            t
        },
    );

    measure(
        "Deployment rolling update of 1,000 replicas on 100 nodes",
        runs,
        300.0,
        || {
            let mut c = cluster_with_nodes(100);
            apply(&mut c, &deploy_yaml(1000, "nginx:1.26"));
            c.settle();
            let start = Instant::now();
            apply(&mut c, &deploy_yaml(1000, "nginx:1.27"));
            c.settle();
            let t = start.elapsed();
            black_box(&c);
            t
        },
    );
}
