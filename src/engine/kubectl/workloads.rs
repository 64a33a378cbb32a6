//! `kubectl expose`, `kubectl autoscale` and `kubectl drain`.

use super::args::Args;
use super::{check_flags, namespace, Output};
use crate::engine::cluster::{not_found, Cluster, Flow, Watch};
use crate::engine::explain::ObjRef;
use crate::engine::kinds::*;
use crate::engine::meta::ObjectMeta;
use crate::engine::object::{resolve_resource, Object, Resource};
use crate::engine::quantity::IntOrString;

/// The longest `drain` lets simulated time run while evicted pods terminate.
const DRAIN_LIMIT_MS: u64 = 120_000;

fn kind_and_name(a: &Args, cmd: &str) -> Result<(String, String), Output> {
    match a.positional.first().and_then(|w| w.split_once('/')) {
        Some((k, n)) => Ok((k.to_string(), n.to_string())),
        None => match (a.positional.first(), a.positional.get(1)) {
            (Some(k), Some(n)) => Ok((k.clone(), n.clone())),
            _ => Err(Output::err(format!("error: You must provide the resource type and name\nSee 'kubectl {cmd} -h' for help and examples"))),
        },
    }
}

/// The container ports a pod spec declares, in order.
fn container_ports(spec: &PodSpec) -> Vec<i32> {
    spec.containers
        .iter()
        .flat_map(|c| c.ports.iter().map(|p| p.container_port))
        .collect()
}

/// `kubectl expose deployment NAME --port=P [--target-port=T] [--type=T] [--name=N]`.
pub fn expose(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "expose",
        &[
            "--port",
            "--target-port",
            "--type",
            "--name",
            "--namespace",
            "--protocol",
            "--selector",
            "--output",
        ],
    ) {
        return o;
    }
    let (kind, name) = match kind_and_name(a, "expose") {
        Ok(x) => x,
        Err(o) => return o,
    };
    let ns = namespace(a);
    let info = match resolve_resource(&kind) {
        Some(i) => i,
        None => {
            return Output::err(format!(
                "error: the server doesn't have a resource type \"{kind}\""
            ))
        }
    };
    let Some(obj) = cluster.store.get_object(info.kind, &ns, &name) else {
        return Output::err(not_found(info.kind, &name));
    };
    let (selector, labels, ports): (crate::engine::meta::StringMap, _, Vec<i32>) = match &obj {
        Object::Deployment(d) => (
            d.spec.selector.match_labels.clone(),
            d.metadata.labels.clone(),
            container_ports(&d.spec.template.spec),
        ),
        Object::ReplicaSet(r) => (
            r.spec.selector.match_labels.clone(),
            r.metadata.labels.clone(),
            container_ports(&r.spec.template.spec),
        ),
        Object::Pod(p) => (
            p.metadata.labels.clone(),
            p.metadata.labels.clone(),
            container_ports(&p.spec),
        ),
        Object::Service(s) => (
            s.spec.selector.clone(),
            s.metadata.labels.clone(),
            s.spec.ports.iter().map(|p| p.port).collect(),
        ),
        other => return Output::err(format!("error: cannot expose a {}", other.kind_name())),
    };
    if selector.is_empty() {
        return Output::err(format!("error: couldn't retrieve selectors via --selector flag or introspection: the {} has no selector", info.kind.to_ascii_lowercase()));
    }
    let port = match a.int("--port") {
        Ok(Some(p)) => p as i32,
        Ok(None) => match ports.first() {
            Some(p) => *p,
            None => return Output::err("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples"),
        },
        Err(e) => return Output::err(e),
    };
    let target_port = match a.get("--target-port") {
        Some(t) => t
            .parse::<i32>()
            .map(IntOrString::Int)
            .unwrap_or_else(|_| IntOrString::Str(t.to_string())),
        None => IntOrString::Int(port),
    };
    let svc_name = a.get("--name").unwrap_or(&name).to_string();
    let type_ = a.get("--type").unwrap_or("ClusterIP");
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&type_) {
        return Output::err(format!("The Service \"{svc_name}\" is invalid: spec.type: Unsupported value: \"{type_}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
    }
    let svc = Service {
        metadata: ObjectMeta {
            name: svc_name.clone(),
            namespace: ns.clone(),
            labels,
            ..Default::default()
        },
        spec: ServiceSpec {
            // Only a --type is written; the API server defaults the rest to ClusterIP.
            type_: a.get("--type").map(Into::into),
            selector,
            ports: vec![ServicePort {
                port,
                target_port: Some(target_port),
                protocol: Some(a.get("--protocol").unwrap_or("TCP").into()),
                ..Default::default()
            }],
            ..Default::default()
        },
        status: ServiceStatus::default(),
    };
    super::apply::create_generated(
        cluster,
        svc.into_object().to_api_value(),
        a,
        Some(&ns),
        "exposed",
    )
}

/// `kubectl autoscale deployment NAME --min=N --max=M --cpu-percent=P`.
pub fn autoscale(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "autoscale",
        &[
            "--min",
            "--max",
            "--cpu-percent",
            "--name",
            "--namespace",
            "--output",
        ],
    ) {
        return o;
    }
    let (kind, name) = match kind_and_name(a, "autoscale") {
        Ok(x) => x,
        Err(o) => return o,
    };
    if resolve_resource(&kind).map(|k| k.kind) != Some("Deployment") {
        return Output::err(format!(
            "error: cannot autoscale a {kind}: kubeplay autoscales Deployments"
        ));
    }
    let ns = namespace(a);
    if cluster.store.get::<Deployment>(&ns, &name).is_none() {
        return Output::err(not_found("Deployment", &name));
    }
    let (min, max, cpu) = match (a.int("--min"), a.int("--max"), a.int("--cpu-percent")) {
        (Ok(min), Ok(Some(max)), Ok(cpu)) => {
            (min.map(|m| m as i32), max as i32, cpu.map(|c| c as i32))
        }
        (_, Ok(None), _) => return Output::err("error: required flag(s) \"max\" not set"),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return Output::err(e),
    };
    if min.is_some_and(|m| m > max) {
        return Output::err(format!(
            "error: --max={max} must be larger or equal to --min={}",
            min.unwrap_or(1)
        ));
    }
    let hname = a.get("--name").unwrap_or(&name).to_string();
    let hpa = HorizontalPodAutoscaler {
        metadata: ObjectMeta {
            name: hname.clone(),
            namespace: ns.clone(),
            ..Default::default()
        },
        spec: HpaSpec {
            scale_target_ref: CrossVersionObjectReference {
                kind: "Deployment".into(),
                name: name.clone(),
                api_version: Some("apps/v1".into()),
            },
            min_replicas: min,
            max_replicas: max,
            metrics: vec![
                serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu.unwrap_or(80)}}}),
            ],
            ..Default::default()
        },
        status: HpaStatus::default(),
    };
    super::apply::create_generated(
        cluster,
        hpa.into_object().to_api_value(),
        a,
        Some(&ns),
        "autoscaled",
    )
}

