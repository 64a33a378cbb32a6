//! The EndpointSlice controller: for every Service with a selector, EndpointSlices that
//! list the matching pods, as `pkg/controller/endpointslice` and its reconciler
//! (`k8s.io/endpointslice`, `reconciler.go`) keep them beside the Endpoints object.
//!
//! Where the two differ, this follows the slices: terminating pods stay listed (with
//! `ready: false, terminating: true`), and a Service port a pod cannot resolve is left
//! out of that pod's ports instead of leaving the pod out. Slices hold at most
//! [`MAX_ENDPOINTS_PER_SLICE`] endpoints; an endpoint keeps its place in its slice while
//! it changes, and new ones fill the fullest slices first, as upstream. Where upstream
//! picks from a Go map (any endpoint, any slice), this picks the first in order
//! (endpoints by address, slices by name), so a replay gives the same slices.
//!
//! Slices get their names from `generateName: <service>-`; the cluster draws the five
//! characters (and the uid) from a stream of its own, so adding this controller moved no
//! pod name, IP or port drawn from the main one.

use super::Ctx;
use crate::engine::cluster::controller_ref;
use crate::engine::controllers::service::resolve_target_port;
use crate::engine::kinds::{
    DiscoveryEndpoint, DiscoveryEndpointPort, EndpointConditions, EndpointSlice, Node,
    ObjectReference, Pod, Service,
};
use crate::engine::meta::{ObjectMeta, StringMap};
use crate::engine::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `--max-endpoints-per-slice`'s default: a slice holds at most this many endpoints.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// The `managed-by` value of slices this controller owns.
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// The label naming a slice's Service (`discovery.LabelServiceName`).
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// The label naming a slice's manager (`discovery.LabelManagedBy`).
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// The label on slices of headless Services (`v1.IsHeadlessService`).
const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// The annotation with the time of the change a slice write reflects.
pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";
/// The node label that gives an endpoint its zone.
const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

/// What the controller remembers between passes: `TriggerTimeTracker`'s state, the
/// trigger times it last saw for each Service (keyed `namespace/name`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSliceState {
    /// Per Service, the times of the last changes seen.
    pub trigger_times: BTreeMap<String, ServiceTriggerTimes>,
}

/// The last trigger times seen for one Service: its creation, and each selected pod's
/// Ready transition. Times are RFC 3339 strings in the engine's one format
/// (`2025-01-01T00:00:42Z`), so they order as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTriggerTimes {
    /// The Service's creation time.
    pub service: String,
    /// Each pod's Ready condition's last transition time, by pod name.
    pub pods: BTreeMap<String, String>,
}

/// One pass: sync the slices of every Service with a selector (`syncService`), and
/// forget the trigger times of Services that are gone. Slices of a deleted Service are
/// the garbage collector's: they name the Service as their controlling owner.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    for svc in store.services.values() {
        // ExternalName Services get no endpoints (issues.k8s.io/105986); Services
        // without a selector get the slices their users write.
        if svc.spec.type_.as_deref() == Some("ExternalName") || svc.spec.selector.is_empty() {
            continue;
        }
        sync_service(ctx, svc);
    }
    ctx.state.endpointslice.trigger_times.retain(|key, _| {
        let (ns, name) = key.split_once('/').unwrap_or_default();
        store.get::<Service>(ns, name).is_some()
    });
}

/// `syncService`: the Service's pods and managed slices, and the slice writes that make
/// the second list the first.
fn sync_service(ctx: &mut Ctx, svc: &Service) {
    let store = ctx.store;
    let ns = &svc.metadata.namespace;
    let pods = super::service::selected_pods(store, svc);
    let existing: Vec<&EndpointSlice> = store
        .list_in::<EndpointSlice>(ns)
        .filter(|s| {
            s.metadata.labels.get(LABEL_SERVICE_NAME) == Some(&svc.metadata.name)
                && s.metadata.labels.get(LABEL_MANAGED_BY).map(String::as_str)
                    == Some(CONTROLLER_NAME)
        })
        .collect();
    let trigger_time =
        compute_last_change_trigger_time(&mut ctx.state.endpointslice.trigger_times, svc, &pods);
    let plan = reconcile_slices(store, svc, &pods, &existing, &trigger_time);
    for slice in plan.create {
        ctx.out.create(slice);
    }
    for slice in plan.update {
        ctx.out.update(slice);
    }
    for slice in plan.delete {
        ctx.out.delete(slice, None);
    }
}

/// The slice writes one sync asks for.
#[derive(Debug, Default, PartialEq)]
pub struct Plan<'a> {
    /// New slices (named by the API server from `generateName`).
    pub create: Vec<EndpointSlice>,
    /// Changed slices, whole.
    pub update: Vec<EndpointSlice>,
    /// Slices to delete.
    pub delete: Vec<&'a EndpointSlice>,
}

