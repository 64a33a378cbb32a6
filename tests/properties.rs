//! Property tests over random sequences of user actions: no panic, the rollout bounds
//! hold after every step, endpoints equal the ready matching pods, the Deployment
//! converges once the actions stop, no pod outlives its owner, replay is identical.

use kubeplay::engine::cluster::Cluster;
use kubeplay::engine::controllers::deployment::util::{is_rolling, max_surge, max_unavailable};
use kubeplay::engine::kinds::{Deployment, Endpoints, Pod, ReplicaSet};
use kubeplay::engine::kubectl::{self, Input};
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
enum Action {
    Apply {
        replicas: u8,
        image: &'static str,
        recreate: bool,
    },
    Scale(u8),
    SetImage(&'static str),
    Undo,
    DeletePod(u8),
    FailNode(u8),
    RecoverNode(u8),
    Sleep(u16),
}

const IMAGES: &[&str] = &["nginx:1.26", "nginx:1.27", "nginx:1.28", "nginx:1.99"];

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0u8..7, prop::sample::select(IMAGES), any::<bool>()).prop_map(
            |(replicas, image, recreate)| Action::Apply {
                replicas,
                image,
                recreate
            }
        ),
        (0u8..8).prop_map(Action::Scale),
        prop::sample::select(IMAGES).prop_map(Action::SetImage),
        Just(Action::Undo),
        any::<u8>().prop_map(Action::DeletePod),
        (1u8..4).prop_map(Action::FailNode),
        (1u8..4).prop_map(Action::RecoverNode),
        (1u16..400).prop_map(Action::Sleep),
    ]
}

fn manifest(replicas: u8, image: &str, recreate: bool) -> String {
    let strategy = if recreate {
        "  strategy:\n    type: Recreate\n"
    } else {
        "  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 1\n"
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n{strategy}  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n"
    )
}

/// kubectl commands for [`no_kubectl_command_panics`], the newer ones among them.
const COMMANDS: &[&str] = &[
    "taint",
    "config",
    "cluster-info",
    "replace",
    "diff",
    "events",
    "explain",
    "edit",
    "get",
    "apply",
    "delete",
    "describe",
    "label",
    "version",
];

/// Arguments those commands take, right and wrong.
const ARGS: &[&str] = &[
    "nodes",
    "node",
    "node-1",
    "node-9",
    "pods",
    "deployment",
    "deployment/web",
    "web",
    "-f",
    "-",
    "--force",
    "--all",
    "-l",
    "kubernetes.io/hostname=node-1",
    "a=b:NoSchedule",
    "a:NoExecute-",
    "a-",
    "a=b",
    ":NoSchedule",
    "=:",
    "--overwrite",
    "set-context",
    "use-context",
    "get-contexts",
    "view",
    "current-context",
    "--current",
    "--namespace=dev",
    "--namespace=",
    "-n",
    "default",
    "--cluster=kubeplay",
    "--user=kubeplay",
    "kubeplay",
    "--for",
    "pod/x",
    "deploy/web",
    "--types=Warning,Normal",
    "-A",
    "dump",
    "--minify",
    "--dry-run=server",
    "--dry-run=client",
    "-o",
    "yaml",
    "name",
    "jsonpath={.a}",
    "--grace-period=0",
    "--no-headers",
];

fn kubectl(c: &mut Cluster, line: &str, stdin: Option<&str>) {
    let _ = kubectl::run(
        c,
        line,
        &Input {
            stdin,
            read_file: &|_| Err("no files".into()),
        },
    );
}

fn act(c: &mut Cluster, a: &Action) {
    match a {
        Action::Apply {
            replicas,
            image,
            recreate,
        } => kubectl(
            c,
            "kubectl apply -f -",
            Some(&manifest(*replicas, image, *recreate)),
        ),
        Action::Scale(n) => kubectl(
            c,
            &format!("kubectl scale deployment web --replicas={n}"),
            None,
        ),
        Action::SetImage(i) => kubectl(
            c,
            &format!("kubectl set image deployment/web web={i}"),
            None,
        ),
        Action::Undo => kubectl(c, "kubectl rollout undo deployment/web", None),
        Action::DeletePod(i) => {
            let pods: Vec<String> = c
                .store
                .pods
                .values()
                .map(|p| p.metadata.name.clone())
                .collect();
            if !pods.is_empty() {
                let name = pods[*i as usize % pods.len()].clone();
                kubectl(c, &format!("kubectl delete pod {name} --wait=false"), None);
            }
        }
        Action::FailNode(n) => {
            let _ = c.fail_node(&format!("node-{n}"));
        }
        Action::RecoverNode(n) => {
            let _ = c.recover_node(&format!("node-{n}"));
        }
        Action::Sleep(s) => c.advance(*s as u64 * 1000),
    }
}

