//! The scheduler: binds pending pods to nodes. Filters (NodeUnschedulable,
//! TaintToleration, NodeAffinity via nodeSelector, NodeResourcesFit), then scores
//! (LeastAllocated, BalancedAllocation, spreading of a controller's pods, and
//! TaintToleration's PreferNoSchedule, weighted 3), ties by name.

use super::{obj_ref, Ctx};
use crate::engine::explain::ObjRef;
use crate::engine::kinds::{Condition, Node, Pod, Taint, Toleration};
use crate::engine::sort;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Requests assumed for scoring when a pod asks for none (100m cpu, 200Mi memory).
pub const DEFAULT_CPU_MILLIS: i64 = 100;
/// See [`DEFAULT_CPU_MILLIS`].
pub const DEFAULT_MEMORY_BYTES: i64 = 200 << 20;

/// What the scheduler remembers: the last failure reported per pod, so a pod that
/// stays unschedulable does not flood the event log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulerState {
    last_failure: BTreeMap<String, String>,
}

/// Requests placed on a node so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Millicores requested.
    pub cpu: i64,
    /// Bytes requested.
    pub memory: i64,
    /// Pods placed.
    pub pods: i64,
    /// Requests with defaults for request-less pods, for scoring.
    pub cpu_nonzero: i64,
    /// See `cpu_nonzero`.
    pub memory_nonzero: i64,
}

/// Requests of every node, from the pods bound to it that still hold resources.
pub fn node_usage<'a>(pods: impl Iterator<Item = &'a Pod>) -> BTreeMap<String, Usage> {
    let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
    for pod in pods {
        if let (Some(node), false) = (&pod.spec.node_name, pod.is_terminal()) {
            usage.entry(node.clone()).or_default().add(pod);
        }
    }
    usage
}

/// A pod's requests summed over its containers: cpu in millicores, memory in bytes.
/// Parsed once per pod and pass, because the filters and scores read them for every node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requests {
    /// Millicores.
    pub cpu: i64,
    /// Bytes.
    pub memory: i64,
}

impl Requests {
    /// The requests of `pod`.
    pub fn of(pod: &Pod) -> Self {
        Requests {
            cpu: pod.request_millis("cpu"),
            memory: pod.request_millis("memory") / 1000,
        }
    }
}

/// What a node offers: cpu in millicores, memory in bytes, and pods. Parsed once per
/// node and pass rather than once per pod and node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allocatable {
    /// Millicores.
    pub cpu: i64,
    /// Bytes.
    pub memory: i64,
    /// Pods.
    pub pods: i64,
}

impl Allocatable {
    /// The allocatable resources of `node`.
    pub fn of(node: &Node) -> Self {
        Allocatable {
            cpu: node.allocatable("cpu"),
            memory: node.allocatable("memory"),
            pods: node.allocatable("pods"),
        }
    }
}

impl Usage {
    fn add(&mut self, pod: &Pod) {
        self.add_requests(Requests::of(pod));
    }

    fn add_requests(&mut self, req: Requests) {
        let (cpu, mem) = (req.cpu, req.memory);
        self.cpu += cpu;
        self.memory += mem;
        self.pods += 1;
        self.cpu_nonzero += if cpu == 0 { DEFAULT_CPU_MILLIS } else { cpu };
        self.memory_nonzero += if mem == 0 { DEFAULT_MEMORY_BYTES } else { mem };
    }
}

/// Whether some toleration of `tolerations` covers `taint`.
pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| t.tolerates(taint))
}

