//! View models: plain functions from the engine's state to the structs the page renders.
//!
//! Nothing here touches the browser, so every function is unit-tested natively. The
//! components only wire signals to these functions; all the words and numbers on the
//! page are decided here, from the engine's own printers, events and causes.

use crate::engine::sort;
use std::collections::{BTreeMap, BTreeSet};

use crate::engine::cluster::Cluster;
use crate::engine::controllers::deployment::util::revision;
use crate::engine::defaults::apply_defaults;
use crate::engine::diagnostic::Severity;
use crate::engine::kinds::{Condition, Deployment, Node, Pod, ReplicaSet};
use crate::engine::kubectl::print::{node_status, pod_ready, pod_status};
use crate::engine::kubectl::rollout::status_line;
use crate::engine::manifest::parse_manifests;
use crate::engine::object::Object;
use crate::engine::store::Store;
use crate::engine::time::SimTime;
use crate::engine::validate::{locate_errors, validate};

/// How a pod's status reads at a glance; each has a colour and is always written out too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// Running and ready.
    Running,
    /// Running but not (yet) ready.
    NotReady,
    /// Waiting for a node.
    Pending,
    /// Pulling its image or starting containers.
    Creating,
    /// Being deleted.
    Terminating,
    /// CrashLoopBackOff, ImagePullBackOff, ErrImagePull, Error, Unknown...
    Failed,
    /// Completed.
    Done,
}

impl StatusClass {
    /// Classifies kubectl's STATUS column (`pod_status`) and READY column.
    pub fn of(status: &str, ready: bool) -> StatusClass {
        match status {
            "Running" if ready => StatusClass::Running,
            "Running" => StatusClass::NotReady,
            "Pending" | "SchedulingGated" => StatusClass::Pending,
            "ContainerCreating" | "PodInitializing" => StatusClass::Creating,
            "Terminating" => StatusClass::Terminating,
            "Completed" | "Succeeded" => StatusClass::Done,
            s if s.starts_with("Init:") && !s.contains("Err") && !s.contains("BackOff") => {
                StatusClass::Creating
            }
            _ => StatusClass::Failed,
        }
    }

    /// The CSS class the stylesheet colours.
    pub fn css(self) -> &'static str {
        match self {
            StatusClass::Running => "st-running",
            StatusClass::NotReady => "st-notready",
            StatusClass::Pending => "st-pending",
            StatusClass::Creating => "st-creating",
            StatusClass::Terminating => "st-terminating",
            StatusClass::Failed => "st-failed",
            StatusClass::Done => "st-done",
        }
    }
}

/// One pod as a chip in its node's lane.
#[derive(Debug, Clone, PartialEq)]
pub struct PodChip {
    /// The pod's uid, the key of its chip.
    pub uid: String,
    /// Namespace.
    pub namespace: String,
    /// Full name.
    pub name: String,
    /// The part of the name that tells pods of one ReplicaSet apart (`9rpmk`).
    pub short: String,
    /// kubectl's STATUS column.
    pub status: String,
    /// kubectl's READY column (`1/1`).
    pub ready: String,
    /// How the status reads.
    pub class: StatusClass,
    /// The Deployment (or ReplicaSet) that owns it, if any.
    pub owner: Option<String>,
    /// Hue of the owner's colour (0..360).
    pub hue: u16,
    /// Revision of its ReplicaSet (0 when not owned by a Deployment).
    pub revision: i64,
    /// Lightness step of the revision stripe, so old and new revisions differ (0..3).
    pub shade: u8,
    /// Container restarts.
    pub restarts: i32,
}

impl PodChip {
    /// What a screen reader and the tooltip say about the chip.
    pub fn label(&self) -> String {
        let mut s = format!("Pod {}: {}, {} ready", self.name, self.status, self.ready);
        if self.revision > 0 {
            s.push_str(&format!(", revision {}", self.revision));
        }
        if self.restarts > 0 {
            s.push_str(&format!(", {} restarts", self.restarts));
        }
        s
    }
}

/// Requested resources against what a node can give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Usage {
    /// Sum of the requests of the pods bound to the node (millicores or bytes).
    pub requested: i64,
    /// The node's allocatable amount.
    pub allocatable: i64,
    /// `requested` as a percentage of `allocatable`, capped at 100 for drawing.
    pub percent: u32,
    /// `0.3 / 4 CPU` or `384Mi / 8Gi`.
    pub text: String,
}

/// A node drawn as a lane of pod chips.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLane {
    /// Node name (the lane's key).
    pub name: String,
    /// kubectl's STATUS column (`Ready`, `NotReady`, `Ready,SchedulingDisabled`).
    pub status: String,
    /// Whether the node is Ready.
    pub ready: bool,
    /// Whether it is cordoned.
    pub cordoned: bool,
    /// CPU requests against allocatable.
    pub cpu: Usage,
    /// Memory requests against allocatable.
    pub memory: Usage,
    /// The pod limit (`110`).
    pub max_pods: i64,
    /// Its pods, sorted by owner, revision and name.
    pub pods: Vec<PodChip>,
}

/// A Service and the pods its endpoints point at.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    /// uid.
    pub uid: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Cluster IP.
    pub cluster_ip: String,
    /// `80/TCP`.
    pub ports: String,
    /// `app=web`.
    pub selector: String,
    /// Names of the pods that are ready endpoints.
    pub ready_pods: Vec<String>,
    /// How many selected pods are not ready.
    pub not_ready: usize,
}

/// Everything the cluster panel draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterView {
    /// One lane a node, by name.
    pub lanes: Vec<NodeLane>,
    /// Pods no node has taken yet.
    pub unscheduled: Vec<PodChip>,
    /// Services (the `kubernetes` Service left out: it selects nothing to draw).
    pub services: Vec<ServiceView>,
    /// All pods.
    pub pod_count: usize,
}