/// `Reconcile`: for each address type the Service serves, the slices its pods call for;
/// slices of other address types are deleted. `existing` are the slices labelled as this
/// controller's for the Service; `trigger_time` is empty when nothing changed.
pub fn reconcile_slices<'a>(
    store: &Store,
    svc: &Service,
    pods: &[&Pod],
    existing: &[&'a EndpointSlice],
    trigger_time: &str,
) -> Plan<'a> {
    let types = address_types_for_service(svc);
    let mut plan = Plan::default();
    for address_type in &types {
        let of_type: Vec<&EndpointSlice> = existing
            .iter()
            .copied()
            .filter(|s| s.address_type == *address_type)
            .collect();
        reconcile_by_address_type(store, svc, pods, &of_type, address_type, &mut plan);
    }
    plan.delete.extend(
        existing
            .iter()
            .copied()
            .filter(|s| !types.contains(&s.address_type)),
    );
    for slice in plan.create.iter_mut().chain(plan.update.iter_mut()) {
        add_trigger_time_annotation(slice, trigger_time);
    }
    plan
}

/// Endpoints by what identifies them upstream (`hashEndpoint`: the sorted addresses,
/// the hostname, the pod's namespace and name), so an endpoint whose conditions change
/// is the same endpoint, updated in place.
type EndpointSet = BTreeMap<EndpointKey, DiscoveryEndpoint>;
type EndpointKey = (Vec<String>, String, String, String);

fn endpoint_key(ep: &DiscoveryEndpoint) -> EndpointKey {
    let mut addresses = ep.addresses.clone();
    addresses.sort();
    let target = ep.target_ref.as_ref();
    (
        addresses,
        ep.hostname.clone().unwrap_or_default(),
        target.map(|t| t.namespace.clone()).unwrap_or_default(),
        target.map(|t| t.name.clone()).unwrap_or_default(),
    )
}

/// `reconcileByAddressType`: groups the pods' endpoints by the ports they offer, each
/// group into its slices, plus a placeholder slice when there would be none.
fn reconcile_by_address_type<'a>(
    store: &Store,
    svc: &Service,
    pods: &[&Pod],
    existing: &[&'a EndpointSlice],
    address_type: &str,
    plan: &mut Plan<'a>,
) {
    let mut to_create = Vec::new();
    let mut to_update = Vec::new();
    let mut to_delete: Vec<&'a EndpointSlice> = Vec::new();
    let mut existing_by_ports: BTreeMap<Vec<DiscoveryEndpointPort>, Vec<&'a EndpointSlice>> =
        BTreeMap::new();
    for slice in existing {
        if owned_by(slice, svc) {
            existing_by_ports
                .entry(port_map_key(&slice.ports))
                .or_default()
                .push(slice);
        } else {
            to_delete.push(slice);
        }
    }
    // Desired: each pod's endpoint under the key of its ports, with the ports in the
    // Service's order as the first pod of the group has them.
    let mut desired: BTreeMap<
        Vec<DiscoveryEndpointPort>,
        (Vec<DiscoveryEndpointPort>, EndpointSet),
    > = BTreeMap::new();
    for pod in pods {
        if !should_pod_be_in_endpoints(pod) {
            continue;
        }
        let ports = endpoint_ports(svc, pod);
        let group = desired
            .entry(port_map_key(&ports))
            .or_insert_with(|| (ports, EndpointSet::new()));
        let node = pod
            .spec
            .node_name
            .as_deref()
            .and_then(|n| store.get::<Node>("", n));
        // A pod on a node that is gone is left out (the pod GC will remove it), unless
        // the Service publishes addresses whatever their state.
        if node.is_none() && !svc.spec.publish_not_ready_addresses {
            continue;
        }
        let ep = pod_to_endpoint(pod, node, svc, address_type);
        if !ep.addresses.is_empty() {
            group.1.insert(endpoint_key(&ep), ep);
        }
    }
    for (key, (ports, set)) in desired.iter_mut() {
        let mine = existing_by_ports.get(key).map_or(&[][..], Vec::as_slice);
        let (create, update, delete) =
            reconcile_by_port_mapping(svc, mine, set, ports, address_type);
        to_create.extend(create);
        to_update.extend(update);
        to_delete.extend(delete);
    }
    for (key, slices) in &existing_by_ports {
        if !desired.contains_key(key) {
            to_delete.extend(slices.iter().copied());
        }
    }
    // When no slice would be left, a placeholder with no ports and no endpoints stands in,
    // so consumers can tell "no endpoints" from "not synced yet".
    if existing.len() == to_delete.len() && to_create.is_empty() {
        let placeholder = new_endpoint_slice(svc, Vec::new(), address_type);
        let same = |s: &EndpointSlice| {
            s.metadata.namespace == placeholder.metadata.namespace
                && s.metadata.labels == placeholder.metadata.labels
                && s.address_type == placeholder.address_type
                && s.endpoints.is_empty()
                && s.ports.is_empty()
        };
        if to_delete.len() == 1 && same(to_delete[0]) {
            to_delete.clear();
        } else {
            to_create.push(placeholder);
        }
    }
    finalize(svc, to_create, to_update, to_delete, plan);
}