/// Invariants that hold whenever the controllers are quiet.
fn check_invariants(c: &Cluster) -> Result<(), String> {
    if let Some(d) = c.store.get::<Deployment>("default", "web") {
        let rss: Vec<&ReplicaSet> = c
            .store
            .replicasets
            .values()
            .filter(|r| {
                r.metadata
                    .controller_ref()
                    .is_some_and(|o| o.uid == d.metadata.uid)
            })
            .collect();
        let spec: i32 = rss.iter().map(|r| r.replicas()).sum();
        if is_rolling(d) && !d.spec.paused && spec > d.replicas() + max_surge(d) && spec > 0 {
            // Scaling down mid-rollout is the one case where old sizes exceed the new limit
            // until the proportional scale runs; after a quiet step it must hold.
            return Err(format!(
                "ReplicaSets hold {spec} > replicas {} + maxSurge {}",
                d.replicas(),
                max_surge(d)
            ));
        }
        let _ = max_unavailable(d);
    }
    if let Some(ep) = c.store.get::<Endpoints>("default", "web") {
        let listed: BTreeSet<String> = ep
            .subsets
            .iter()
            .flat_map(|s| &s.addresses)
            .map(|a| a.ip.clone())
            .collect();
        let ready: BTreeSet<String> = c
            .store
            .pods
            .values()
            .filter(|p| {
                p.metadata.labels.get("app").is_some_and(|v| v == "web")
                    && p.is_ready()
                    && !p.metadata.is_deleting()
                    && !p.is_terminal()
            })
            .filter_map(|p| p.status.pod_ip.clone())
            .collect();
        if listed != ready {
            return Err(format!(
                "endpoints {listed:?} differ from ready pods {ready:?}"
            ));
        }
    }
    Ok(())
}

fn run(actions: &[Action]) -> Result<Cluster, String> {
    let mut c = Cluster::new(11);
    act(
        &mut c,
        &Action::Apply {
            replicas: 3,
            image: "nginx:1.27",
            recreate: false,
        },
    );
    for a in actions {
        act(&mut c, a);
        c.step();
        check_invariants(&c).map_err(|e| format!("after {a:?}: {e}"))?;
        c.advance(1000);
        check_invariants(&c).map_err(|e| format!("1s after {a:?}: {e}"))?;
    }
    Ok(c)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_and_the_deployment_converges(actions in prop::collection::vec(action(), 1..14)) {
        let mut c = run(&actions).map_err(TestCaseError::fail)?;
        // The actions stop: nodes come back, a good image is asked for, time runs.
        for n in 1..=3 {
            let _ = c.recover_node(&format!("node-{n}"));
        }
        kubectl(&mut c, "kubectl rollout resume deployment/web", None);
        kubectl(&mut c, "kubectl set image deployment/web web=nginx:1.28", None);
        c.settle();
        c.advance(15 * 60 * 1000);
        c.settle();
        check_invariants(&c).map_err(TestCaseError::fail)?;
        let d = c.store.get::<Deployment>("default", "web").cloned().expect("the Deployment exists");
        let want = d.replicas();
        let active: Vec<&Pod> = c.store.pods.values().filter(|p| p.is_active()).collect();
        prop_assert_eq!(d.status.updated_replicas, want, "updated");
        prop_assert_eq!(d.status.available_replicas, want, "available");
        prop_assert_eq!(active.len() as i32, want, "pods");
        // No pod outlives its owner.
        for p in c.store.pods.values() {
            let owner = p.metadata.controller_ref().map(|r| r.uid.clone()).unwrap_or_default();
            prop_assert!(c.store.replicasets.values().any(|r| r.metadata.uid == owner), "pod {} has no owner", p.metadata.name);
        }
    }

    #[test]
    fn replay_with_the_same_seed_is_identical(actions in prop::collection::vec(action(), 1..10)) {
        let a = run(&actions).map(|c| c.snapshot());
        let b = run(&actions).map(|c| c.snapshot());
        prop_assert!(a == b);
    }

    /// Command names with arguments drawn from what they take, on a cluster with a
    /// workload, so the commands' own paths run rather than their usage errors.
    #[test]
    fn no_kubectl_command_panics(
        cmd in prop::sample::select(COMMANDS),
        args in prop::collection::vec(prop_oneof![
            3 => prop::sample::select(ARGS).prop_map(str::to_string),
            1 => "[ -~]{0,8}",
        ], 0..7),
        stdin in prop_oneof![
            Just(manifest(2, "nginx:1.28", false)),
            Just("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: YQ==\n".to_string()),
            "[ -~\n]{0,40}",
        ],
    ) {
        let mut c = Cluster::new(1);
        kubectl(&mut c, "kubectl apply -f -", Some(&manifest(1, "nginx:1.27", false)));
        let line = format!("kubectl {cmd} {}", args.join(" "));
        kubectl(&mut c, &line, Some(&stdin));
        kubectl(&mut c, &line, Some(&stdin));
        kubectl(&mut c, "kubectl get pods", None);
    }

    #[test]
    fn no_command_line_panics(line in "[ -~]{0,60}") {
        let mut c = Cluster::new(1);
        let _ = kubectl::run(&mut c, &line, &Input { stdin: Some(&line), read_file: &|_| Err("no files".into()) });
        let _ = kubeplay::engine::script::run_script(&mut c, &line, &|_| Err("no files".into()));
    }
}