/// The owner colours: distinct hues, clear of the status colours' reds and greens.
/// `style/app.css` has a `.hue-N` class for each.
const HUES: [u16; 8] = [215, 265, 185, 30, 320, 240, 45, 195];

/// A stable hue for an owner name: the same Deployment has the same colour everywhere.
pub fn owner_hue(name: &str) -> u16 {
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    HUES[(h % HUES.len() as u32) as usize]
}

/// The lightness step of a revision's colour (0..3), so old and new revisions differ.
pub fn shade(revision: i64) -> u8 {
    (revision.rem_euclid(3)) as u8
}

/// The owning Deployment (or bare ReplicaSet) of a pod, and its ReplicaSet's revision.
fn pod_owner(store: &Store, pod: &Pod) -> (Option<String>, i64) {
    let Some(rs_ref) = pod
        .metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "ReplicaSet")
    else {
        return (
            pod.metadata
                .owner_references
                .first()
                .map(|o| o.name.clone()),
            0,
        );
    };
    let Some(rs) = store.get::<ReplicaSet>(&pod.metadata.namespace, &rs_ref.name) else {
        return (Some(rs_ref.name.clone()), 0);
    };
    match rs
        .metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "Deployment")
    {
        Some(d) => (Some(d.name.clone()), revision(rs)),
        None => (Some(rs.metadata.name.clone()), 0),
    }
}

/// The chip of one pod.
pub fn pod_chip(store: &Store, pod: &Pod) -> PodChip {
    let status = pod_status(pod);
    let ready = pod_ready(pod);
    let is_ready = ready
        .split_once('/')
        .is_some_and(|(a, b)| a == b && a != "0");
    let (owner, revision) = pod_owner(store, pod);
    let name = pod.metadata.name.clone();
    let short = name.rsplit('-').next().unwrap_or(&name).to_string();
    PodChip {
        uid: pod.metadata.uid.clone(),
        namespace: pod.metadata.namespace.clone(),
        short,
        class: StatusClass::of(&status, is_ready),
        status,
        ready,
        hue: owner_hue(owner.as_deref().unwrap_or(&name)),
        owner,
        revision,
        shade: shade(revision),
        restarts: pod
            .status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum(),
        name,
    }
}

/// Sum of a pod's container requests for `resource` (millicores for cpu, bytes otherwise).
fn pod_request(pod: &Pod, resource: &str) -> i64 {
    pod.spec
        .containers
        .iter()
        .filter_map(|c| c.resources.requests.get(resource))
        .map(|q| {
            if resource == "cpu" {
                q.millis()
            } else {
                q.value()
            }
        })
        .sum()
}

fn node_allocatable(node: &Node, resource: &str) -> i64 {
    node.status.allocatable.get(resource).map_or(0, |q| {
        if resource == "cpu" {
            q.millis()
        } else {
            q.value()
        }
    })
}

/// `1.25` from 1250 millicores; whole numbers without a fraction.
fn cores(millis: i64) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        let s = format!("{:.2}", millis as f64 / 1000.0);
        s.trim_end_matches('0').to_string()
    }
}

/// `384Mi` or `8Gi` from bytes.
fn binary_size(bytes: i64) -> String {
    const GI: i64 = 1 << 30;
    const MI: i64 = 1 << 20;
    if bytes >= GI && bytes % GI == 0 {
        format!("{}Gi", bytes / GI)
    } else if bytes >= GI {
        format!("{:.1}Gi", bytes as f64 / GI as f64)
    } else {
        format!("{}Mi", (bytes + MI - 1) / MI)
    }
}

fn usage(requested: i64, allocatable: i64, text: String) -> Usage {
    let percent = if allocatable > 0 {
        ((requested.max(0) * 100 + allocatable - 1) / allocatable).min(100) as u32
    } else {
        0
    };
    Usage {
        requested,
        allocatable,
        percent,
        text,
    }
}

/// The cluster panel: node lanes with their pods, unscheduled pods and Services.
pub fn cluster_view(cluster: &Cluster) -> ClusterView {
    let store = &cluster.store;
    let mut by_node: BTreeMap<String, Vec<(&Pod, PodChip)>> = BTreeMap::new();
    let mut unscheduled = Vec::new();
    for pod in store.pods.values() {
        let chip = pod_chip(store, pod);
        match pod.spec.node_name.as_deref() {
            Some(node) if !node.is_empty() => by_node
                .entry(node.to_string())
                .or_default()
                .push((pod, chip)),
            _ => unscheduled.push(chip),
        }
    }
    let sort = |chips: &mut Vec<PodChip>| {
        sort::sort_by(chips, |a, b| {
            (&a.owner, a.revision, &a.name).cmp(&(&b.owner, b.revision, &b.name))
        })
    };
    let lanes = store
        .nodes
        .values()
        .map(|node| {
            let pods = by_node.remove(&node.metadata.name).unwrap_or_default();
            // Terminated pods no longer hold their requests, as the scheduler counts.
            let holding = pods
                .iter()
                .filter(|(_, c)| c.class != StatusClass::Done)
                .map(|(p, _)| *p);
            let (cpu, mem) = holding.fold((0, 0), |(c, m), p| {
                (c + pod_request(p, "cpu"), m + pod_request(p, "memory"))
            });
            let cpu_alloc = node_allocatable(node, "cpu");
            let mem_alloc = node_allocatable(node, "memory");
            let status = node_status(node);
            let mut chips: Vec<PodChip> = pods.into_iter().map(|(_, c)| c).collect();
            sort(&mut chips);
            NodeLane {
                name: node.metadata.name.clone(),
                ready: status.split(',').next() == Some("Ready"),
                cordoned: node.spec.unschedulable,
                status,
                cpu: usage(
                    cpu,
                    cpu_alloc,
                    format!("{} / {} CPU", cores(cpu), cores(cpu_alloc)),
                ),
                memory: usage(
                    mem,
                    mem_alloc,
                    format!("{} / {}", binary_size(mem), binary_size(mem_alloc)),
                ),
                max_pods: node.status.allocatable.get("pods").map_or(0, |q| q.value()),
                pods: chips,
            }
        })
        .collect();
    // Pods bound to a node that no longer exists still show, with the unscheduled ones.
    unscheduled.extend(by_node.into_values().flatten().map(|(_, c)| c));
    sort(&mut unscheduled);
    let services = store
        .services
        .values()
        .filter(|s| !(s.metadata.namespace == "default" && s.metadata.name == "kubernetes"))
        .map(|svc| {
            let ep = store.get::<crate::engine::kinds::Endpoints>(
                &svc.metadata.namespace,
                &svc.metadata.name,
            );
            let mut ready_pods = Vec::new();
            let mut not_ready = 0;
            for subset in ep.map(|e| e.subsets.as_slice()).unwrap_or_default() {
                ready_pods.extend(
                    subset
                        .addresses
                        .iter()
                        .filter_map(|a| a.target_ref.as_ref().map(|r| r.name.clone())),
                );
                not_ready += subset.not_ready_addresses.len();
            }
            ServiceView {
                uid: svc.metadata.uid.clone(),
                namespace: svc.metadata.namespace.clone(),
                name: svc.metadata.name.clone(),
                cluster_ip: svc.spec.cluster_ip.clone().unwrap_or_default(),
                ports: crate::engine::kubectl::print::service_ports(svc),
                selector: svc
                    .spec
                    .selector
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(","),
                ready_pods,
                not_ready,
            }
        })
        .collect();
    ClusterView {
        lanes,
        unscheduled,
        services,
        pod_count: store.pods.len(),
    }
}

