//! Deployment status and conditions (`Available`, `Progressing`), after sync.go and
//! progress.go, including the progress deadline.

use super::util::*;
use super::DeploymentSync;
use crate::engine::kinds::{Condition, Deployment};
use crate::engine::time::SimTime;

fn set_condition(conds: &mut Vec<Condition>, mut c: Condition, now: &str) {
    if let Some(old) = conds.iter().find(|o| o.type_ == c.type_) {
        if old.status == c.status && old.reason == c.reason && old.message == c.message {
            return;
        }
        c.last_transition_time = if old.status == c.status {
            old.last_transition_time.clone()
        } else {
            Some(now.to_string())
        };
    } else {
        c.last_transition_time = Some(now.to_string());
    }
    c.last_update_time = Some(now.to_string());
    conds.retain(|o| o.type_ != c.type_);
    conds.push(c);
    crate::engine::sort::sort_by_key(conds, |c| if c.type_ == "Available" { 0 } else { 1 });
}

fn cond(type_: &'static str, status: &'static str, reason: &str, message: String) -> Condition {
    Condition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        ..Default::default()
    }
}

fn has_deadline(d: &Deployment) -> bool {
    d.spec
        .progress_deadline_seconds
        .is_some_and(|s| s != i32::MAX)
}

/// Records `NewReplicaSetCreated` when the controller makes a new ReplicaSet.
pub fn new_rs_created(s: &mut DeploymentSync, name: &str) {
    if has_deadline(&s.d) {
        let now = s.ctx.now.rfc3339();
        set_condition(
            &mut s.d.status.conditions,
            cond(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                format!("Created new replica set \"{name}\""),
            ),
            &now,
        );
    }
}

/// `DeploymentPaused` / `DeploymentResumed` on the Progressing condition.
pub fn sync_paused_condition(s: &mut DeploymentSync) {
    if !has_deadline(&s.d) {
        return;
    }
    let now = s.ctx.now.rfc3339();
    let current =
        s.d.status
            .conditions
            .iter()
            .find(|c| c.type_ == "Progressing")
            .and_then(|c| c.reason.clone());
    if s.d.spec.paused && current.as_deref() != Some("DeploymentPaused") {
        set_condition(
            &mut s.d.status.conditions,
            cond(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused".into(),
            ),
            &now,
        );
    } else if !s.d.spec.paused && current.as_deref() == Some("DeploymentPaused") {
        set_condition(
            &mut s.d.status.conditions,
            cond(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed".into(),
            ),
            &now,
        );
    }
}

/// `syncRolloutStatus`: compute the status, update conditions, requeue for the deadline.
pub fn sync_status(s: &mut DeploymentSync) {
    let d = s.d.clone();
    let now = s.ctx.now;
    let now_s = now.rfc3339();
    let mut st = d.status.clone();
    st.observed_generation = d.metadata.generation;
    st.replicas = s.rss.iter().map(|r| r.status.replicas).sum();
    st.updated_replicas = s.new_rs.map_or(0, |i| s.rss[i].status.replicas);
    st.ready_replicas = s.rss.iter().map(|r| r.status.ready_replicas).sum();
    st.available_replicas = s.total_available();
    st.unavailable_replicas = (s.total_spec() - st.available_replicas).max(0);
    if st.available_replicas >= d.replicas() - max_unavailable(&d) {
        set_condition(
            &mut st.conditions,
            cond(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            ),
            &now_s,
        );
    } else {
        set_condition(
            &mut st.conditions,
            cond(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            ),
            &now_s,
        );
    }
    if has_deadline(&d) && !d.spec.paused {
        let new_name = s
            .new_rs
            .map(|i| s.rss[i].metadata.name.clone())
            .unwrap_or_default();
        let current = st
            .conditions
            .iter()
            .find(|c| c.type_ == "Progressing")
            .cloned();
        let complete = deployment_complete(
            &d,
            st.updated_replicas,
            st.replicas,
            st.available_replicas,
            st.observed_generation,
        );
        let old_old = d.status.replicas - d.status.updated_replicas;
        let new_old = st.replicas - st.updated_replicas;
        let progressing = st.updated_replicas > d.status.updated_replicas
            || new_old < old_old
            || st.ready_replicas > d.status.ready_replicas
            || st.available_replicas > d.status.available_replicas;
        let reason = current
            .as_ref()
            .and_then(|c| c.reason.clone())
            .unwrap_or_default();
        if complete {
            if reason != "NewReplicaSetAvailable" {
                set_condition(
                    &mut st.conditions,
                    cond(
                        "Progressing",
                        "True",
                        "NewReplicaSetAvailable",
                        format!("ReplicaSet \"{new_name}\" has successfully progressed."),
                    ),
                    &now_s,
                );
            }
        } else if progressing || current.is_none() {
            let mut c = cond(
                "Progressing",
                "True",
                if current.is_none() {
                    "FoundNewReplicaSet"
                } else {
                    "ReplicaSetUpdated"
                },
                if current.is_none() {
                    format!("Found new replica set \"{new_name}\"")
                } else {
                    format!("ReplicaSet \"{new_name}\" is progressing.")
                },
            );
            if current
                .as_ref()
                .is_some_and(|c| c.reason.as_deref() == Some("NewReplicaSetCreated"))
                && !progressing
            {
                c = current.clone().unwrap_or(c);
            }
            // Progress always refreshes lastUpdateTime, which restarts the deadline.
            st.conditions.retain(|x| x.type_ != "Progressing");
            let transition = current
                .as_ref()
                .filter(|x| x.status == "True")
                .and_then(|x| x.last_transition_time.clone())
                .unwrap_or_else(|| now_s.clone());
            c.last_transition_time = Some(transition);
            c.last_update_time = Some(now_s.clone());
            st.conditions.push(c);
        } else if reason != "ProgressDeadlineExceeded" {
            let last = current
                .as_ref()
                .and_then(|c| c.last_update_time.as_deref())
                .and_then(SimTime::parse_rfc3339)
                .unwrap_or(now);
            let deadline =
                last.plus_secs(d.spec.progress_deadline_seconds.unwrap_or(600).max(0) as u64);
            if deadline < now {
                set_condition(
                    &mut st.conditions,
                    cond(
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        format!("ReplicaSet \"{new_name}\" has timed out progressing."),
                    ),
                    &now_s,
                );
                s.ctx.out.cause(
                    "deployment-controller",
                    super::obj_ref(&d),
                    None,
                    format!("Deployment {} made no progress for {}s (progressDeadlineSeconds), so it reports ProgressDeadlineExceeded. The rollout is not stopped; fix the template or roll back.", d.metadata.name, d.spec.progress_deadline_seconds.unwrap_or(600)),
                );
            } else {
                s.ctx.out.wake_at(deadline.plus_secs(1));
            }
        }
    }
    if st != d.status {
        let mut updated = s
            .ctx
            .store
            .get::<Deployment>(&d.metadata.namespace, &d.metadata.name)
            .cloned()
            .unwrap_or(d.clone());
        updated.status = st.clone();
        updated.metadata.annotations = s.d.metadata.annotations.clone();
        s.ctx.out.update(updated);
        s.d.status = st;
    }
}
