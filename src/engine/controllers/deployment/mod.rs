//! The Deployment controller, after pkg/controller/deployment: `sync_deployment`
//! decides between scaling (`sync`) and rolling out (`rollout_rolling` /
//! `rollout_recreate`); `progress` keeps the conditions.

pub mod progress;
pub mod recreate;
pub mod rolling;
pub mod util;

use super::{obj_ref, Ctx};
use crate::engine::cluster::controller_ref;
use crate::engine::kinds::{Deployment, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus};
use crate::engine::meta::ObjectMeta;
use util::*;

/// One sync's working copy: the Deployment and its ReplicaSets, changed locally as the
/// controller decides, with every change also handed back to the cluster.
pub struct DeploymentSync<'c, 'a> {
    /// Where changes go.
    pub ctx: &'c mut Ctx<'a>,
    /// The Deployment as read.
    pub d: Deployment,
    /// Its ReplicaSets, oldest first.
    pub rss: Vec<ReplicaSet>,
    /// Index of the ReplicaSet whose template matches the Deployment's.
    pub new_rs: Option<usize>,
    /// Whether the new ReplicaSet was created in this sync.
    pub created_new: bool,
}

/// One pass over every Deployment.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    for d in store.deployments.values() {
        sync_deployment(ctx, d);
    }
}

/// `syncDeployment`: decide what this Deployment needs now.
pub fn sync_deployment(ctx: &mut Ctx, d: &Deployment) {
    if d.spec.selector.is_empty() {
        ctx.out.event(
            d,
            "Warning",
            "SelectingAll",
            "This deployment is selecting all pods. A non-empty selector is required.".into(),
            "deployment-controller",
        );
        return;
    }
    let store = ctx.store;
    let mut rss: Vec<ReplicaSet> = Vec::new();
    for rs in store.list_in::<ReplicaSet>(&d.metadata.namespace) {
        match rs.metadata.controller_ref() {
            Some(r) if r.uid == d.metadata.uid => rss.push(rs.clone()),
            None if !rs.metadata.is_deleting() && d.spec.selector.matches(&rs.metadata.labels) => {
                let mut adopted = rs.clone();
                adopted.metadata.owner_references.push(controller_ref(d));
                ctx.out.update(adopted.clone());
                rss.push(adopted);
            }
            _ => {}
        }
    }
    rss.sort_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    let new_rs = rss
        .iter()
        .position(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template));
    let mut s = DeploymentSync {
        ctx,
        d: d.clone(),
        rss,
        new_rs,
        created_new: false,
    };
    if d.metadata.is_deleting() {
        progress::sync_status(&mut s);
        return;
    }
    progress::sync_paused_condition(&mut s);
    if d.spec.paused || is_scaling_event(&s) {
        s.sync_scale();
        return;
    }
    if is_rolling(d) {
        rolling::rollout_rolling(&mut s);
    } else {
        recreate::rollout_recreate(&mut s);
    }
}

fn is_scaling_event(s: &DeploymentSync) -> bool {
    let want = s.d.replicas().to_string();
    let active: Vec<&ReplicaSet> = s.rss.iter().filter(|rs| rs.replicas() > 0).collect();
    // Upstream's `scale` does nothing for a Recreate Deployment with several active
    // ReplicaSets (reachable by switching strategy mid-rollout), so the scaling event
    // would repeat forever. The Recreate rollout resolves that state, so go there.
    if !is_rolling(&s.d) && active.len() > 1 {
        return false;
    }
    active.iter().any(|rs| {
        rs.metadata
            .annotations
            .get(DESIRED_REPLICAS)
            .is_some_and(|v| *v != want)
    })
}

impl DeploymentSync<'_, '_> {
    /// Indexes of ReplicaSets other than the new one.
    pub fn old_indexes(&self) -> Vec<usize> {
        (0..self.rss.len())
            .filter(|i| Some(*i) != self.new_rs)
            .collect()
    }

    /// Sum of `spec.replicas` over all ReplicaSets.
    pub fn total_spec(&self) -> i32 {
        self.rss.iter().map(|r| r.replicas()).sum()
    }

    /// Sum of available pods over all ReplicaSets.
    pub fn total_available(&self) -> i32 {
        self.rss.iter().map(|r| r.status.available_replicas).sum()
    }