/// One revision (ReplicaSet) of a Deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionView {
    /// ReplicaSet name.
    pub name: String,
    /// Revision number.
    pub revision: i64,
    /// Images of its pod template.
    pub image: String,
    /// Pods it has now.
    pub replicas: i32,
    /// Pods it wants.
    pub desired: i32,
    /// Of which ready.
    pub ready: i32,
    /// Whether this is the Deployment's current template.
    pub current: bool,
    /// Stripe lightness step, as on the chips.
    pub shade: u8,
}

/// A condition line: `Available True MinimumReplicasAvailable`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionView {
    /// `Available`.
    pub type_: String,
    /// Whether the status is `True`.
    pub ok: bool,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// The reason.
    pub reason: String,
    /// The message.
    pub message: String,
}

/// One sentence of what the controllers did and why, from the engine's causes.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseLine {
    /// When, as the clock shows it.
    pub at: String,
    /// Who acted.
    pub actor: String,
    /// What it acted on (`replicaset/web-7c9f`).
    pub object: String,
    /// Why.
    pub message: String,
}

/// Where a workload stands overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Actual state matches desired state.
    Converged,
    /// The controllers are working on a difference.
    Progressing,
    /// Something is failing (a crash loop, an image that cannot be pulled, a deadline).
    Degraded,
}

impl Health {
    /// The word shown on the badge.
    pub fn word(self) -> &'static str {
        match self {
            Health::Converged => "Converged",
            Health::Progressing => "Progressing",
            Health::Degraded => "Degraded",
        }
    }

    /// The CSS class of the badge.
    pub fn css(self) -> &'static str {
        match self {
            Health::Converged => "health-ok",
            Health::Progressing => "health-busy",
            Health::Degraded => "health-bad",
        }
    }
}

/// A Deployment's desired state beside its actual state, with the difference in words.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadView {
    /// uid, the key.
    pub uid: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Owner colour.
    pub hue: u16,
    /// `spec.replicas`.
    pub desired: i32,
    /// `status.replicas`: pods of every revision.
    pub current: i32,
    /// `status.readyReplicas`.
    pub ready: i32,
    /// `status.updatedReplicas`.
    pub updated: i32,
    /// `status.availableReplicas`.
    pub available: i32,
    /// The image(s) asked for.
    pub image: String,
    /// `RollingUpdate (maxSurge 25%, maxUnavailable 25%)` or `Recreate`.
    pub strategy: String,
    /// Revisions with pods or the current one, newest first.
    pub revisions: Vec<RevisionView>,
    /// Deployment conditions.
    pub conditions: Vec<ConditionView>,
    /// Overall health.
    pub health: Health,
    /// `kubectl rollout status` wording.
    pub rollout: String,
    /// Each difference between desired and actual, in words; empty when converged.
    pub differences: Vec<String>,
    /// The latest causes about this workload, newest first.
    pub causes: Vec<CauseLine>,
}

