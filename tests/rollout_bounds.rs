//! A rolling update of 10 replicas with maxSurge 3 and maxUnavailable 2: at every
//! simulated second, no more than 13 pods are wanted or running and at least 8 stay
//! available, and the rollout finishes.

use kubeplay::engine::cluster::Cluster;
use kubeplay::engine::kinds::{Deployment, Pod, ReplicaSet};
use kubeplay::engine::kubectl::{self, Input};

const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 10
  strategy:
    rollingUpdate:
      maxSurge: 3
      maxUnavailable: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.26
        readinessProbe:
          httpGet:
            path: /
            port: 80
          initialDelaySeconds: 3
";

#[test]
fn surge_and_unavailable_bounds_hold_every_second() {
    let mut c = Cluster::new(5);
    let input = Input {
        stdin: Some(MANIFEST),
        read_file: &|_| Err("no files".into()),
    };
    assert!(kubectl::run(&mut c, "kubectl apply -f -", &input).ok);
    c.settle();
    assert!(
        kubectl::run(
            &mut c,
            "kubectl set image deployment/web web=nginx:1.27",
            &Input::none()
        )
        .ok
    );
    let mut max_pods = 0;
    let mut min_available = i32::MAX;
    for _ in 0..120 {
        let spec: i32 = c.store.replicasets.values().map(ReplicaSet::replicas).sum();
        let running = c
            .store
            .pods
            .values()
            .filter(|p: &&Pod| p.is_active())
            .count() as i32;
        let available = c
            .store
            .get::<Deployment>("default", "web")
            .map_or(0, |d| d.status.available_replicas);
        assert!(spec <= 13, "ReplicaSets want {spec} pods at {}", c.now());
        assert!(running <= 13, "{running} pods at {}", c.now());
        assert!(available >= 8, "only {available} available at {}", c.now());
        max_pods = max_pods.max(running);
        min_available = min_available.min(available);
        c.advance(1000);
    }
    let d = c
        .store
        .get::<Deployment>("default", "web")
        .expect("deployment");
    assert_eq!(
        (d.status.updated_replicas, d.status.available_replicas),
        (10, 10),
        "the rollout finished"
    );
    // The bounds were reached, not just respected from afar.
    assert_eq!(max_pods, 13);
    assert_eq!(min_available, 8);
}
