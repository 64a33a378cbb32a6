//! Services: ClusterIP and NodePort allocation, and the endpoints controller that keeps
//! each Service's Endpoints equal to its ready, matching pods.

use super::{obj_ref, Ctx};
use crate::engine::cluster::Cluster;
use crate::engine::kinds::*;
use crate::engine::meta::{map_selects, ObjectMeta};
use crate::engine::object::Object;
use crate::engine::quantity::IntOrString;
use crate::engine::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Addresses and ports already handed out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceState {
    /// Cluster IPs in use.
    pub cluster_ips: BTreeSet<String>,
    /// Node ports in use.
    pub node_ports: BTreeSet<i32>,
}

/// The `kubernetes` Service every cluster has, at the first address of 10.96.0.0/12.
pub fn create_kubernetes_service(c: &mut Cluster) {
    let svc = Service {
        metadata: ObjectMeta {
            name: "kubernetes".into(),
            namespace: "default".into(),
            labels: [
                ("component".to_string(), "apiserver".to_string()),
                ("provider".to_string(), "kubernetes".to_string()),
            ]
            .into(),
            ..Default::default()
        },
        spec: ServiceSpec {
            type_: Some("ClusterIP".into()),
            ports: vec![ServicePort {
                name: Some("https".into()),
                protocol: Some("TCP".into()),
                port: 443,
                target_port: Some(IntOrString::Int(6443)),
                ..Default::default()
            }],
            cluster_ip: Some("10.96.0.1".into()),
            cluster_ips: vec!["10.96.0.1".into()],
            session_affinity: Some("None".into()),
            ip_families: vec!["IPv4".into()],
            ip_family_policy: Some("SingleStack".into()),
            internal_traffic_policy: Some("Cluster".into()),
            ..Default::default()
        },
        status: ServiceStatus::default(),
    };
    c.state.services.cluster_ips.insert("10.96.0.1".into());
    c.state.services.cluster_ips.insert("10.96.0.10".into());
    c.create(Object::Service(svc));
}

fn allocate_ip(ctx: &mut Ctx) -> String {
    // 10.96.0.0/12 holds 2^20 addresses; the network and broadcast ones are never used.
    loop {
        let n = 1 + ctx.rng.below((1 << 20) - 2) as u32;
        let ip = format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xFF, n & 0xFF);
        if ctx.state.services.cluster_ips.insert(ip.clone()) {
            return ip;
        }
    }
}

fn allocate_node_port(ctx: &mut Ctx) -> i32 {
    loop {
        let p = 30000 + ctx.rng.below(2768) as i32;
        if ctx.state.services.node_ports.insert(p) {
            return p;
        }
    }
}

/// One pass: allocate addresses for new Services, then sync every Endpoints object.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    for svc in store.services.values() {
        let mut s = svc.clone();
        let ty = s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
        if ty != "ExternalName" && s.spec.cluster_ip.is_none() {
            let ip = allocate_ip(ctx);
            s.spec.cluster_ip = Some(ip.clone());
            s.spec.cluster_ips = vec![ip];
        }
        if ty == "NodePort" || ty == "LoadBalancer" {
            for p in &mut s.spec.ports {
                if p.node_port.is_none() {
                    p.node_port = Some(allocate_node_port(ctx));
                }
            }
        }
        if s != *svc {
            ctx.out.cause(
                "service-controller",
                obj_ref(svc),
                None,
                format!(
                    "Service {} gets the stable virtual IP {}{}.",
                    svc.metadata.name,
                    s.spec.cluster_ip.clone().unwrap_or_default(),
                    if ty == "NodePort" || ty == "LoadBalancer" {
                        " and a port on every node"
                    } else {
                        ""
                    }
                ),
            );
            ctx.out.update(s);
        }
        if !svc.spec.selector.is_empty() {
            sync_endpoints(ctx, svc);
        }
    }
    // Endpoints of Services that are gone.
    for ep in store.endpoints.values() {
        let (ns, name) = (&ep.metadata.namespace, &ep.metadata.name);
        let managed = store
            .get::<Service>(ns, name)
            .is_some_and(|s| !s.spec.selector.is_empty());
        if !managed && store.get::<Service>(ns, name).is_none() {
            ctx.out.ops.push(super::Op::Remove(obj_ref(ep)));
        }
    }
}