fn images(t: &crate::engine::kinds::PodTemplateSpec) -> String {
    t.spec
        .containers
        .iter()
        .map(|c| c.image.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn condition_view(c: &Condition) -> ConditionView {
    ConditionView {
        type_: c.type_.to_string(),
        ok: c.status == "True",
        status: c.status.to_string(),
        reason: c.reason.clone().unwrap_or_default(),
        message: c.message.clone().unwrap_or_default(),
    }
}

fn plural(n: i32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn strategy_text(d: &Deployment) -> String {
    match d.spec.strategy.type_.as_deref() {
        Some("Recreate") => "Recreate".into(),
        _ => {
            let ru = d.spec.strategy.rolling_update.as_ref();
            let show = |v: Option<&crate::engine::quantity::IntOrString>| {
                v.map_or("25%".to_string(), |v| v.to_string())
            };
            format!(
                "RollingUpdate: maxSurge {}, maxUnavailable {}",
                show(ru.and_then(|r| r.max_surge.as_ref())),
                show(ru.and_then(|r| r.max_unavailable.as_ref()))
            )
        }
    }
}

/// Desired versus actual for every Deployment, with the engine's explanations.
pub fn workloads(cluster: &Cluster) -> Vec<WorkloadView> {
    let store = &cluster.store;
    store
        .deployments
        .values()
        .map(|d| workload(cluster, d))
        .chain(bare_replicasets(store))
        .collect::<Vec<_>>()
}

/// ReplicaSets no Deployment owns, shown as workloads of their own.
fn bare_replicasets(store: &Store) -> impl Iterator<Item = WorkloadView> + '_ {
    store
        .replicasets
        .values()
        .filter(|rs| rs.metadata.owner_references.is_empty())
        .map(|rs| {
            let desired = rs.replicas();
            let s = &rs.status;
            let mut differences = Vec::new();
            if s.replicas != desired {
                differences.push(format!(
                    "ReplicaSet {} wants {} and has {}: its controller is {} pods.",
                    rs.metadata.name,
                    desired,
                    s.replicas,
                    if s.replicas < desired {
                        "creating"
                    } else {
                        "deleting"
                    }
                ));
            } else if s.ready_replicas < desired {
                differences.push(format!(
                    "{} of {} ready: waiting for pods to start.",
                    s.ready_replicas, desired
                ));
            }
            WorkloadView {
                uid: rs.metadata.uid.clone(),
                namespace: rs.metadata.namespace.clone(),
                name: rs.metadata.name.clone(),
                hue: owner_hue(&rs.metadata.name),
                desired,
                current: s.replicas,
                ready: s.ready_replicas,
                updated: s.replicas,
                available: s.available_replicas,
                image: images(&rs.spec.template),
                strategy: "ReplicaSet".into(),
                revisions: Vec::new(),
                conditions: rs.status.conditions.iter().map(condition_view).collect(),
                health: if differences.is_empty() {
                    Health::Converged
                } else {
                    Health::Progressing
                },
                rollout: String::new(),
                differences,
                causes: Vec::new(),
            }
        })
}

fn workload(cluster: &Cluster, d: &Deployment) -> WorkloadView {
    let store = &cluster.store;
    let ns = &d.metadata.namespace;
    let name = &d.metadata.name;
    let owned: Vec<&ReplicaSet> = store
        .list_in::<ReplicaSet>(ns)
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .any(|o| o.kind == "Deployment" && o.name == *name)
        })
        .collect();
    let rs_names: BTreeSet<&str> = owned.iter().map(|r| r.metadata.name.as_str()).collect();
    let newest = owned.iter().map(|r| revision(r)).max().unwrap_or(0);
    let pods: Vec<&Pod> = store
        .list_in::<Pod>(ns)
        .filter(|p| {
            p.metadata
                .owner_references
                .iter()
                .any(|o| o.kind == "ReplicaSet" && rs_names.contains(o.name.as_str()))
        })
        .collect();
    let mut revisions: Vec<RevisionView> = owned
        .iter()
        .filter(|rs| rs.status.replicas > 0 || rs.replicas() > 0 || revision(rs) == newest)
        .map(|rs| RevisionView {
            name: rs.metadata.name.clone(),
            revision: revision(rs),
            image: images(&rs.spec.template),
            replicas: rs.status.replicas,
            desired: rs.replicas(),
            ready: rs.status.ready_replicas,
            current: revision(rs) == newest,
            shade: shade(revision(rs)),
        })
        .collect();
    sort::sort_by_key(&mut revisions, |r| std::cmp::Reverse(r.revision));

    let desired = d.replicas();
    let s = &d.status;
    let (rollout, done, failed) = match status_line(d) {
        Ok((line, done)) => (line.trim_end().to_string(), done, false),
        Err(e) => (e, false, true),
    };

    // Pods whose status is a failure, grouped by status, so the words name the problem.
    let mut failing: BTreeMap<String, i32> = BTreeMap::new();
    let mut starting: BTreeMap<String, i32> = BTreeMap::new();
    let mut terminating = 0;
    for p in &pods {
        let status = pod_status(p);
        match StatusClass::of(&status, true) {
            StatusClass::Failed => *failing.entry(status).or_default() += 1,
            StatusClass::Pending | StatusClass::Creating => {
                *starting.entry(status).or_default() += 1
            }
            StatusClass::Terminating => terminating += 1,
            _ => {}
        }
    }

    let mut differences = Vec::new();
    if d.spec.paused {
        differences.push(format!(
            "The rollout of {name} is paused: template changes wait for `kubectl rollout resume`."
        ));
    }
    if let Some(new) = revisions.iter().find(|r| r.current) {
        if new.replicas < new.desired {
            differences.push(format!(
                "ReplicaSet {} (revision {}) is creating {}: {} of {} exist.",
                new.name,
                new.revision,
                plural(new.desired - new.replicas, "pod", "pods"),
                new.replicas,
                new.desired
            ));
        }
    }
    if s.updated_replicas < desired {
        differences.push(format!(
            "{} of {} pods run the new template ({}).",
            s.updated_replicas,
            desired,
            images(&d.spec.template)
        ));
    }
    let old_pods: i32 = revisions
        .iter()
        .filter(|r| !r.current)
        .map(|r| r.replicas)
        .sum();
    if old_pods > 0 {
        differences.push(format!(
            "{} of older revisions still {} running, to be scaled down as new ones become available.",
            plural(old_pods, "pod", "pods"),
            if old_pods == 1 { "is" } else { "are" }
        ));
    }
    if s.replicas > desired && old_pods == 0 {
        differences.push(format!(
            "{} exist for {} wanted: the extra are being removed.",
            plural(s.replicas, "pod", "pods"),
            desired
        ));
    }
    for (status, n) in &starting {
        let why = if status == "Pending" {
            "no node has taken them yet (the scheduler says why below)."
        } else {
            "scheduled and starting, not ready yet."
        };
        differences.push(format!(
            "{} {status}: {why}",
            plural(*n, "pod is", "pods are")
        ));
    }
    for (status, n) in &failing {
        differences.push(format!(
            "{} {status}: {}",
            plural(*n, "pod is", "pods are"),
            failure_hint(status)
        ));
    }
    if terminating > 0 {
        differences.push(format!(
            "{} Terminating: containers are stopping.",
            plural(terminating, "pod is", "pods are")
        ));
    }
    if differences.is_empty() && (s.available_replicas < desired || s.ready_replicas < desired) {
        differences.push(format!(
            "{} of {} ready, {} available (a pod counts as available once ready for minReadySeconds).",
            s.ready_replicas, desired, s.available_replicas
        ));
    }
    if differences.is_empty() && !done && !failed {
        differences.push(rollout.clone());
    }
    let converged = differences.is_empty() && done;
    let health = if failed || !failing.is_empty() {
        Health::Degraded
    } else if converged {
        Health::Converged
    } else {
        Health::Progressing
    };

    // The causes that touched this Deployment, its ReplicaSets or their pods.
    let pod_names: BTreeSet<&str> = pods.iter().map(|p| p.metadata.name.as_str()).collect();
    let concerns = |kind: &str, obj_ns: &str, obj_name: &str| {
        obj_ns == ns
            && match kind {
                "Deployment" => obj_name == name,
                "ReplicaSet" => rs_names.contains(obj_name),
                "Pod" => {
                    pod_names.contains(obj_name)
                        || rs_names.iter().any(|rs| {
                            obj_name.len() > rs.len() + 1 && obj_name.starts_with(&format!("{rs}-"))
                        })
                }
                _ => false,
            }
    };
    let causes = cluster
        .causes()
        .rev()
        .filter(|c| {
            concerns(&c.object.kind, &c.object.namespace, &c.object.name)
                || c.because_of
                    .as_ref()
                    .is_some_and(|b| concerns(&b.kind, &b.namespace, &b.name))
        })
        // While converging the last few actions tell the story; once converged, one
        // line (what finished it) is enough.
        .take(if differences.is_empty() { 1 } else { 3 })
        .map(cause_line)
        .collect();

    WorkloadView {
        uid: d.metadata.uid.clone(),
        namespace: ns.clone(),
        name: name.clone(),
        hue: owner_hue(name),
        desired,
        current: s.replicas,
        ready: s.ready_replicas,
        updated: s.updated_replicas,
        available: s.available_replicas,
        image: images(&d.spec.template),
        strategy: strategy_text(d),
        revisions,
        conditions: s.conditions.iter().map(condition_view).collect(),
        health,
        rollout,
        differences,
        causes,
    }
}

