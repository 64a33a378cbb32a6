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
    let old_pods: i32 = old.iter().map(|i| s.rss[*i].replicas()).sum();
    if old_pods == 0 {
        return false;
    }
    let all_pods = s.total_spec();
    let max_unavailable = max_unavailable(&s.d);
    let min_available = s.d.replicas() - max_unavailable;
    let new_unavailable = s.new_rs.map_or(0, |n| {
        s.rss[n].replicas() - s.rss[n].status.available_replicas
    });
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    let cleaned = cleanup_unhealthy_replicas(s, &old, max_scaled_down);
    let scaled = scale_down_old_replica_sets_for_rolling_update(s, &old);
    cleaned + scaled > 0
}

/// `cleanupUnhealthyReplicas`: first remove old pods that are not available anyway,
/// oldest ReplicaSet first, up to `max_cleanup`.
pub fn cleanup_unhealthy_replicas(s: &mut DeploymentSync, old: &[usize], max_cleanup: i32) -> i32 {
    let mut total = 0;
    for &i in old {
        if total >= max_cleanup {
            break;
        }
        let rs = &s.rss[i];
        let (spec, available) = (rs.replicas(), rs.status.available_replicas);
        if spec == 0 || spec == available {
            continue;
        }
        let down = (max_cleanup - total).min(spec - available);
        let why = format!("Old ReplicaSet {} has {} unavailable pod(s); removing them costs no availability, so it is scaled from {spec} to {}.", rs.metadata.name, spec - available, spec - down);
        s.scale_rs(i, spec - down, why);
        total += down;
    }
    total
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: remove available old pods while at
/// least `replicas - maxUnavailable` stay available, oldest ReplicaSet first.
pub fn scale_down_old_replica_sets_for_rolling_update(
    s: &mut DeploymentSync,
    old: &[usize],
) -> i32 {
    let max_unavailable = max_unavailable(&s.d);
    let min_available = s.d.replicas() - max_unavailable;
    let available = s.total_available();
    if available <= min_available {
        return 0;
    }
    let to_scale_down = available - min_available;
    let mut total = 0;
    for &i in old {
        if total >= to_scale_down {
            break;
        }
        let rs = &s.rss[i];
        let spec = rs.replicas();
        if spec == 0 {
            continue;
        }
        let down = spec.min(to_scale_down - total);
        let why = format!(
            "Rolling update of {}: {available} pods are available and maxUnavailable {max_unavailable} requires at least {min_available}, so old ReplicaSet {} shrinks from {spec} to {}.",
            s.d.metadata.name,
            rs.metadata.name,
            spec - down
        );
        s.scale_rs(i, spec - down, why);
        total += down;
    }
    total
}