/// Why `node` cannot take `pod`, as the scheduler's reason strings; empty when it fits.
/// `req` and `alloc` are the pod's requests and the node's allocatable resources.
/// Reasons are mostly fixed words, borrowed rather than allocated: every pending pod is
/// filtered against every node on every pass.
pub fn filter(
    pod: &Pod,
    req: Requests,
    node: &Node,
    alloc: Allocatable,
    used: &Usage,
) -> Vec<Cow<'static, str>> {
    let mut reasons = Vec::new();
    if node.spec.unschedulable
        && !tolerated(
            &pod.spec.tolerations,
            &Taint {
                key: "node.kubernetes.io/unschedulable".into(),
                effect: "NoSchedule".into(),
                ..Default::default()
            },
        )
    {
        reasons.push("node(s) were unschedulable".into());
        return reasons;
    }
    if let Some(t) = node.spec.taints.iter().find(|t| {
        (t.effect == "NoSchedule" || t.effect == "NoExecute")
            && !tolerated(&pod.spec.tolerations, t)
    }) {
        reasons.push(
            format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.key,
                t.value.as_deref().unwrap_or("")
            )
            .into(),
        );
        return reasons;
    }
    if !pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| node.metadata.labels.get(k) == Some(v))
    {
        reasons.push("node(s) didn't match Pod's node affinity/selector".into());
        return reasons;
    }
    if used.pods + 1 > alloc.pods {
        reasons.push("Too many pods".into());
    }
    let cpu = req.cpu;
    if cpu > 0 && used.cpu + cpu > alloc.cpu {
        reasons.push("Insufficient cpu".into());
    }
    let mem = req.memory;
    if mem > 0 && used.memory + mem > alloc.memory {
        reasons.push("Insufficient memory".into());
    }
    reasons
}

/// Score of a feasible node, 0..=400: LeastAllocated + BalancedAllocation + 2 x spread.
pub fn score(
    req: Requests,
    alloc: Allocatable,
    used: &Usage,
    same_owner_on_node: usize,
    max_same_owner: usize,
) -> i64 {
    let (cpu, mem) = (req.cpu, req.memory);
    let req_cpu = used.cpu_nonzero + if cpu == 0 { DEFAULT_CPU_MILLIS } else { cpu };
    let req_mem = used.memory_nonzero + if mem == 0 { DEFAULT_MEMORY_BYTES } else { mem };
    let (alloc_cpu, alloc_mem) = (alloc.cpu.max(1), alloc.memory.max(1));
    let free = |req: i64, alloc: i64| ((alloc - req).max(0) * 100) / alloc;
    let least = (free(req_cpu, alloc_cpu) + free(req_mem, alloc_mem)) / 2;
    let f_cpu = req_cpu as f64 / alloc_cpu as f64;
    let f_mem = req_mem as f64 / alloc_mem as f64;
    let balanced = ((1.0 - (f_cpu - f_mem).abs() / 2.0) * 100.0) as i64;
    let spread = ((max_same_owner.saturating_sub(same_owner_on_node)) * 100)
        .checked_div(max_same_owner)
        .map_or(100, |v| v as i64);
    least + balanced + 2 * spread
}

/// The weight of the TaintToleration score plugin in the default scheduler profile.
pub const TAINT_TOLERATION_WEIGHT: i64 = 3;

/// How many PreferNoSchedule taints of `node` the pod does not tolerate (the
/// TaintToleration plugin's raw score).
pub fn intolerable_preferences(pod: &Pod, node: &Node) -> usize {
    node.spec
        .taints
        .iter()
        .filter(|t| t.effect == "PreferNoSchedule" && !tolerated(&pod.spec.tolerations, t))
        .count()
}

/// TaintToleration's normalized score, 0..=100: fewer intolerable PreferNoSchedule
/// taints score higher, relative to the feasible node with the most
/// (`NormalizeScore` with reverse = true).
pub fn taint_toleration_score(intolerable: usize, most: usize) -> i64 {
    if most == 0 {
        return 100;
    }
    100 - (intolerable * 100 / most) as i64
}

