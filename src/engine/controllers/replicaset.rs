//! The ReplicaSet controller: `sync_replica_set` -> claim pods -> `manage_replicas` ->
//! `calculate_status`, after pkg/controller/replicaset/replica_set.go.

use super::{obj_ref, Ctx};
use crate::engine::cluster::controller_ref;
use crate::engine::kinds::{find_condition, Pod, ReplicaSet};
use crate::engine::meta::ObjectMeta;
use crate::engine::sort;
use crate::engine::store::Store;
use crate::engine::time::SimTime;
use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

/// At most this many pods are created or deleted per sync (`BurstReplicas`).
pub const BURST_REPLICAS: usize = 500;

/// Pods by the uid of their controlling owner, plus the orphans; built once per pass.
pub struct PodIndex<'a> {
    /// Owned pods by owner uid.
    pub by_owner: BTreeMap<&'a str, Vec<&'a Pod>>,
    /// Active pods with no controller.
    pub orphans: Vec<&'a Pod>,
}

impl<'a> PodIndex<'a> {
    /// Indexes every pod in the store.
    pub fn build(store: &'a Store) -> Self {
        let mut by_owner: BTreeMap<&str, Vec<&Pod>> = BTreeMap::new();
        let mut orphans = Vec::new();
        for pod in store.pods.values() {
            match pod.metadata.controller_ref() {
                Some(r) => by_owner.entry(r.uid.as_str()).or_default().push(pod),
                None if pod.is_active() => orphans.push(pod),
                None => {}
            }
        }
        PodIndex { by_owner, orphans }
    }
}

/// One pass over every ReplicaSet.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    let index = PodIndex::build(store);
    for rs in store.replicasets.values() {
        if rs.metadata.is_deleting() {
            continue;
        }
        sync_replica_set(ctx, rs, &index);
    }
}

/// Brings one ReplicaSet's pods to `spec.replicas` and writes its status.
pub fn sync_replica_set(ctx: &mut Ctx, rs: &ReplicaSet, index: &PodIndex) {
    let owned = index
        .by_owner
        .get(rs.metadata.uid.as_str())
        .map_or(&[][..], |v| v.as_slice());
    let mut active: Vec<&Pod> = Vec::with_capacity(owned.len());
    for pod in owned {
        if !rs.spec.selector.matches(&pod.metadata.labels) && pod.is_active() {
            release(ctx, rs, pod);
        } else if pod.is_active() {
            active.push(pod);
        }
    }
    let adopted: Vec<Pod> = index
        .orphans
        .iter()
        .filter(|pod| {
            pod.metadata.namespace == rs.metadata.namespace
                && !rs.spec.selector.is_empty()
                && rs.spec.selector.matches(&pod.metadata.labels)
        })
        .map(|pod| adopt(ctx, rs, pod))
        .collect();
    active.extend(adopted.iter());
    manage_replicas(ctx, rs, &active);
    calculate_status(ctx, rs, &active);
}

fn adopt(ctx: &mut Ctx, rs: &ReplicaSet, pod: &Pod) -> Pod {
    let mut adopted = pod.clone();
    adopted.metadata.owner_references.push(controller_ref(rs));
    ctx.out.update(adopted.clone());
    ctx.out.cause(
        "replicaset-controller",
        obj_ref(pod),
        Some(obj_ref(rs)),
        format!(
            "ReplicaSet {} adopts pod {}: it had no owner and its labels match the selector {}.",
            rs.metadata.name,
            pod.metadata.name,
            rs.spec.selector.to_selector_string()
        ),
    );
    adopted
}

fn release(ctx: &mut Ctx, rs: &ReplicaSet, pod: &Pod) {
    let mut released = pod.clone();
    released
        .metadata
        .owner_references
        .retain(|r| r.uid != rs.metadata.uid);
    ctx.out.update(released);
    ctx.out.cause(
        "replicaset-controller",
        obj_ref(pod),
        Some(obj_ref(rs)),
        format!(
            "ReplicaSet {} releases pod {}: its labels no longer match the selector {}, so it is no longer counted.",
            rs.metadata.name,
            pod.metadata.name,
            rs.spec.selector.to_selector_string()
        ),
    );
}