fn failure_hint(status: &str) -> &'static str {
    match status {
        "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" => {
            "the image cannot be pulled; the kubelet retries with a growing back-off."
        }
        "CrashLoopBackOff" | "Error" => {
            "the container keeps exiting; the kubelet restarts it with a growing back-off."
        }
        "Unknown" => "its node stopped reporting.",
        _ => "see its events for the reason.",
    }
}

fn cause_line(c: &crate::engine::explain::Cause) -> CauseLine {
    CauseLine {
        at: c.at.to_string(),
        actor: c.actor.clone(),
        object: c.object.slash_name(),
        message: c.message.clone(),
    }
}

/// The whole causes log ("Why"), newest first, at most `limit` lines, each with a key
/// unique in the list (the log is a bounded ring, so positions are not stable keys).
pub fn cause_rows(cluster: &Cluster, limit: usize) -> Vec<(String, CauseLine)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    cluster
        .causes()
        .rev()
        .take(limit)
        .map(|c| {
            let base = format!("{}|{}|{}", c.at.0, c.object.slash_name(), c.message);
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            (format!("{base}#{n}"), cause_line(c))
        })
        .collect()
}

/// One row of the event log, in `kubectl get events` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// Event uid, the key.
    pub uid: String,
    /// When it was last seen, as the clock shows it (stable, unlike an age).
    pub last_seen: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    /// Reason (`Scheduled`).
    pub reason: String,
    /// `pod/web-7c9f-x2k4q`.
    pub object: String,
    /// The message, with ` (xN)` when it repeated.
    pub message: String,
}

/// Events oldest first (as kubectl sorts them), filtered by a case-insensitive substring
/// of the object or reason, at most the newest `limit`.
pub fn event_rows(store: &Store, filter: &str, limit: usize) -> Vec<EventRow> {
    let filter = filter.trim().to_ascii_lowercase();
    let mut rows: Vec<(SimTime, u64, EventRow)> = store
        .events
        .values()
        .map(|e| {
            let at = e
                .last_timestamp
                .as_deref()
                .or(e.first_timestamp.as_deref())
                .and_then(SimTime::parse_rfc3339)
                .unwrap_or(SimTime::ZERO);
            let rv = e.metadata.resource_version.parse().unwrap_or(0);
            let object = crate::engine::kubectl::print::event_object_ref(e);
            let message = if e.count > 1 {
                format!("{} (x{})", e.message, e.count)
            } else {
                e.message.clone()
            };
            (
                at,
                rv,
                EventRow {
                    uid: format!("{}#{}", e.metadata.uid, e.count),
                    last_seen: at.to_string(),
                    type_: e.type_.to_string(),
                    reason: e.reason.clone(),
                    object,
                    message,
                },
            )
        })
        .filter(|(_, _, r)| {
            filter.is_empty()
                || r.object.to_ascii_lowercase().contains(&filter)
                || r.reason.to_ascii_lowercase().contains(&filter)
        })
        .collect();
    sort::sort_by_key(&mut rows, |r| (r.0, r.1));
    let skip = rows.len().saturating_sub(limit);
    rows.into_iter().skip(skip).map(|(_, _, r)| r).collect()
}

