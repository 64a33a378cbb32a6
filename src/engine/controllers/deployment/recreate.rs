//! The Recreate strategy, after recreate.go: all old pods go before any new one starts.

use super::util::*;
use super::{progress, DeploymentSync};
use crate::engine::kinds::Pod;

/// `rolloutRecreate`.
pub fn rollout_recreate(s: &mut DeploymentSync) {
    s.ensure_new_rs(false);
    let old: Vec<usize> = s.old_indexes();
    let mut scaled = false;
    for &i in &old {
        if s.rss[i].replicas() > 0 {
            let why = format!("Deployment {} uses the Recreate strategy, so old ReplicaSet {} is scaled to 0 before any new pod starts.", s.d.metadata.name, s.rss[i].metadata.name);
            scaled |= s.scale_rs(i, 0, why);
        }
    }
    if scaled {
        progress::sync_status(s);
        return;
    }
    if old_pods_running(s, &old) {
        progress::sync_status(s);
        return;
    }
    if s.new_rs.is_none() {
        s.ensure_new_rs(true);
        progress::sync_status(s);
        return;
    }
    if let Some(n) = s.new_rs {
        let want = s.d.replicas();
        let why = format!(
            "Old pods of {} are gone, so new ReplicaSet {} is scaled to {want}.",
            s.d.metadata.name, s.rss[n].metadata.name
        );
        if s.scale_rs(n, want, why) {
            progress::sync_status(s);
            return;
        }
    }
    let updated = s.new_rs.map_or(0, |i| s.rss[i].status.replicas);
    let replicas: i32 = s.rss.iter().map(|r| r.status.replicas).sum();
    if deployment_complete(
        &s.d,
        updated,
        replicas,
        s.total_available(),
        s.d.metadata.generation,
    ) {
        s.cleanup_deployment();
    }
    progress::sync_status(s);
}

fn old_pods_running(s: &DeploymentSync, old: &[usize]) -> bool {
    if old.iter().any(|i| s.rss[*i].status.replicas > 0) {
        return true;
    }
    let uids: Vec<&str> = old
        .iter()
        .map(|i| s.rss[*i].metadata.uid.as_str())
        .collect();
    s.ctx
        .store
        .list_in::<Pod>(&s.d.metadata.namespace)
        .any(|p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| uids.contains(&r.uid.as_str()))
                && !p.is_terminal()
        })
}