/// `finalize`: a slice to create takes the place of a slice to delete (same address
/// type, same owner) as an update of it, so a slice keeps its name when its ports
/// change, or when the placeholder gets its first endpoints. No slices are created for
/// a Service being deleted.
fn finalize<'a>(
    svc: &Service,
    mut to_create: Vec<EndpointSlice>,
    mut to_update: Vec<EndpointSlice>,
    mut to_delete: Vec<&'a EndpointSlice>,
    plan: &mut Plan<'a>,
) {
    let mut i = 0;
    while i < to_delete.len() {
        let Some(slice) = to_create.last() else {
            break;
        };
        let old = to_delete[i];
        if old.address_type == slice.address_type && owned_by(old, svc) {
            let mut slice = to_create.pop().unwrap_or_default();
            // An update keeps what the API server set: uid, creation time, generation.
            let mut meta = old.metadata.clone();
            meta.labels = std::mem::take(&mut slice.metadata.labels);
            meta.annotations = old.metadata.annotations.clone();
            meta.owner_references = std::mem::take(&mut slice.metadata.owner_references);
            meta.generate_name = slice.metadata.generate_name.take();
            slice.metadata = meta;
            to_update.push(slice);
            to_delete.remove(i);
        } else {
            i += 1;
        }
    }
    if !svc.metadata.is_deleting() {
        plan.create.extend(to_create);
    }
    plan.update.extend(to_update);
    plan.delete.extend(to_delete);
}

/// `reconcileByPortMapping`: one group of slices (same ports) against the endpoints that
/// should be in them. Returns the slices to create, update and delete.
///
/// 1. In each existing slice, keep the endpoints still wanted (updated where they
///    changed) in their places; a slice left empty is deleted.
/// 2. Fill the changed slices, fullest first, with endpoints not yet placed.
/// 3. Put what is left into the unchanged slice it fills most exactly, or new slices.
///
/// With 150 endpoints and no slices, step 3 makes a slice of 100 and one of 50. When one
/// of the 100 goes away, step 1 updates its slice to 99; a new endpoint then joins that
/// slice in step 2, which is being written anyway.
fn reconcile_by_port_mapping<'a>(
    svc: &Service,
    existing: &[&'a EndpointSlice],
    desired: &mut EndpointSet,
    ports: &[DiscoveryEndpointPort],
    address_type: &str,
) -> (
    Vec<EndpointSlice>,
    Vec<EndpointSlice>,
    Vec<&'a EndpointSlice>,
) {
    let mut by_name: BTreeMap<&str, EndpointSlice> = BTreeMap::new();
    let mut unchanged: BTreeSet<&str> = BTreeSet::new();
    let mut to_update: BTreeSet<&str> = BTreeSet::new();
    let mut to_delete: Vec<&'a EndpointSlice> = Vec::new();
    // 1.
    for slice in existing {
        let name = slice.metadata.name.as_str();
        let mut kept = Vec::new();
        let mut endpoint_updated = false;
        for ep in &slice.endpoints {
            if let Some(want) = desired.remove(&endpoint_key(ep)) {
                endpoint_updated |= want != *ep;
                kept.push(want);
            }
        }
        let (labels, labels_changed) = endpoint_slice_labels(slice, svc);
        if endpoint_updated || kept.len() != slice.endpoints.len() {
            if kept.is_empty() {
                to_delete.push(slice);
            } else {
                let mut s = (*slice).clone();
                s.endpoints = kept;
                s.metadata.labels = labels;
                by_name.insert(name, s);
                to_update.insert(name);
            }
        } else if labels_changed {
            let mut s = (*slice).clone();
            s.metadata.labels = labels;
            by_name.insert(name, s);
            to_update.insert(name);
        } else {
            by_name.insert(name, (*slice).clone());
            unchanged.insert(name);
        }
    }
    // 2.
    if !desired.is_empty() && !to_update.is_empty() {
        let mut fullest: Vec<&str> = to_update.iter().copied().collect();
        fullest.sort_by_key(|n| std::cmp::Reverse(by_name[n].endpoints.len()));
        for name in fullest {
            if let Some(slice) = by_name.get_mut(name) {
                fill(slice, desired);
            }
        }
    }
    // 3.
    let mut to_create = Vec::new();
    while !desired.is_empty() {
        let target = if desired.len() < MAX_ENDPOINTS_PER_SLICE {
            slice_to_fill(
                unchanged.iter().map(|n| &by_name[n]),
                desired.len(),
                MAX_ENDPOINTS_PER_SLICE,
            )
        } else {
            None
        };
        match target {
            Some(name) => {
                let name = unchanged.take(name.as_str()).unwrap_or_default();
                if let Some(slice) = by_name.get_mut(name) {
                    fill(slice, desired);
                }
                to_update.insert(name);
            }
            None => {
                let mut slice = new_endpoint_slice(svc, ports.to_vec(), address_type);
                fill(&mut slice, desired);
                to_create.push(slice);
            }
        }
    }
    let updates = to_update.iter().filter_map(|n| by_name.remove(n)).collect();
    (to_create, updates, to_delete)
}