/// Creates or deletes pods so the active count moves toward `spec.replicas`.
pub fn manage_replicas(ctx: &mut Ctx, rs: &ReplicaSet, active: &[&Pod]) {
    let want = rs.replicas().max(0) as usize;
    let have = active.len();
    let name = &rs.metadata.name;
    match have.cmp(&want) {
        Ordering::Less => {
            let n = (want - have).min(BURST_REPLICAS);
            // Joined rather than formatted: a scale-up writes this for every pod.
            let wants = [
                "ReplicaSet ",
                name,
                " wants ",
                &want.to_string(),
                " pods and has ",
            ]
            .concat();
            for i in 0..n {
                let pod = pod_from_template(ctx, rs);
                ctx.out.event(
                    rs,
                    "Normal",
                    "SuccessfulCreate",
                    ["Created pod: ", &pod.metadata.name].concat(),
                    "replicaset-controller",
                );
                ctx.out.cause(
                    "replicaset-controller",
                    obj_ref(&pod),
                    Some(obj_ref(rs)),
                    [
                        wants.as_str(),
                        &(have + i).to_string(),
                        ", so it creates ",
                        &pod.metadata.name,
                        ".",
                    ]
                    .concat(),
                );
                ctx.out.create(pod);
            }
        }
        Ordering::Greater => {
            let n = (have - want).min(BURST_REPLICAS);
            let ranked = rank_for_deletion(active, ctx.store, ctx.now);
            for (i, pod) in ranked.into_iter().take(n).enumerate() {
                ctx.out.delete(pod, None);
                ctx.out.event(
                    rs,
                    "Normal",
                    "SuccessfulDelete",
                    format!("Deleted pod: {}", pod.metadata.name),
                    "replicaset-controller",
                );
                ctx.out.cause(
                    "replicaset-controller",
                    obj_ref(pod),
                    Some(obj_ref(rs)),
                    format!(
                        "ReplicaSet {name} wants {want} pods and has {}, so it deletes {} ({}).",
                        have - i,
                        pod.metadata.name,
                        deletion_reason(pod)
                    ),
                );
            }
        }
        Ordering::Equal => {}
    }
}

fn deletion_reason(pod: &Pod) -> &'static str {
    if pod.spec.node_name.is_none() {
        "it is not scheduled yet, so it goes first"
    } else if pod.phase() == "Pending" {
        "it is still pending, so it goes first"
    } else if !pod.is_ready() {
        "it is not ready, so it goes before ready pods"
    } else {
        "among equally healthy pods the newest goes first"
    }
}

fn pod_from_template(ctx: &mut Ctx, rs: &ReplicaSet) -> Pod {
    let t = &rs.spec.template;
    let prefix = [rs.metadata.name.as_str(), "-"].concat();
    let name = ctx.generate_pod_name(&prefix, &rs.metadata.namespace);
    Pod {
        metadata: ObjectMeta {
            name,
            generate_name: Some(prefix),
            namespace: rs.metadata.namespace.clone(),
            labels: t.metadata.labels.clone(),
            annotations: t.metadata.annotations.clone(),
            owner_references: vec![controller_ref(rs)],
            ..Default::default()
        },
        spec: t.spec.clone(),
        status: crate::engine::kinds::PodStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        },
    }
}

fn ready_since(pod: &Pod) -> Option<SimTime> {
    find_condition(&pod.status.conditions, "Ready")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time.as_deref())
        .and_then(SimTime::parse_rfc3339)
}