/// The FailedScheduling message for per-node reasons, worded as `FitError` prints it.
pub fn fit_error(total_nodes: usize, per_node: &[Vec<Cow<'static, str>>]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut resource_only, mut other) = (0, 0);
    for reasons in per_node {
        for r in reasons {
            *counts.entry(r).or_default() += 1;
        }
        if reasons
            .iter()
            .all(|r| r.starts_with("Insufficient") || r == "Too many pods")
        {
            resource_only += 1;
        } else {
            other += 1;
        }
    }
    let mut parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    sort::sort(&mut parts);
    let mut msg = format!("0/{total_nodes} nodes are available: {}.", parts.join(", "));
    let mut pre: Vec<String> = Vec::new();
    if resource_only > 0 {
        pre.push(format!(
            "{resource_only} No preemption victims found for incoming pod"
        ));
    }
    if other > 0 {
        pre.push(format!("{other} Preemption is not helpful for scheduling"));
    }
    sort::sort(&mut pre);
    if total_nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    msg.push_str(&format!(
        " preemption: 0/{total_nodes} nodes are available: {}.",
        pre.join(", ")
    ));
    msg
}

/// One pass: every pending pod, oldest first, gets a node or a FailedScheduling event.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    let mut pending: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| p.spec.node_name.is_none() && !p.metadata.is_deleting() && !p.is_terminal())
        .filter(|p| {
            p.spec
                .scheduler_name
                .as_deref()
                .is_none_or(|s| s == "default-scheduler")
        })
        .collect();
    if pending.is_empty() {
        ctx.state.scheduler.last_failure.clear();
        return;
    }
    pending.sort_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    let nodes: Vec<&Node> = store.nodes.values().collect();
    let allocatable: Vec<Allocatable> = nodes.iter().map(|n| Allocatable::of(n)).collect();
    let index_of: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.metadata.name.as_str(), i))
        .collect();
    let mut usage: Vec<Usage> = vec![Usage::default(); nodes.len()];
    // Pods of each controller per node (by node index), for spreading replicas.
    let mut owner_on_node: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for p in store.pods.values() {
        let Some(&i) = p.spec.node_name.as_deref().and_then(|n| index_of.get(n)) else {
            continue;
        };
        if !p.is_terminal() {
            usage[i].add(p);
        }
        if let Some(o) = p.metadata.controller_ref() {
            owner_on_node
                .entry(o.uid.as_str())
                .or_insert_with(|| vec![0; nodes.len()])[i] += 1;
        }
    }
    // The last FailedScheduling message and the per-node reasons it words: pods that
    // fail alike (hundreds of replicas that do not fit) share one wording.
    let mut last_fit: Option<(Vec<Vec<Cow<'static, str>>>, String)> = None;
    for pod in pending {
        let owner = pod.metadata.controller_ref().map_or("", |o| o.uid.as_str());
        let counts = owner_on_node
            .entry(owner)
            .or_insert_with(|| vec![0; nodes.len()]);
        let max_same = counts.iter().copied().max().unwrap_or(0);
        let mut feasible: Vec<(usize, i64, usize)> = Vec::new();
        let mut failures = Vec::new();
        let req = Requests::of(pod);
        for (i, node) in nodes.iter().enumerate() {
            let reasons = filter(pod, req, node, allocatable[i], &usage[i]);
            if !reasons.is_empty() {
                failures.push(reasons);
                continue;
            }
            let s = score(req, allocatable[i], &usage[i], counts[i], max_same);
            feasible.push((i, s, intolerable_preferences(pod, node)));
        }
        // TaintToleration's score is normalized over the feasible nodes, so it is
        // added once they are all known; ties go to the first node by name.
        let most = feasible.iter().map(|f| f.2).max().unwrap_or(0);
        let mut best: Option<(i64, usize)> = None;
        for (i, s, prefer) in feasible {
            let s = s + TAINT_TOLERATION_WEIGHT * taint_toleration_score(prefer, most);
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, i));
            }
        }
        match best {
            Some((_, i)) => {
                usage[i].add_requests(req);
                counts[i] += 1;
                let name = nodes[i].metadata.name.clone();
                bind(ctx, pod, &name, nodes.len() - failures.len());
            }
            None => {
                let message = match &last_fit {
                    Some((same, message)) if *same == failures => message.clone(),
                    _ => {
                        let message = fit_error(nodes.len(), &failures);
                        last_fit = Some((failures, message.clone()));
                        message
                    }
                };
                report_failure(ctx, pod, message)
            }
        }
    }
}

