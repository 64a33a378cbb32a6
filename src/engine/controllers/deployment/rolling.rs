//! The rolling update, after rolling.go: grow the new ReplicaSet within maxSurge,
//! shrink old ones within maxUnavailable, unhealthy ones first.

use super::util::*;
use super::{progress, DeploymentSync};

/// `rolloutRolling`.
pub fn rollout_rolling(s: &mut DeploymentSync) {
    if s.ensure_new_rs(true) {
        progress::sync_status(s);
        return;
    }
    if reconcile_new_replica_set(s) {
        progress::sync_status(s);
        return;
    }
    if reconcile_old_replica_sets(s) {
        progress::sync_status(s);
        return;
    }
    let complete = {
        let updated = s.new_rs.map_or(0, |i| s.rss[i].status.replicas);
        let replicas: i32 = s.rss.iter().map(|r| r.status.replicas).sum();
        deployment_complete(
            &s.d,
            updated,
            replicas,
            s.total_available(),
            s.d.metadata.generation,
        )
    };
    if complete {
        s.cleanup_deployment();
    }
    progress::sync_status(s);
}

/// `reconcileNewReplicaSet`: scale the new ReplicaSet up within maxSurge (or down to
/// `replicas` if it is larger).
pub fn reconcile_new_replica_set(s: &mut DeploymentSync) -> bool {
    let Some(n) = s.new_rs else { return false };
    let want = s.d.replicas();
    let cur = s.rss[n].replicas();
    let name = s.rss[n].metadata.name.clone();
    if cur == want {
        return s.scale_rs(n, want, String::new());
    }
    if cur > want {
        let why = format!("New ReplicaSet {name} has {cur} replicas but the Deployment wants {want}, so it is scaled down to {want}.");
        return s.scale_rs(n, want, why);
    }
    let size = new_rs_new_replicas(&s.d, s.total_spec(), cur);
    let surge = max_surge(&s.d);
    let why = format!(
        "Rolling update of {}: maxSurge {surge} allows {} pods in all and there are {}, so new ReplicaSet {name} grows from {cur} to {size}.",
        s.d.metadata.name,
        want + surge,
        s.total_spec()
    );
    s.scale_rs(n, size, why)
}

/// `reconcileOldReplicaSets`: shrink old ReplicaSets as far as maxUnavailable allows.
pub fn reconcile_old_replica_sets(s: &mut DeploymentSync) -> bool {
    let old: Vec<usize> = s
        .old_indexes()
        .into_iter()
        .filter(|i| s.rss[*i].replicas() > 0)
        .collect();
    if old.is_empty() {
        return false;
    }
    let max_unavailable = max_unavailable(&s.d);
    let (new_spec, new_available) = s.new_rs.map_or((0, 0), |n| {
        (s.rss[n].replicas(), s.rss[n].status.available_replicas)
    });
    let budget = max_scaled_down(
        s.total_spec(),
        s.d.replicas(),
        max_unavailable,
        new_spec,
        new_available,
    );
    if budget <= 0 {
        return false;
    }
    let cleaned = cleanup_unhealthy_replicas(s, &old, budget);
    let scaled = scale_down_old_replica_sets_for_rolling_update(s, &old);
    cleaned + scaled > 0
}

/// `cleanupUnhealthyReplicas`: first remove old pods that are not available anyway,
/// oldest ReplicaSet first, up to `max_cleanup` ([`unhealthy_cleanup`]).
pub fn cleanup_unhealthy_replicas(s: &mut DeploymentSync, old: &[usize], max_cleanup: i32) -> i32 {
    let health: Vec<(i32, i32)> = old
        .iter()
        .map(|&i| (s.rss[i].replicas(), s.rss[i].status.available_replicas))
        .collect();
    let downs = unhealthy_cleanup(&health, max_cleanup);
    for ((&i, (spec, available)), down) in old.iter().zip(health).zip(&downs) {
        if *down > 0 {
            let why = format!("Old ReplicaSet {} has {} unavailable pod(s); removing them costs no availability, so it is scaled from {spec} to {}.", s.rss[i].metadata.name, spec - available, spec - down);
            s.scale_rs(i, spec - down, why);
        }
    }
    downs.iter().sum()
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: remove available old pods while at
/// least `replicas - maxUnavailable` stay available, oldest ReplicaSet first
/// ([`healthy_scale_down`]).
pub fn scale_down_old_replica_sets_for_rolling_update(
    s: &mut DeploymentSync,
    old: &[usize],
) -> i32 {
    let max_unavailable = max_unavailable(&s.d);
    let min_available = s.d.replicas() - max_unavailable;
    let available = s.total_available();
    let specs: Vec<i32> = old.iter().map(|&i| s.rss[i].replicas()).collect();
    let downs = healthy_scale_down(&specs, available, min_available);
    for ((&i, spec), down) in old.iter().zip(specs).zip(&downs) {
        if *down > 0 {
            let why = format!(
                "Rolling update of {}: {available} pods are available and maxUnavailable {max_unavailable} requires at least {min_available}, so old ReplicaSet {} shrinks from {spec} to {}.",
                s.d.metadata.name,
                s.rss[i].metadata.name,
                spec - down
            );
            s.scale_rs(i, spec - down, why);
        }
    }
    downs.iter().sum()
}