/// Moves endpoints from `desired` into `slice` until it is full.
fn fill(slice: &mut EndpointSlice, desired: &mut EndpointSet) {
    while slice.endpoints.len() < MAX_ENDPOINTS_PER_SLICE {
        let Some((_, ep)) = desired.pop_first() else {
            break;
        };
        slice.endpoints.push(ep);
    }
}

/// `getSliceToFill`: the slice that `count` more endpoints fill most exactly without
/// going over `max`, if any. With slices of 60 and 95 and 5 endpoints left, the 95 (it
/// becomes full); with 50 left, the 60 is too full and the 95 more so, so none.
fn slice_to_fill<'s>(
    slices: impl Iterator<Item = &'s EndpointSlice>,
    count: usize,
    max: usize,
) -> Option<String> {
    let mut closest: Option<(usize, &EndpointSlice)> = None;
    for slice in slices {
        let Some(diff) = max.checked_sub(count + slice.endpoints.len()) else {
            continue;
        };
        if closest.is_none_or(|(best, _)| diff < best) && diff < max {
            closest = Some((diff, slice));
            if diff == 0 {
                break;
            }
        }
    }
    closest.map(|(_, s)| s.metadata.name.clone())
}

/// `ShouldPodBeInEndpoints(pod, includeTerminating=true)`: not finished, and has an IP.
/// Unlike the Endpoints controller, a terminating pod stays (as `terminating: true`).
pub fn should_pod_be_in_endpoints(pod: &Pod) -> bool {
    !pod.is_terminal()
        && pod
            .status
            .pod_ip
            .as_deref()
            .is_some_and(|ip| !ip.is_empty())
}