/// Whether every workload has converged and at least one pod exists: what "the cluster
/// has converged" means on the page.
pub fn all_converged(workloads: &[WorkloadView]) -> bool {
    !workloads.is_empty() && workloads.iter().all(|w| w.health == Health::Converged)
}

/// A problem in the editor, placed at its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line (1 when the engine could not place it).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Whether it stops the apply (an error) or is advice (a warning or notice).
    pub error: bool,
    /// The message, in kubectl's wording.
    pub message: String,
    /// The field path, if any.
    pub path: Option<String>,
}

/// Parses and validates editor text as `kubectl apply` would, without applying it:
/// syntax and type errors from the parser, then the API server's validation of each
/// object (defaults applied, compared with the stored object when it exists).
pub fn check_manifest(text: &str, store: &Store) -> Vec<Problem> {
    let parsed = parse_manifests(text);
    let mut diagnostics = parsed.diagnostics.clone();
    for po in &parsed.objects {
        let mut obj = po.object.clone();
        apply_defaults(&mut obj);
        let meta = obj.meta();
        let old = store.get_object(obj.kind_name(), &meta.namespace, &meta.name);
        let errors = validate(&obj, old.as_ref());
        if !errors.is_empty() {
            let mut located = locate_errors(text, po.document, "", &errors);
            // An item of a List is located from its own line when the outline cannot.
            for d in &mut located {
                if d.line.is_none() {
                    d.line = Some(po.line);
                }
            }
            diagnostics.extend(located);
        }
    }
    let mut problems: Vec<Problem> = diagnostics
        .into_iter()
        .map(|d| Problem {
            line: d.line.unwrap_or(1).max(1),
            column: d.column.unwrap_or(1).max(1),
            error: d.severity == Severity::Error,
            message: d.message,
            path: d.path,
        })
        .collect();
    sort::sort_by_key(&mut problems, |p| (p.line, p.column));
    problems.dedup();
    problems
}

/// What an apply would do to one object.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffEntry {
    /// `deployment.apps/web`.
    pub object: String,
    /// `created`, `configured` or `unchanged`.
    pub verb: &'static str,
    /// Changed fields: path, value before, value after.
    pub changes: Vec<(String, String, String)>,
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The desired state before and after applying `text`: for each object, the fields of
/// its spec (and labels) that would change. Objects that do not parse are left out (the
/// editor's problems say why).
pub fn apply_diff(text: &str, cluster: &Cluster) -> Vec<DiffEntry> {
    let store = &cluster.store;
    // An object without a namespace goes where Apply puts it: the current context's.
    let context_ns = cluster.kubeconfig.namespace().unwrap_or("default");
    parse_manifests(text)
        .objects
        .into_iter()
        .map(|po| {
            let mut obj = po.object;
            if obj.info().is_none_or(|k| k.namespaced) && obj.meta().namespace.is_empty() {
                obj.meta_mut().namespace = context_ns.to_string();
            }
            apply_defaults(&mut obj);
            let display = match obj.info() {
                Some(k) => format!("{}/{}", k.qualified(), obj.meta().name),
                None => format!(
                    "{}/{}",
                    obj.kind_name().to_ascii_lowercase(),
                    obj.meta().name
                ),
            };
            let meta = obj.meta();
            let Some(old) = store.get_object(obj.kind_name(), &meta.namespace, &meta.name) else {
                return DiffEntry {
                    object: display,
                    verb: "created",
                    changes: Vec::new(),
                };
            };
            let desired = |o: &Object| {
                let v = o.to_api_value();
                let mut out = BTreeMap::new();
                if let Some(spec) = v.get("spec") {
                    flatten("spec", spec, &mut out);
                }
                if let Some(labels) = v.pointer("/metadata/labels") {
                    flatten("metadata.labels", labels, &mut out);
                }
                out
            };
            let (before, after) = (desired(&old), desired(&obj));
            let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
            let mut changes = Vec::new();
            for k in keys {
                let (b, a) = (before.get(k), after.get(k));
                // A field the manifest leaves out keeps its live value (apply merges), so
                // only fields the manifest writes count as changes.
                if let Some(a) = a {
                    if b != Some(a) {
                        changes.push((
                            k.clone(),
                            b.cloned().unwrap_or_else(|| "(unset)".into()),
                            a.clone(),
                        ));
                    }
                }
            }
            // Fields the server fills in (a Service's clusterIP) are not the user's change.
            changes.retain(|(k, _, _)| {
                !matches!(
                    k.as_str(),
                    "spec.clusterIP" | "spec.clusterIPs[0]" | "spec.replicas"
                ) || k == "spec.replicas"
            });
            DiffEntry {
                object: display,
                verb: if changes.is_empty() {
                    "unchanged"
                } else {
                    "configured"
                },
                changes,
            }
        })
        .collect()
}

/// A piece of YAML with the kind of token it is, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// Plain text and punctuation.
    Plain,
    /// A mapping key.
    Key,
    /// A quoted or plain string value.
    Str,
    /// A number, boolean or null.
    Literal,
    /// A comment.
    Comment,
    /// `---` and `- `.
    Punct,
}

impl Tok {
    /// The CSS class of the token (empty for plain text).
    pub fn css(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Key => "y-key",
            Tok::Str => "y-str",
            Tok::Literal => "y-lit",
            Tok::Comment => "y-com",
            Tok::Punct => "y-punct",
        }
    }
}