/// `kubectl drain NODE`: cordon, then evict every pod and wait until they are gone.
/// The wait lets time run, calling `watch` after each controller action; where it says
/// [`Flow::Halt`] the command stops, with what it printed so far.
pub fn drain(cluster: &mut Cluster, a: &Args, watch: Watch) -> (Output, Flow) {
    if let Err(o) = check_flags(
        a,
        "drain",
        &[
            "--ignore-daemonsets",
            "--force",
            "--delete-emptydir-data",
            "--grace-period",
            "--timeout",
            "--delete-local-data",
        ],
    ) {
        return (o, Flow::Go);
    }
    let Some(node) = a
        .positional
        .first()
        .map(|n| n.trim_start_matches("node/").to_string())
    else {
        return (
            Output::err(
                "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples",
            ),
            Flow::Go,
        );
    };
    let node_only = Args::parse(std::slice::from_ref(&node)).unwrap_or_default();
    let mut out = super::mutate::cordon(cluster, &node_only, true);
    if !out.ok {
        return (out, Flow::Go);
    }
    let pods: Vec<Pod> = cluster
        .store
        .pods
        .values()
        .filter(|p| {
            p.spec.node_name.as_deref() == Some(node.as_str())
                && !p.metadata.is_deleting()
                && !p.is_terminal()
        })
        .cloned()
        .collect();
    let unmanaged: Vec<String> = pods
        .iter()
        .filter(|p| p.metadata.controller_ref().is_none())
        .map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name))
        .collect();
    if !unmanaged.is_empty() && !a.bool("--force") {
        out.push(&format!("error: unable to drain node \"{node}\" due to error: cannot delete Pods that declare no controller (use --force to override): {}, continuing command...\nThere are pending nodes to be drained:\n {node}\ncannot delete Pods that declare no controller (use --force to override): {}", unmanaged.join(", "), unmanaged.join(", ")));
        out.ok = false;
        return (out, Flow::Go);
    }
    if !unmanaged.is_empty() {
        out.push(&format!(
            "Warning: deleting Pods that declare no controller: {}",
            unmanaged.join(", ")
        ));
    }
    for p in &pods {
        out.push(&format!(
            "evicting pod {}/{}",
            p.metadata.namespace, p.metadata.name
        ));
    }
    for p in &pods {
        let _ = cluster.delete("Pod", &p.metadata.namespace, &p.metadata.name, None);
        cluster.explain("kubectl", ObjRef::new("Pod", &p.metadata.namespace, &p.metadata.name), format!("kubectl drain evicts {} from {node} for maintenance; its controller recreates it on another node.", p.metadata.name));
    }
    let flow = super::wait_until(cluster, DRAIN_LIMIT_MS, watch, |cluster| {
        !pods.iter().any(|p| {
            cluster
                .store
                .get::<Pod>(&p.metadata.namespace, &p.metadata.name)
                .is_some_and(|x| x.metadata.uid == p.metadata.uid)
        })
    });
    if flow == Flow::Halt {
        return (out, flow);
    }
    for p in &pods {
        out.push(&format!("pod/{} evicted", p.metadata.name));
    }
    out.push(&format!("node/{node} drained"));
    (out, Flow::Go)
}