/// `podToEndpoint`: the pod's addresses of `address_type` and its conditions.
///
/// | pod                        | ready | serving | terminating |
/// |----------------------------|-------|---------|-------------|
/// | Ready                      | true  | true    | false       |
/// | not Ready                  | false | false   | false       |
/// | Ready, being deleted       | false | true    | true        |
/// | not Ready, being deleted   | false | false   | true        |
///
/// `publishNotReadyAddresses` makes every endpoint ready.
pub fn pod_to_endpoint(
    pod: &Pod,
    node: Option<&Node>,
    svc: &Service,
    address_type: &str,
) -> DiscoveryEndpoint {
    let serving = pod.is_ready();
    let terminating = pod.metadata.is_deleting();
    let ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
    let addresses = pod
        .status
        .pod_ip
        .iter()
        .filter(|ip| (if ip.contains(':') { "IPv6" } else { "IPv4" }) == address_type)
        .cloned()
        .collect();
    let text = |v: Option<&serde_json::Value>| {
        v.and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    // `ShouldSetHostname`: a pod that names the Service as its subdomain.
    let hostname = text(pod.spec.extra.get("hostname")).filter(|_| {
        text(pod.spec.extra.get("subdomain")).as_deref() == Some(svc.metadata.name.as_str())
            && pod.metadata.namespace == svc.metadata.namespace
    });
    DiscoveryEndpoint {
        addresses,
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hostname,
        target_ref: Some(ObjectReference {
            kind: "Pod".into(),
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        }),
        node_name: pod.spec.node_name.clone().filter(|n| !n.is_empty()),
        zone: node.and_then(|n| n.metadata.labels.get(LABEL_ZONE).cloned()),
    }
}

/// `getEndpointPorts`: the Service's ports as this pod offers them, in the Service's
/// order. A port whose target the pod does not have (a named `targetPort` none of its
/// containers declares) is left out; the pod is still listed with the others.
pub fn endpoint_ports(svc: &Service, pod: &Pod) -> Vec<DiscoveryEndpointPort> {
    if svc.spec.ports.is_empty() && svc.spec.cluster_ip.as_deref() == Some("None") {
        return Vec::new();
    }
    svc.spec
        .ports
        .iter()
        .filter_map(|p| {
            let port = resolve_target_port(p, pod)?;
            Some(DiscoveryEndpointPort {
                name: Some(p.name.clone().unwrap_or_default()),
                port: Some(port),
                protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".into())),
                app_protocol: p
                    .extra
                    .get("appProtocol")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            })
        })
        .collect()
}

/// `NewPortMapKey`: ports compared as a set, whatever their order.
fn port_map_key(ports: &[DiscoveryEndpointPort]) -> Vec<DiscoveryEndpointPort> {
    let mut key = ports.to_vec();
    key.sort();
    key
}

/// `getAddressTypesForService`: from the Service's IP families; failing that, from its
/// cluster IP; a headless Service without families gets both.
fn address_types_for_service(svc: &Service) -> BTreeSet<String> {
    let mut types: BTreeSet<String> = svc
        .spec
        .ip_families
        .iter()
        .filter(|f| *f == "IPv4" || *f == "IPv6")
        .cloned()
        .collect();
    if types.is_empty() {
        match svc.spec.cluster_ip.as_deref() {
            Some(ip) if !ip.is_empty() && ip != "None" => {
                types.insert(if ip.contains(':') { "IPv6" } else { "IPv4" }.into());
            }
            _ => {
                types.insert("IPv4".into());
                types.insert("IPv6".into());
            }
        }
    }
    types
}

/// `newEndpointSlice`: an empty slice for `svc`, owned by it, to be named by the API
/// server from `<service>-`.
fn new_endpoint_slice(
    svc: &Service,
    ports: Vec<DiscoveryEndpointPort>,
    address_type: &str,
) -> EndpointSlice {
    let mut slice = EndpointSlice {
        metadata: ObjectMeta {
            namespace: svc.metadata.namespace.clone(),
            generate_name: Some(format!("{}-", svc.metadata.name)),
            owner_references: vec![controller_ref(svc)],
            ..Default::default()
        },
        address_type: address_type.to_string(),
        endpoints: Vec::new(),
        ports,
    };
    slice.metadata.labels = endpoint_slice_labels(&slice, svc).0;
    slice
}

/// `ownedBy`: whether the slice names this very Service (same uid) as an owner; a slice
/// left by an earlier Service of the same name is not.
fn owned_by(slice: &EndpointSlice, svc: &Service) -> bool {
    slice
        .metadata
        .owner_references
        .iter()
        .any(|o| o.uid == svc.metadata.uid && o.kind == "Service" && o.api_version == "v1")
}

/// `setEndpointSliceLabels`: the Service's labels plus the controller's own, and whether
/// the Service's labels differ from the ones on the slice (the controller's own labels
/// are not compared, as upstream).
fn endpoint_slice_labels(slice: &EndpointSlice, svc: &Service) -> (StringMap, bool) {
    let reserved = |k: &String| {
        k.as_str() == LABEL_SERVICE_NAME
            || k.as_str() == LABEL_MANAGED_BY
            || k.as_str() == LABEL_HEADLESS
    };
    let strip = |labels: &StringMap| -> StringMap {
        labels
            .iter()
            .filter(|(k, _)| !reserved(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut labels = strip(&svc.metadata.labels);
    let changed = strip(&slice.metadata.labels) != labels;
    let headless = matches!(
        svc.spec.cluster_ip.as_deref(),
        None | Some("") | Some("None")
    );
    if headless {
        labels.insert(LABEL_HEADLESS.into(), String::new());
    }
    labels.insert(LABEL_SERVICE_NAME.into(), svc.metadata.name.clone());
    labels.insert(LABEL_MANAGED_BY.into(), CONTROLLER_NAME.into());
    (labels, changed)
}

/// `addTriggerTimeAnnotation`: the time of the change this write reflects, or no
/// annotation when the sync saw no new change.
fn add_trigger_time_annotation(slice: &mut EndpointSlice, trigger_time: &str) {
    if trigger_time.is_empty() {
        slice.metadata.annotations.remove(TRIGGER_TIME_ANNOTATION);
    } else {
        slice
            .metadata
            .annotations
            .insert(TRIGGER_TIME_ANNOTATION.into(), trigger_time.into());
    }
}

/// `TriggerTimeTracker.ComputeEndpointLastChangeTriggerTime`: the earliest change not
/// seen before among the Service's creation and its pods' Ready transitions (empty when
/// there is none), remembering what it saw. The first sync of a Service gives its
/// creation time.
///
/// Service created at 00:00:00, first seen: 00:00:00. Then a pod turns Ready at 00:00:07
/// and another at 00:00:09, both new to the tracker: 00:00:07. Nothing new: empty.
pub fn compute_last_change_trigger_time(
    times: &mut BTreeMap<String, ServiceTriggerTimes>,
    svc: &Service,
    pods: &[&Pod],
) -> String {
    let key = format!("{}/{}", svc.metadata.namespace, svc.metadata.name);
    let known = times.get(&key);
    let mut min_changed: Option<&str> = None;
    let mut pod_times = BTreeMap::new();
    for pod in pods {
        let Some(t) = pod
            .status
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready")
            .and_then(|c| c.last_transition_time.as_deref())
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        let seen = known.and_then(|k| k.pods.get(&pod.metadata.name));
        if seen.is_none_or(|s| t > s.as_str()) {
            min_changed = Some(min_changed.map_or(t, |m| m.min(t)));
        }
        pod_times.insert(pod.metadata.name.clone(), t.to_string());
    }
    let created = svc.metadata.creation_timestamp.clone().unwrap_or_default();
    if known.is_none_or(|k| created.as_str() > k.service.as_str()) && !created.is_empty() {
        min_changed = Some(min_changed.map_or(created.as_str(), |m| m.min(created.as_str())));
    }
    let result = match known {
        None => created.clone(),
        Some(_) => min_changed.unwrap_or_default().to_string(),
    };
    times.insert(
        key,
        ServiceTriggerTimes {
            service: created,
            pods: pod_times,
        },
    );
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cluster::Cluster;
    use crate::engine::kinds::{
        Condition, Container, ContainerPort, Endpoints, PodSpec, ServicePort, ServiceSpec,
    };
    use crate::engine::quantity::IntOrString;
    use crate::engine::script;

    fn service(selector: &[(&str, &str)], ports: Vec<ServicePort>) -> Service {
        Service {
            metadata: ObjectMeta {
                name: "web".into(),
                namespace: "default".into(),
                uid: "svc-uid".into(),
                ..Default::default()
            },
            spec: ServiceSpec {
                selector: selector
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ports,
                cluster_ip: Some("10.96.0.20".into()),
                ip_families: vec!["IPv4".into()],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn http_port(target: Option<IntOrString>) -> ServicePort {
        ServicePort {
            port: 80,
            target_port: target,
            protocol: Some("TCP".into()),
            ..Default::default()
        }
    }

    /// A pod `web-N` on node-1 with IP 10.244.1.N, serving port 8080 named `http`.
    fn pod(n: usize, ready: bool, deleting: bool) -> Pod {
        let mut p = Pod {
            metadata: ObjectMeta {
                name: format!("web-{n:03}"),
                namespace: "default".into(),
                uid: format!("pod-uid-{n}"),
                labels: [("app".to_string(), "web".to_string())].into(),
                deletion_timestamp: deleting.then(|| "2025-01-01T00:01:00Z".to_string()),
                ..Default::default()
            },
            spec: PodSpec {
                containers: vec![Container {
                    name: "web".into(),
                    ports: vec![ContainerPort {
                        name: Some("http".into()),
                        container_port: 8080,
                        protocol: Some("TCP".into()),
                        extra: Default::default(),
                    }],
                    ..Default::default()
                }],
                node_name: Some("node-1".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        p.status.phase = Some("Running".into());
        p.status.pod_ip = Some(format!("10.244.{}.{}", 1 + n / 250, n % 250));
        p.status.conditions.push(Condition {
            type_: "Ready".into(),
            status: if ready { "True" } else { "False" }.into(),
            last_transition_time: Some("2025-01-01T00:00:05Z".into()),
            ..Default::default()
        });
        p
    }

    fn store_with_node() -> Store {
        let mut store = Store::default();
        store.put(Node {
            metadata: ObjectMeta {
                name: "node-1".into(),
                ..Default::default()
            },
            ..Default::default()
        });
        store
    }

    #[test]
    fn conditions_follow_readiness_and_termination() {
        struct Case {
            name: &'static str,
            ready: bool,
            deleting: bool,
            publish_not_ready: bool,
            want: (bool, bool, bool),
        }
        let cases = [
            Case {
                name: "ready",
                ready: true,
                deleting: false,
                publish_not_ready: false,
                want: (true, true, false),
            },
            Case {
                name: "not ready",
                ready: false,
                deleting: false,
                publish_not_ready: false,
                want: (false, false, false),
            },
            Case {
                name: "ready and terminating: still serving, no longer ready",
                ready: true,
                deleting: true,
                publish_not_ready: false,
                want: (false, true, true),
            },
            Case {
                name: "not ready and terminating",
                ready: false,
                deleting: true,
                publish_not_ready: false,
                want: (false, false, true),
            },
            Case {
                name: "publishNotReadyAddresses makes it ready",
                ready: false,
                deleting: false,
                publish_not_ready: true,
                want: (true, false, false),
            },
        ];
        for c in cases {
            let mut svc = service(&[("app", "web")], vec![http_port(None)]);
            svc.spec.publish_not_ready_addresses = c.publish_not_ready;
            let ep = pod_to_endpoint(&pod(7, c.ready, c.deleting), None, &svc, "IPv4");
            let got = ep.conditions;
            assert_eq!(
                (got.ready, got.serving, got.terminating),
                (Some(c.want.0), Some(c.want.1), Some(c.want.2)),
                "{}",
                c.name
            );
            assert_eq!(ep.addresses, vec!["10.244.1.7".to_string()], "{}", c.name);
        }
    }

    #[test]
    fn ports_resolve_per_service_port_and_unresolvable_ones_are_left_out() {
        let named = |name: &str, target: IntOrString| ServicePort {
            name: Some(name.into()),
            ..http_port(Some(target))
        };
        let svc = service(
            &[("app", "web")],
            vec![
                named("by-name", IntOrString::Str("http".into())),
                named("by-number", IntOrString::Int(9090)),
                named("missing", IntOrString::Str("grpc".into())),
            ],
        );
        let ports: Vec<(Option<String>, Option<i32>)> = endpoint_ports(&svc, &pod(1, true, false))
            .into_iter()
            .map(|p| (p.name, p.port))
            .collect();
        assert_eq!(
            ports,
            vec![
                (Some("by-name".into()), Some(8080)),
                (Some("by-number".into()), Some(9090)),
            ]
        );
        // An unnamed port is written with an empty name, and TCP.
        let unnamed = endpoint_ports(&service(&[], vec![http_port(None)]), &pod(1, true, false));
        assert_eq!(
            unnamed,
            vec![DiscoveryEndpointPort {
                name: Some(String::new()),
                port: Some(80),
                protocol: Some("TCP".into()),
                app_protocol: None,
            }]
        );
    }

    #[test]
    fn more_than_a_hundred_endpoints_take_several_slices() {
        let store = store_with_node();
        let svc = service(&[("app", "web")], vec![http_port(None)]);
        let pods: Vec<Pod> = (0..150).map(|n| pod(n, true, false)).collect();
        let refs: Vec<&Pod> = pods.iter().collect();
        let plan = reconcile_slices(&store, &svc, &refs, &[], "");
        let sizes: Vec<usize> = plan.create.iter().map(|s| s.endpoints.len()).collect();
        assert_eq!(sizes, vec![100, 50]);
        assert!(plan.update.is_empty() && plan.delete.is_empty());
        // Every pod is in exactly one slice.
        let mut names: Vec<&str> = plan
            .create
            .iter()
            .flat_map(|s| &s.endpoints)
            .filter_map(|e| e.target_ref.as_ref().map(|t| t.name.as_str()))
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 150);
    }

    #[test]
    fn an_endpoint_keeps_its_place_and_a_new_one_joins_the_changed_slice() {
        let store = store_with_node();
        let svc = service(&[("app", "web")], vec![http_port(None)]);
        let pods: Vec<Pod> = (0..150).map(|n| pod(n, true, false)).collect();
        let refs: Vec<&Pod> = pods.iter().collect();
        let mut slices = reconcile_slices(&store, &svc, &refs, &[], "").create;
        for (i, s) in slices.iter_mut().enumerate() {
            s.metadata.name = format!("web-{i}");
        }
        // Pod 3 (in the full slice) is gone and pod 150 is new.
        let mut now: Vec<Pod> = pods
            .iter()
            .filter(|p| p.metadata.name != "web-003")
            .cloned()
            .collect();
        now.push(pod(150, true, false));
        let refs: Vec<&Pod> = now.iter().collect();
        let existing: Vec<&EndpointSlice> = slices.iter().collect();
        let plan = reconcile_slices(&store, &svc, &refs, &existing, "");
        assert!(plan.create.is_empty() && plan.delete.is_empty());
        let [updated] = plan.update.as_slice() else {
            panic!("one slice changes: {:?}", plan.update);
        };
        assert_eq!(updated.metadata.name, "web-0");
        assert_eq!(updated.endpoints.len(), 100);
        let last = updated.endpoints.last().and_then(|e| e.target_ref.as_ref());
        assert_eq!(last.map(|t| t.name.as_str()), Some("web-150"));
        // The others kept their order.
        assert_eq!(
            updated.endpoints[..99],
            {
                let mut kept = slices[0].endpoints.clone();
                kept.retain(|e| e.target_ref.as_ref().is_some_and(|t| t.name != "web-003"));
                kept
            }[..]
        );
    }

    #[test]
    fn a_service_without_pods_gets_a_placeholder_that_keeps_its_name() {
        let store = store_with_node();
        let svc = service(&[("app", "web")], vec![http_port(None)]);
        let plan = reconcile_slices(&store, &svc, &[], &[], "");
        let [placeholder] = plan.create.as_slice() else {
            panic!("one placeholder: {:?}", plan.create);
        };
        assert!(placeholder.endpoints.is_empty() && placeholder.ports.is_empty());
        let mut placeholder = placeholder.clone();
        placeholder.metadata.name = "web-abcde".into();
        placeholder.metadata.uid = "slice-uid".into();
        // Nothing to do while there are still no pods.
        let plan = reconcile_slices(&store, &svc, &[], &[&placeholder], "");
        assert_eq!(plan, Plan::default());
        // The first pod turns the placeholder into the real slice, same name and uid.
        let p = pod(1, true, false);
        let plan = reconcile_slices(&store, &svc, &[&p], &[&placeholder], "");
        assert!(plan.create.is_empty() && plan.delete.is_empty());
        let [slice] = plan.update.as_slice() else {
            panic!("the placeholder is updated: {plan:?}");
        };
        assert_eq!(
            (slice.metadata.name.as_str(), slice.metadata.uid.as_str()),
            ("web-abcde", "slice-uid")
        );
        assert_eq!(slice.endpoints.len(), 1);
        assert_eq!(slice.ports.len(), 1);
    }

    fn run(c: &mut Cluster, text: &str) -> String {
        script::run_script(c, text, &|p| Err(format!("no file {p}")))
            .map(|(t, _)| t)
            .unwrap_or_else(|(t, e)| format!("{t}{e:?}"))
    }

    #[test]
    fn services_with_a_selector_get_one_slice_and_a_quiet_pass_writes_nothing() {
        let mut c = Cluster::new(1);
        run(
            &mut c,
            "kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80\n\
             kubectl expose deployment web --port=80\n\
             kubectl apply -f - <<EOF\n\
             apiVersion: v1\n\
             kind: Service\n\
             metadata:\n  name: manual\n\
             spec:\n  ports:\n  - port: 80\n\
             EOF\n\
             settle\n",
        );
        assert!(c.store.get::<Service>("default", "manual").is_some());
        let slices: Vec<&EndpointSlice> = c.store.endpointslices.values().collect();
        let [slice] = slices.as_slice() else {
            panic!("only `web` has a selector: {slices:?}");
        };
        assert!(slice.metadata.name.starts_with("web-") && slice.metadata.name.len() == 9);
        assert_eq!(slice.metadata.labels[LABEL_SERVICE_NAME], "web");
        assert_eq!(slice.metadata.labels[LABEL_MANAGED_BY], CONTROLLER_NAME);
        assert_eq!(slice.endpoints.len(), 2);
        let owner = &slice.metadata.owner_references[0];
        assert_eq!(
            (
                owner.kind.as_str(),
                owner.name.as_str(),
                owner.controller,
                owner.block_owner_deletion
            ),
            ("Service", "web", Some(true), Some(true))
        );
        let rv = c.store.resource_version();
        let before = c.state.endpointslice.clone();
        c.touch();
        assert!(!c.reconcile_once(), "a settled cluster changes nothing");
        assert_eq!(c.store.resource_version(), rv);
        assert_eq!(c.state.endpointslice, before);
    }

    #[test]
    fn a_terminating_pod_stays_in_the_slice_but_leaves_the_endpoints() {
        let mut c = Cluster::new(1);
        run(
            &mut c,
            "kubectl run web --image=nginx:1.27 --labels=app=web --port=80\n\
             kubectl expose pod web --port=80\n\
             settle\n",
        );
        let deleting = c.delete("Pod", "default", "web", Some(30));
        assert_eq!(deleting, Ok(()));
        c.step();
        let slice = c.store.endpointslices.values().next().expect("a slice");
        let ep = &slice.endpoints[0];
        assert_eq!(ep.conditions.terminating, Some(true));
        assert_eq!(ep.conditions.ready, Some(false));
        let endpoints = c
            .store
            .get::<Endpoints>("default", "web")
            .expect("Endpoints");
        assert!(endpoints.subsets.is_empty());
    }

    #[test]
    fn trigger_time_is_the_earliest_unseen_change() {
        let svc = Service {
            metadata: ObjectMeta {
                creation_timestamp: Some("2025-01-01T00:00:00Z".into()),
                ..service(&[], vec![]).metadata
            },
            ..Default::default()
        };
        let mut times = BTreeMap::new();
        let (a, b) = (pod(1, true, false), pod(2, true, false));
        assert_eq!(
            compute_last_change_trigger_time(&mut times, &svc, &[&a]),
            "2025-01-01T00:00:00Z",
            "first sync: the Service's creation"
        );
        assert_eq!(
            compute_last_change_trigger_time(&mut times, &svc, &[&a]),
            ""
        );
        let mut b = b;
        b.status.conditions[0].last_transition_time = Some("2025-01-01T00:00:09Z".into());
        let mut a = a;
        a.status.conditions[0].last_transition_time = Some("2025-01-01T00:00:07Z".into());
        assert_eq!(
            compute_last_change_trigger_time(&mut times, &svc, &[&a, &b]),
            "2025-01-01T00:00:07Z"
        );
    }
}