/// Splits one line of YAML into highlighted pieces. Approximate on purpose: it colours,
/// the engine's parser judges.
pub fn highlight_line(line: &str) -> Vec<(Tok, String)> {
    let mut out = Vec::new();
    let indent = line.len() - line.trim_start().len();
    if indent > 0 {
        out.push((Tok::Plain, line[..indent].to_string()));
    }
    let mut rest = &line[indent..];
    if rest.starts_with('#') {
        out.push((Tok::Comment, rest.to_string()));
        return out;
    }
    if rest.starts_with("---") || rest.starts_with("...") {
        out.push((Tok::Punct, rest.to_string()));
        return out;
    }
    while let Some(r) = rest.strip_prefix("- ") {
        out.push((Tok::Punct, "- ".into()));
        rest = r;
    }
    if rest == "-" {
        out.push((Tok::Punct, "-".into()));
        return out;
    }
    // A key ends at the first `: ` (or a trailing `:`) outside quotes.
    let key_end = if rest.starts_with('"') || rest.starts_with('\'') {
        None
    } else {
        rest.find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
    };
    if let Some(k) = key_end {
        out.push((Tok::Key, rest[..k].to_string()));
        out.push((Tok::Plain, ":".into()));
        rest = &rest[k + 1..];
        let sp = rest.len() - rest.trim_start().len();
        if sp > 0 {
            out.push((Tok::Plain, rest[..sp].to_string()));
            rest = &rest[sp..];
        }
    }
    if rest.is_empty() {
        return out;
    }
    // A comment after a value starts at ` #`.
    let (value, comment) = match rest.find(" #") {
        Some(i) if !rest.starts_with('"') && !rest.starts_with('\'') => rest.split_at(i),
        _ => (rest, ""),
    };
    let trimmed = value.trim_end();
    let tok = if trimmed.parse::<f64>().is_ok()
        || matches!(
            trimmed,
            "true" | "false" | "null" | "~" | "|" | ">" | "|-" | ">-"
        ) {
        Tok::Literal
    } else if trimmed.starts_with('{') || trimmed.starts_with('[') {
        Tok::Plain
    } else {
        Tok::Str
    };
    out.push((tok, value.to_string()));
    if !comment.is_empty() {
        out.push((Tok::Comment, comment.to_string()));
    }
    out
}

/// Lines of a text as the editor's gutter and highlight layer number them (a trailing
/// newline makes one more, empty line, as the textarea shows it).
pub fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

/// The manifest the page starts with: three nginx replicas and a Service in front.
pub const STARTER_YAML: &str = "\
# Desired state: edit it, then Apply (Ctrl+Enter).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - containerPort: 80
          resources:
            requests:
              cpu: 250m
              memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
";

/// The seed of the first cluster, fixed so every newcomer sees the same pod names.
pub const STARTER_SEED: u64 = 42;