/// Resolves a Service port's targetPort on one pod: a number, or a named container port.
pub fn resolve_target_port(port: &ServicePort, pod: &Pod) -> Option<i32> {
    match &port.target_port {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::Str(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| p.container_port),
    }
}

/// The ports one pod offers for a Service: (name, number, protocol) per service port.
type PortSet = Vec<(Option<String>, i32, Option<String>)>;

/// The Endpoints a Service should have now.
pub fn desired_endpoints(svc: &Service, pods: &[&Pod]) -> Vec<EndpointSubset> {
    let mut subsets: BTreeMap<PortSet, EndpointSubset> = BTreeMap::new();
    for pod in pods {
        let Some(ip) = pod.status.pod_ip.clone() else {
            continue;
        };
        if pod.is_terminal() || pod.metadata.is_deleting() {
            continue;
        }
        let ports: Option<Vec<_>> = svc
            .spec
            .ports
            .iter()
            .map(|p| resolve_target_port(p, pod).map(|n| (p.name.clone(), n, p.protocol.clone())))
            .collect();
        let Some(ports) = ports else { continue };
        let addr = EndpointAddress {
            ip,
            node_name: pod.spec.node_name.clone(),
            target_ref: Some(ObjectReference {
                kind: "Pod".into(),
                namespace: pod.metadata.namespace.clone(),
                name: pod.metadata.name.clone(),
                uid: pod.metadata.uid.clone(),
                ..Default::default()
            }),
        };
        let subset = subsets
            .entry(ports.clone())
            .or_insert_with(|| EndpointSubset {
                ports: ports
                    .iter()
                    .map(|(name, port, protocol)| EndpointPort {
                        name: name.clone(),
                        port: *port,
                        protocol: protocol.clone(),
                    })
                    .collect(),
                ..Default::default()
            });
        if pod.is_ready() || svc.spec.publish_not_ready_addresses {
            subset.addresses.push(addr);
        } else {
            subset.not_ready_addresses.push(addr);
        }
    }
    subsets
        .into_values()
        .map(|mut s| {
            s.addresses.sort_by(|a, b| a.ip.cmp(&b.ip));
            s.not_ready_addresses.sort_by(|a, b| a.ip.cmp(&b.ip));
            s
        })
        .collect()
}

/// The pods in the Service's namespace its selector matches: what both the Endpoints
/// and the EndpointSlice controllers list.
pub fn selected_pods<'a>(store: &'a Store, svc: &'a Service) -> Vec<&'a Pod> {
    store
        .list_in::<Pod>(&svc.metadata.namespace)
        .filter(|p| map_selects(&svc.spec.selector, &p.metadata.labels))
        .collect()
}

fn sync_endpoints(ctx: &mut Ctx, svc: &Service) {
    let store = ctx.store;
    let ns = &svc.metadata.namespace;
    let pods = selected_pods(store, svc);
    let subsets = desired_endpoints(svc, &pods);
    let existing = store.get::<Endpoints>(ns, &svc.metadata.name);
    let before = existing
        .map(|e| e.subsets.iter().map(|s| s.addresses.len()).sum::<usize>())
        .unwrap_or(0);
    let after: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    match existing {
        Some(ep) if ep.subsets == subsets && ep.metadata.labels == svc.metadata.labels => {}
        Some(ep) => {
            let mut e = ep.clone();
            e.subsets = subsets;
            e.metadata.labels = svc.metadata.labels.clone();
            ctx.out.update(e);
            if before != after {
                ctx.out.cause("endpoint-controller", obj_ref(ep), Some(obj_ref(svc)), format!("Service {} now has {after} ready endpoint{} (was {before}): only ready pods matching {} receive traffic.", svc.metadata.name, if after == 1 { "" } else { "s" }, crate::engine::meta::LabelSelector { match_labels: svc.spec.selector.clone(), ..Default::default() }.to_selector_string()));
            }
        }
        None => {
            let e = Endpoints {
                metadata: ObjectMeta {
                    name: svc.metadata.name.clone(),
                    namespace: ns.clone(),
                    labels: svc.metadata.labels.clone(),
                    ..Default::default()
                },
                subsets,
            };
            ctx.out.create(e);
        }
    }
}