fn bind(ctx: &mut Ctx, pod: &Pod, node: &str, feasible: usize) {
    ctx.state.scheduler.last_failure.remove(&pod.metadata.uid);
    ctx.out.bind(pod, node);
    ctx.out.event(
        pod,
        "Normal",
        "Scheduled",
        [
            "Successfully assigned ",
            &pod.metadata.namespace,
            "/",
            &pod.metadata.name,
            " to ",
            node,
        ]
        .concat(),
        "default-scheduler",
    );
    let why = if feasible == 1 {
        format!(
            "The scheduler binds {} to {node}: it is the only node that fits.",
            pod.metadata.name
        )
    } else {
        [
            "The scheduler binds ",
            &pod.metadata.name,
            " to ",
            node,
            ": ",
            &feasible.to_string(),
            " nodes fit and ",
            node,
            " scored best (most room left, fewest pods of the same owner).",
        ]
        .concat()
    };
    ctx.out.cause(
        "default-scheduler",
        obj_ref(pod),
        Some(ObjRef::new("Node", "", node)),
        why,
    );
}

fn report_failure(ctx: &mut Ctx, pod: &Pod, message: String) {
    if ctx.state.scheduler.last_failure.get(&pod.metadata.uid) == Some(&message) {
        return;
    }
    ctx.state
        .scheduler
        .last_failure
        .insert(pod.metadata.uid.clone(), message.clone());
    let mut unschedulable = pod.clone();
    unschedulable
        .status
        .conditions
        .retain(|c| c.type_ != "PodScheduled");
    unschedulable.status.conditions.push(Condition {
        type_: "PodScheduled".into(),
        status: "False".into(),
        reason: Some("Unschedulable".into()),
        message: Some(message.clone()),
        last_transition_time: Some(ctx.now.rfc3339()),
        last_probe_time: Some(serde_json::Value::Null),
        ..Default::default()
    });
    ctx.out.update(unschedulable);
    ctx.out.event(
        pod,
        "Warning",
        "FailedScheduling",
        message.clone(),
        "default-scheduler",
    );
    ctx.out.cause(
        "default-scheduler",
        obj_ref(pod),
        None,
        [
            "The scheduler cannot place ",
            &pod.metadata.name,
            " and leaves it Pending: ",
            &message,
        ]
        .concat(),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn taint_toleration_scores_reverse_the_intolerable_count() {
        for (intolerable, most, want) in
            [(0, 0, 100), (0, 2, 100), (1, 2, 50), (2, 2, 0), (1, 3, 67)]
        {
            assert_eq!(
                taint_toleration_score(intolerable, most),
                want,
                "{intolerable}/{most}"
            );
        }
    }

    use super::*;

    #[test]
    fn fit_errors_read_like_the_scheduler() {
        let cases: &[(usize, Vec<Vec<&str>>, &str)] = &[
            (3, vec![vec!["Insufficient cpu"]; 3], "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."),
            (
                3,
                vec![vec!["Insufficient cpu", "Insufficient memory"], vec!["node(s) were unschedulable"], vec!["Insufficient memory"]],
                "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
            ),
        ];
        for (total, per_node, want) in cases {
            let per_node: Vec<Vec<Cow<'static, str>>> = per_node
                .iter()
                .map(|r| r.iter().map(|s| Cow::Owned(s.to_string())).collect())
                .collect();
            assert_eq!(fit_error(*total, &per_node), *want);
        }
    }
}