/// Whether a console output is a manifest the editor can take (`-o yaml`, `-o json`,
/// a dry run's object): it starts as kubectl prints objects and reads as objects with
/// no error.
pub fn is_manifest(output: &str) -> bool {
    let t = output.trim_start();
    (t.starts_with("apiVersion:") || t.starts_with('{')) && {
        let parsed = parse_manifests(output);
        !parsed.objects.is_empty()
            && parsed
                .diagnostics
                .iter()
                .all(|d| d.severity != Severity::Error)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn manifests_are_told_from_other_output() {
        let mut c = Cluster::new(1);
        let out = |c: &mut Cluster, line: &str| {
            crate::engine::kubectl::run(c, line, &crate::engine::kubectl::Input::none()).text
        };
        for line in [
            "kubectl create deployment web --image=nginx --dry-run=client -o yaml",
            "kubectl create deployment web --image=nginx --dry-run=client -o json",
            "kubectl get nodes -o yaml",
        ] {
            assert!(is_manifest(&out(&mut c, line)), "{line}");
        }
        for line in [
            "kubectl get nodes",
            "kubectl create deployment web --image=nginx --dry-run=client",
            "kubectl create deployment web --image=nginx --dry-run=client -o name",
        ] {
            assert!(!is_manifest(&out(&mut c, line)), "{line}");
        }
        assert!(!is_manifest("apiVersion: v1\nkind: Pod\nmetadata: [\n"));
    }

    use super::*;
    use crate::engine::kubectl::apply::{apply_text, Mode};

    fn started() -> Cluster {
        let mut c = Cluster::new(STARTER_SEED);
        let out = apply_text(&mut c, STARTER_YAML, "editor.yaml", None, Mode::Apply);
        assert!(out.ok, "{}", out.text);
        c
    }

    #[test]
    fn the_starter_converges_to_three_running_pods_spread_over_nodes() {
        let mut c = started();
        c.settle();
        let v = cluster_view(&c);
        assert_eq!(v.lanes.len(), 3);
        assert_eq!(v.pod_count, 3);
        let chips: Vec<&PodChip> = v.lanes.iter().flat_map(|l| &l.pods).collect();
        assert!(
            chips.iter().all(|p| p.class == StatusClass::Running),
            "{chips:?}"
        );
        assert!(chips
            .iter()
            .all(|p| p.owner.as_deref() == Some("web") && p.revision == 1));
        assert_eq!(v.services.len(), 1);
        assert_eq!(v.services[0].ready_pods.len(), 3);
        let w = workloads(&c);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].health, Health::Converged, "{:?}", w[0].differences);
        assert!(w[0].differences.is_empty());
        assert!(all_converged(&w));
    }

    #[test]
    fn lanes_fill_cpu_and_memory_requests_against_allocatable() {
        let mut c = started();
        c.settle();
        let v = cluster_view(&c);
        let lane = v.lanes.iter().find(|l| !l.pods.is_empty()).unwrap();
        assert_eq!(lane.cpu.text, "0.25 / 4 CPU");
        assert_eq!(lane.cpu.percent, 7);
        assert_eq!(lane.memory.text, "128Mi / 8Gi");
        assert!(lane.ready && !lane.cordoned);
    }

    #[test]
    fn a_fresh_apply_is_explained_while_pods_start() {
        let mut c = started();
        c.advance(500);
        let w = &workloads(&c)[0];
        assert_eq!(w.health, Health::Progressing);
        assert!(
            w.differences
                .iter()
                .any(|d| d.contains("ContainerCreating")),
            "{:?}",
            w.differences
        );
        assert!(!w.causes.is_empty());
    }

    #[test]
    fn the_preview_compares_with_the_current_contexts_namespace() {
        let mut c = started();
        c.settle();
        assert_eq!(apply_diff(STARTER_YAML, &c)[0].verb, "unchanged");
        let run = |c: &mut Cluster, line: &str| {
            crate::engine::kubectl::run(c, line, &crate::engine::kubectl::Input::none())
        };
        assert!(run(&mut c, "kubectl create namespace dev").ok);
        assert!(
            run(
                &mut c,
                "kubectl config set-context --current --namespace=dev"
            )
            .ok
        );
        assert_eq!(
            apply_diff(STARTER_YAML, &c)[0].verb,
            "created",
            "in dev there is no web yet"
        );
    }

    #[test]
    fn a_rollout_shows_two_revisions_and_the_old_pods_in_words() {
        let mut c = started();
        c.settle();
        let yaml = STARTER_YAML.replace("nginx:1.27", "nginx:1.26");
        let diff = apply_diff(&yaml, &c);
        assert_eq!(diff[0].verb, "configured");
        assert_eq!(
            diff[0].changes,
            vec![(
                "spec.template.spec.containers[0].image".to_string(),
                "nginx:1.27".to_string(),
                "nginx:1.26".to_string()
            )]
        );
        assert_eq!(diff[1].verb, "unchanged");
        apply_text(&mut c, &yaml, "editor.yaml", None, Mode::Apply);
        c.advance(1000);
        let w = &workloads(&c)[0];
        assert_eq!(w.revisions[0].revision, 2);
        assert!(w.revisions[0].current);
        assert!(w.revisions.len() >= 2, "{:?}", w.revisions);
        assert!(
            w.differences.iter().any(|d| d.contains("older revisions")),
            "{:?}",
            w.differences
        );
        c.settle();
        assert_eq!(workloads(&c)[0].health, Health::Converged);
    }

    #[test]
    fn a_bad_image_is_degraded_and_says_why() {
        let mut c = started();
        c.settle();
        let yaml = STARTER_YAML.replace("nginx:1.27", "nginx:9.99-typo");
        apply_text(&mut c, &yaml, "editor.yaml", None, Mode::Apply);
        c.advance(20_000);
        let w = &workloads(&c)[0];
        assert_eq!(w.health, Health::Degraded);
        assert!(
            w.differences
                .iter()
                .any(|d| d.contains("image cannot be pulled")),
            "{:?}",
            w.differences
        );
        let chips: Vec<PodChip> = cluster_view(&c)
            .lanes
            .into_iter()
            .flat_map(|l| l.pods)
            .collect();
        assert!(chips.iter().any(|p| p.class == StatusClass::Failed));
    }

    #[test]
    fn problems_are_placed_at_their_line() {
        let c = Cluster::new(1);
        let bad = STARTER_YAML.replace("replicas: 3", "replicas: three");
        let p = check_manifest(&bad, &c.store);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, 9);
        assert!(p[0].error);
        assert_eq!(p[0].path.as_deref(), Some("spec.replicas"), "{p:?}");
        assert!(check_manifest(STARTER_YAML, &c.store).is_empty());
        let invalid = STARTER_YAML.replace("name: web\n  labels", "name: Web_1\n  labels");
        let p = check_manifest(&invalid, &c.store);
        assert!(
            p.iter()
                .any(|p| p.line == 5 && p.path.as_deref() == Some("metadata.name")),
            "{p:?}"
        );
    }

    #[test]
    fn events_are_filtered_and_capped_newest_last() {
        let mut c = started();
        c.settle();
        let all = event_rows(&c.store, "", 1000);
        assert!(all.len() > 10);
        let pods = event_rows(&c.store, "POD/", 1000);
        assert!(pods.iter().all(|e| e.object.starts_with("pod/")));
        let last = event_rows(&c.store, "", 2);
        assert_eq!(last.len(), 2);
        assert_eq!(last[1], all[all.len() - 1]);
    }

    #[test]
    fn yaml_lines_are_split_into_tokens_that_rebuild_the_line() {
        for line in [
            "apiVersion: apps/v1",
            "  replicas: 3 # three",
            "        - name: nginx",
            "---",
            "# comment",
            "  labels:",
            "    - \"quoted: value\"",
        ] {
            let toks = highlight_line(line);
            let joined: String = toks.iter().map(|(_, s)| s.as_str()).collect();
            assert_eq!(joined, line);
        }
        let toks = highlight_line("  replicas: 3 # three");
        assert!(toks.contains(&(Tok::Key, "replicas".into())));
        assert!(toks.contains(&(Tok::Literal, "3".into())));
        assert!(toks.contains(&(Tok::Comment, " # three".into())));
    }

    #[test]
    fn owner_colours_are_stable() {
        assert_eq!(owner_hue("web"), owner_hue("web"));
        assert!(HUES.contains(&owner_hue("api")));
    }

    #[test]
    fn status_classes_follow_kubectl_words() {
        assert_eq!(StatusClass::of("Running", true), StatusClass::Running);
        assert_eq!(StatusClass::of("Running", false), StatusClass::NotReady);
        assert_eq!(
            StatusClass::of("ContainerCreating", false),
            StatusClass::Creating
        );
        assert_eq!(
            StatusClass::of("CrashLoopBackOff", false),
            StatusClass::Failed
        );
        assert_eq!(
            StatusClass::of("Terminating", false),
            StatusClass::Terminating
        );
    }
}