fn is_available(pod: &Pod, min_ready_secs: i32, now: SimTime) -> bool {
    if min_ready_secs <= 0 {
        return pod.is_ready();
    }
    match ready_since(pod) {
        Some(t) => min_ready_secs <= 0 || t.plus_secs(min_ready_secs as u64) <= now,
        None => false,
    }
}

/// Orders pods for scale-down as `ActivePodsWithRanks.Less` does: unscheduled,
/// pending, not ready, lower deletion cost, doubled-up, recently ready, restarted,
/// newest first.
pub fn rank_for_deletion<'a>(pods: &[&'a Pod], _store: &Store, _now: SimTime) -> Vec<&'a Pod> {
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in pods {
        if let Some(n) = &p.spec.node_name {
            *per_node.entry(n.as_str()).or_default() += 1;
        }
    }
    let phase_rank = |p: &Pod| match p.phase() {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let cost = |p: &Pod| {
        p.metadata
            .annotations
            .get("controller.kubernetes.io/pod-deletion-cost")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let rank = |p: &Pod| {
        p.spec
            .node_name
            .as_deref()
            .and_then(|n| per_node.get(n))
            .copied()
            .unwrap_or(0)
    };
    let created = |p: &Pod| {
        p.metadata
            .creation_timestamp
            .as_deref()
            .and_then(SimTime::parse_rfc3339)
    };
    // Each pod's rank is worked out once (parsing its timestamps and its deletion cost),
    // not once per comparison. The tuple orders as the chain of comparisons upstream:
    // unscheduled < scheduled, pending < unknown < running, not ready < ready, lower
    // deletion cost, more pods on its node, newer ready transition (only ready pods have
    // one, so the others tie there), more restarts, newer, then by name (descending).
    let mut ranked: Vec<_> = pods
        .iter()
        .map(|&p| {
            let key = (
                p.spec.node_name.is_some(),
                phase_rank(p),
                p.is_ready(),
                cost(p),
                Reverse(rank(p)),
                Reverse(ready_since(p)),
                Reverse(p.restarts()),
                Reverse(created(p)),
                Reverse(p.metadata.name.as_str()),
            );
            (key, p)
        })
        .collect();
    sort::sort_by(&mut ranked, |a, b| a.0.cmp(&b.0));
    ranked.into_iter().map(|(_, p)| p).collect()
}

/// Computes status from the active pods and writes it when it changed.
pub fn calculate_status(ctx: &mut Ctx, rs: &ReplicaSet, active: &[&Pod]) {
    let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
    let template_labels = &rs.spec.template.metadata.labels;
    let mut status = rs.status.clone();
    status.replicas = active.len() as i32;
    // One walk over the pods for the three counts (a settled 5,000-pod ReplicaSet is
    // counted on every pass).
    let (mut labeled, mut ready, mut available) = (0, 0, 0);
    for p in active {
        if template_labels
            .iter()
            .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
        {
            labeled += 1;
        }
        if p.is_ready() {
            ready += 1;
            // Ready is available at once without minReadySeconds.
            if min_ready <= 0 || is_available(p, min_ready, ctx.now) {
                available += 1;
            }
        }
    }
    status.fully_labeled_replicas = labeled;
    status.ready_replicas = ready;
    status.available_replicas = available;
    status.observed_generation = rs.metadata.generation;
    if min_ready > 0 {
        // Requeue when the next ready pod becomes available, as the real controller does.
        for p in active {
            if let Some(t) = ready_since(p) {
                let at = t.plus_secs(min_ready as u64);
                if at > ctx.now {
                    ctx.out.wake_at(at);
                }
            }
        }
    }
    if status != rs.status {
        let mut updated = rs.clone();
        updated.status = status;
        ctx.out.update(updated);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::{Condition, ContainerStatus};
    use crate::engine::rng::Rng;

    /// The ranking as a chain of comparisons, worked out afresh for every comparison:
    /// the reference the keyed ranking must order exactly like.
    fn rank_by_comparisons<'a>(pods: &[&'a Pod]) -> Vec<&'a Pod> {
        let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
        for p in pods {
            if let Some(n) = &p.spec.node_name {
                *per_node.entry(n.as_str()).or_default() += 1;
            }
        }
        let phase_rank = |p: &Pod| match p.phase() {
            "Pending" => 0,
            "Unknown" => 1,
            "Running" => 2,
            _ => 3,
        };
        let cost = |p: &Pod| {
            p.metadata
                .annotations
                .get("controller.kubernetes.io/pod-deletion-cost")
                .and_then(|v| v.parse::<i32>().ok())
                .unwrap_or(0)
        };
        let rank = |p: &Pod| {
            p.spec
                .node_name
                .as_deref()
                .and_then(|n| per_node.get(n))
                .copied()
                .unwrap_or(0)
        };
        let created = |p: &Pod| {
            p.metadata
                .creation_timestamp
                .as_deref()
                .and_then(SimTime::parse_rfc3339)
        };
        let mut sorted = pods.to_vec();
        sorted.sort_by(|a, b| {
            (a.spec.node_name.is_some())
                .cmp(&b.spec.node_name.is_some())
                .then(phase_rank(a).cmp(&phase_rank(b)))
                .then(a.is_ready().cmp(&b.is_ready()))
                .then(cost(a).cmp(&cost(b)))
                .then(rank(b).cmp(&rank(a)))
                .then_with(|| {
                    if a.is_ready() && b.is_ready() {
                        ready_since(b).cmp(&ready_since(a))
                    } else {
                        Ordering::Equal
                    }
                })
                .then(b.restarts().cmp(&a.restarts()))
                .then(created(b).cmp(&created(a)))
                .then(b.metadata.name.cmp(&a.metadata.name))
        });
        sorted
    }

    fn random_pod(rng: &mut Rng, i: usize) -> Pod {
        let mut pod = Pod::default();
        pod.metadata.name = format!("web-{}", rng.k8s_suffix(2));
        pod.metadata.namespace = "default".into();
        pod.metadata.uid = i.to_string();
        // Few distinct values, so that ties reach the later comparisons.
        let at = |rng: &mut Rng| SimTime::from_secs(rng.below(4)).rfc3339();
        pod.metadata.creation_timestamp = Some(at(rng));
        if rng.below(3) > 0 {
            pod.spec.node_name = Some(format!("node-{}", rng.below(3)));
        }
        pod.status.phase =
            Some(["Pending", "Running", "Unknown", "Succeeded"][rng.below(4) as usize].into());
        if rng.below(2) == 0 {
            pod.status.conditions.push(Condition {
                type_: "Ready".into(),
                status: if rng.below(3) > 0 { "True" } else { "False" }.into(),
                last_transition_time: Some(at(rng)),
                ..Default::default()
            });
        }
        if rng.below(4) == 0 {
            pod.metadata.annotations.insert(
                "controller.kubernetes.io/pod-deletion-cost".into(),
                ["-1", "5", "x"][rng.below(3) as usize].into(),
            );
        }
        pod.status.container_statuses.push(ContainerStatus {
            restart_count: rng.below(3) as i32,
            ..Default::default()
        });
        pod
    }

    #[test]
    fn pods_are_ranked_for_deletion_as_the_chain_of_comparisons_ranks_them() {
        let mut rng = Rng::new(11);
        for round in 0..200 {
            let pods: Vec<Pod> = (0..1 + round % 40)
                .map(|i| random_pod(&mut rng, i))
                .collect();
            let refs: Vec<&Pod> = pods.iter().collect();
            let names = |ranked: Vec<&Pod>| -> Vec<String> {
                ranked.iter().map(|p| p.metadata.uid.clone()).collect()
            };
            assert_eq!(
                names(rank_for_deletion(&refs, &Store::default(), SimTime(0))),
                names(rank_by_comparisons(&refs)),
                "round {round}"
            );
        }
    }
}