    fn max_old_revision(&self) -> i64 {
        self.rss
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != self.new_rs)
            .map(|(_, r)| revision(r))
            .max()
            .unwrap_or(0)
    }

    /// `getNewReplicaSet`: bring the new ReplicaSet's revision up to date, or create it.
    pub fn ensure_new_rs(&mut self, create: bool) -> bool {
        let new_revision = self.max_old_revision() + 1;
        if let Some(i) = self.new_rs {
            let rs = &self.rss[i];
            let mut updated = rs.clone();
            let old = revision(rs);
            if old < new_revision {
                if old > 0 {
                    let hist = updated.metadata.annotations.get(REVISION_HISTORY).cloned();
                    let joined = match hist {
                        Some(h) if !h.is_empty() => format!("{h},{old}"),
                        _ => old.to_string(),
                    };
                    updated
                        .metadata
                        .annotations
                        .insert(REVISION_HISTORY.into(), joined);
                }
                updated
                    .metadata
                    .annotations
                    .insert(REVISION.into(), new_revision.to_string());
            }
            for (k, v) in &self.d.metadata.annotations {
                if !NOT_COPIED.contains(&k.as_str()) {
                    updated.metadata.annotations.insert(k.clone(), v.clone());
                }
            }
            if updated.spec.min_ready_seconds != self.d.spec.min_ready_seconds {
                updated.spec.min_ready_seconds = self.d.spec.min_ready_seconds;
            }
            if updated != *rs {
                if revision(&updated) != old {
                    let name = updated.metadata.name.clone();
                    self.ctx.out.cause("deployment-controller", obj_ref(&updated), Some(obj_ref(&self.d)), format!("Deployment {}'s template matches the existing ReplicaSet {name} again, so it is reused as revision {new_revision} instead of creating a new one.", self.d.metadata.name));
                }
                self.rss[i] = updated.clone();
                self.ctx.out.update(updated);
            }
            self.set_deployment_revision(revision(&self.rss[i]));
            return false;
        }
        if !create {
            return false;
        }
        let d = &self.d;
        let collision = d.status.collision_count;
        let hash = compute_hash(&d.spec.template, collision);
        let name = format!("{}-{hash}", d.metadata.name);
        let mut template = d.spec.template.clone();
        template
            .metadata
            .labels
            .insert(HASH_LABEL.into(), hash.clone());
        let mut selector = d.spec.selector.clone();
        selector
            .match_labels
            .insert(HASH_LABEL.into(), hash.clone());
        let mut labels = template.metadata.labels.clone();
        labels.insert(HASH_LABEL.into(), hash);
        let mut annotations: crate::engine::meta::StringMap = d
            .metadata
            .annotations
            .iter()
            .filter(|(k, _)| !NOT_COPIED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        annotations.insert(REVISION.into(), new_revision.to_string());
        annotations.insert(DESIRED_REPLICAS.into(), d.replicas().to_string());
        annotations.insert(
            MAX_REPLICAS.into(),
            (d.replicas() + max_surge(d)).to_string(),
        );
        let mut rs = ReplicaSet {
            metadata: ObjectMeta {
                name: name.clone(),
                namespace: d.metadata.namespace.clone(),
                labels,
                annotations,
                owner_references: vec![controller_ref(d)],
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: d.spec.min_ready_seconds,
                selector,
                template,
            },
            status: ReplicaSetStatus::default(),
        };
        if self
            .ctx
            .store
            .get::<ReplicaSet>(&d.metadata.namespace, &name)
            .is_some_and(|other| !equal_ignore_hash(&other.spec.template, &d.spec.template))
        {
            // A hash collision: bump collisionCount and retry on the next sync, as upstream does.
            let mut dd = self.d.clone();
            dd.status.collision_count = Some(collision.unwrap_or(0) + 1);
            self.ctx.out.update(dd);
            return false;
        }
        let size = new_rs_new_replicas(&self.d, self.total_spec(), 0);
        rs.spec.replicas = Some(size);
        let d_name = self.d.metadata.name.clone();
        self.ctx.out.create(rs.clone());
        if size > 0 {
            self.ctx.out.event(
                &self.d,
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} to {size}"),
                "deployment-controller",
            );
        }
        let why = if self.rss.is_empty() {
            format!("Deployment {d_name} has no ReplicaSet for its pod template yet, so it creates {name} (revision {new_revision}) with {size} replica{}.", if size == 1 { "" } else { "s" })
        } else if is_rolling(&self.d) {
            format!("Deployment {d_name}'s pod template changed, so it creates ReplicaSet {name} (revision {new_revision}) and starts a rolling update: maxSurge {} allows {} pods in all, so the new ReplicaSet starts at {size}.", max_surge(&self.d), self.d.replicas() + max_surge(&self.d))
        } else {
            format!("Deployment {d_name} uses the Recreate strategy: the old pods are gone, so it creates ReplicaSet {name} (revision {new_revision}) at full size {size}.")
        };
        self.ctx.out.cause(
            "deployment-controller",
            crate::engine::explain::ObjRef::new("ReplicaSet", &self.d.metadata.namespace, &name),
            Some(obj_ref(&self.d)),
            why,
        );
        progress::new_rs_created(self, &name);
        self.rss.push(rs);
        self.new_rs = Some(self.rss.len() - 1);
        self.created_new = true;
        self.set_deployment_revision(new_revision);
        true
    }

    fn set_deployment_revision(&mut self, rev: i64) {
        let r = rev.to_string();
        if self.d.metadata.annotations.get(REVISION) != Some(&r) {
            self.d.metadata.annotations.insert(REVISION.into(), r);
            let mut dd = self
                .ctx
                .store
                .get::<Deployment>(&self.d.metadata.namespace, &self.d.metadata.name)
                .cloned()
                .unwrap_or_else(|| self.d.clone());
            dd.metadata.annotations = self.d.metadata.annotations.clone();
            self.ctx.out.update(dd);
        }
    }

    /// Resizes ReplicaSet `i` to `size`, with the event and a cause in plain words.
    pub fn scale_rs(&mut self, i: usize, size: i32, why: String) -> bool {
        let size = size.max(0);
        let rs = &self.rss[i];
        let old = rs.replicas();
        let desired = self.d.replicas().to_string();
        let max = (self.d.replicas() + max_surge(&self.d)).to_string();
        let annotations_ok = rs.metadata.annotations.get(DESIRED_REPLICAS) == Some(&desired)
            && rs.metadata.annotations.get(MAX_REPLICAS) == Some(&max);
        if old == size && annotations_ok {
            return false;
        }
        let mut updated = rs.clone();
        updated.spec.replicas = Some(size);
        updated
            .metadata
            .annotations
            .insert(DESIRED_REPLICAS.into(), desired);
        updated
            .metadata
            .annotations
            .insert(MAX_REPLICAS.into(), max);
        let name = updated.metadata.name.clone();
        if old != size {
            let dir = if size > old { "up" } else { "down" };
            self.ctx.out.event(
                &self.d,
                "Normal",
                "ScalingReplicaSet",
                format!("Scaled {dir} replica set {name} to {size} from {old}"),
                "deployment-controller",
            );
            self.ctx.out.cause(
                "deployment-controller",
                obj_ref(&updated),
                Some(obj_ref(&self.d)),
                why,
            );
        }
        self.rss[i] = updated.clone();
        self.ctx.out.update(updated);
        old != size
    }

    /// `sync`: scale (proportionally when several ReplicaSets are active), clean up
    /// history when complete, write status. Used while paused and on scaling events.
    pub fn sync_scale(&mut self) {
        self.ensure_new_rs(false);
        self.scale();
        if self.d.spec.paused || self.is_complete_now() {
            self.cleanup_deployment();
        }
        progress::sync_status(self);
    }

    fn is_complete_now(&self) -> bool {
        let updated = self.new_rs.map_or(0, |i| self.rss[i].status.replicas);
        let replicas: i32 = self.rss.iter().map(|r| r.status.replicas).sum();
        deployment_complete(
            &self.d,
            updated,
            replicas,
            self.total_available(),
            self.d.metadata.generation,
        )
    }

    /// `scale`: proportional scaling across active ReplicaSets (`GetProportion`).
    pub fn scale(&mut self) {
        let want = self.d.replicas();
        let active: Vec<usize> = (0..self.rss.len())
            .filter(|i| self.rss[*i].replicas() > 0)
            .collect();
        let d_name = self.d.metadata.name.clone();
        if active.len() <= 1 {
            let target = active
                .first()
                .copied()
                .or(self.new_rs)
                .or(if self.rss.is_empty() {
                    None
                } else {
                    Some(self.rss.len() - 1)
                });
            if let Some(i) = target {
                let why = format!("Deployment {d_name} wants {want} replicas and {} is its only active ReplicaSet, so it is scaled to {want}.", self.rss[i].metadata.name);
                self.scale_rs(i, want, why);
            }
            return;
        }
        if let Some(n) = self.new_rs {
            let new = &self.rss[n];
            if new.replicas() == want && new.status.available_replicas == want {
                for i in self.old_indexes() {
                    if self.rss[i].replicas() > 0 {
                        let why = format!("The new ReplicaSet of {d_name} has all {want} replicas available, so old ReplicaSet {} is scaled to 0.", self.rss[i].metadata.name);
                        self.scale_rs(i, 0, why);
                    }
                }
                return;
            }
        }
        if !is_rolling(&self.d) {
            return;
        }
        let surge = max_surge(&self.d);
        let allowed = if want > 0 { want + surge } else { 0 };
        let to_add = allowed - self.total_spec();
        let mut order = active.clone();
        order.sort_by(|a, b| {
            let (ra, rb) = (&self.rss[*a], &self.rss[*b]);
            rb.replicas().cmp(&ra.replicas()).then_with(|| {
                let by_age = ra
                    .metadata
                    .creation_timestamp
                    .cmp(&rb.metadata.creation_timestamp);
                if to_add > 0 {
                    by_age.reverse()
                } else {
                    by_age
                }
            })
        });
        let mut added = 0;
        let mut sizes: Vec<(usize, i32)> = Vec::new();
        for &i in &order {
            let rs = &self.rss[i];
            let mut size = rs.replicas();
            if to_add != 0 && added != to_add {
                let fraction = {
                    let annotated: i32 = rs
                        .metadata
                        .annotations
                        .get(MAX_REPLICAS)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(self.d.status.replicas);
                    if want == 0 {
                        -rs.replicas()
                    } else if annotated == 0 {
                        0
                    } else {
                        ((rs.replicas() as f64 * (want + surge) as f64) / annotated as f64).round()
                            as i32
                            - rs.replicas()
                    }
                };
                let remaining = to_add - added;
                let p = if to_add > 0 {
                    fraction.min(remaining)
                } else {
                    fraction.max(remaining)
                };
                size += p;
                added += p;
            }
            sizes.push((i, size));
        }
        if let Some(first) = sizes.first_mut() {
            first.1 += to_add - added;
        }
        for (i, size) in sizes {
            let why = format!("Deployment {d_name} was resized to {want} mid-rollout, so its ReplicaSets are scaled in proportion: {} gets {}.", self.rss[i].metadata.name, size.max(0));
            self.scale_rs(i, size, why);
        }
    }

    /// `cleanupDeployment`: delete the oldest unused ReplicaSets beyond revisionHistoryLimit.
    pub fn cleanup_deployment(&mut self) {
        let limit = self.d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
        let mut old: Vec<usize> = self
            .old_indexes()
            .into_iter()
            .filter(|i| !self.rss[*i].metadata.is_deleting())
            .collect();
        if old.len() <= limit {
            return;
        }
        old.sort_by_key(|i| revision(&self.rss[*i]));
        let diff = old.len() - limit;
        for i in old.into_iter().take(diff) {
            let rs = &self.rss[i];
            if rs.replicas() != 0
                || rs.status.replicas != 0
                || rs.metadata.generation > rs.status.observed_generation
            {
                continue;
            }
            self.ctx.out.delete(rs, None);
            self.ctx.out.cause("deployment-controller", obj_ref(rs), Some(obj_ref(&self.d)), format!("Deployment {} keeps {limit} old ReplicaSets (revisionHistoryLimit), so the oldest, {} (revision {}), is deleted.", self.d.metadata.name, rs.metadata.name, revision(rs)));
        }
    }
}
