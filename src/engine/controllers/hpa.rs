//! The HorizontalPodAutoscaler (autoscaling/v2, CPU utilization), after
//! replica_calculator.go and horizontal.go: every 15 s, desired =
//! ceil(ready × utilization / target) outside a 10% tolerance, scale-up limited to
//! max(double, +4) per period, scale-down stabilized over 5 minutes.

use super::{obj_ref, Ctx};
use crate::engine::kinds::{Condition, Deployment, HorizontalPodAutoscaler, Pod};
use crate::engine::meta::LabelSelector;
use crate::engine::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How often each HPA is evaluated.
pub const SYNC_PERIOD_MS: u64 = 15_000;
/// Ratios within this distance of 1 change nothing.
pub const TOLERANCE: f64 = 0.1;
/// Scale-down uses the highest recommendation of this window.
pub const DOWNSCALE_WINDOW_MS: u64 = 300_000;

/// A simulated CPU demand on a set of pods, in millicores in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Load {
    /// Namespace of the pods.
    pub namespace: String,
    /// Which pods share it.
    pub selector: LabelSelector,
    /// Total demand, spread evenly over the ready pods.
    pub millicores: i64,
}

/// Loads and each HPA's memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HpaState {
    /// Loads by target (`ns/name`).
    pub loads: BTreeMap<String, Load>,
    /// Last evaluation of each HPA (`ns/name`).
    pub last_sync: BTreeMap<String, SimTime>,
    /// Recent recommendations of each HPA, for scale-down stabilization.
    pub recommendations: BTreeMap<String, Vec<(SimTime, i32)>>,
}

/// CPU use of one pod under the current loads, in millicores.
pub fn pod_usage(loads: &BTreeMap<String, Load>, pods: &[&Pod], pod: &Pod) -> i64 {
    let mut total = 0;
    for l in loads.values() {
        if l.namespace != pod.metadata.namespace || !l.selector.matches(&pod.metadata.labels) {
            continue;
        }
        let sharing = pods
            .iter()
            .filter(|p| p.is_ready() && l.selector.matches(&p.metadata.labels))
            .count()
            .max(1);
        total += l.millicores / sharing as i64;
    }
    total
}

/// The CPU utilization target of an HPA, in percent (default 80).
pub fn target_utilization(h: &HorizontalPodAutoscaler) -> i32 {
    if let Some(t) = h.spec.target_cpu_utilization_percentage {
        return t;
    }
    h.spec
        .metrics
        .iter()
        .find(|m| m.pointer("/resource/name").and_then(|v| v.as_str()) == Some("cpu"))
        .and_then(|m| {
            m.pointer("/resource/target/averageUtilization")
                .and_then(|v| v.as_i64())
        })
        .unwrap_or(80) as i32
}

/// Replicas wanted for `utilization` against `target` with `ready` pods
/// (`ceil(ready × utilization / target)`, unchanged within the tolerance).
///
/// 4 ready at 120% for 60% -> 8; 4 at 62% for 60% -> 4 (within 10%); 5 at 20% for 80% -> 2.
pub fn desired_replicas(current: i32, ready: i32, utilization: i64, target: i32) -> i32 {
    let ratio = utilization as f64 / target.max(1) as f64;
    if (ratio - 1.0).abs() <= TOLERANCE {
        return current;
    }
    (ratio * ready as f64).ceil() as i32
}

/// One pass over every HPA whose period is due.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    for h in store.hpas.values() {
        let key = format!("{}/{}", h.metadata.namespace, h.metadata.name);
        let due = ctx
            .state
            .hpa
            .last_sync
            .get(&key)
            .map_or(ctx.now, |t| t.plus_ms(SYNC_PERIOD_MS));
        if due > ctx.now {
            ctx.out.wake_at(due);
            continue;
        }
        ctx.state.hpa.last_sync.insert(key.clone(), ctx.now);
        ctx.out.wake_at(ctx.now.plus_ms(SYNC_PERIOD_MS));
        sync_hpa(ctx, h, &key);
    }
}

fn cond(type_: &'static str, status: &'static str, reason: &str, message: &str) -> Condition {
    Condition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        ..Default::default()
    }
}

fn sync_hpa(ctx: &mut Ctx, h: &HorizontalPodAutoscaler, key: &str) {
    let now = ctx.now;
    let ns = &h.metadata.namespace;
    let target_ref = &h.spec.scale_target_ref;
    let mut hh = h.clone();
    let Some(d) = ctx
        .store
        .get::<Deployment>(ns, &target_ref.name)
        .filter(|_| target_ref.kind == "Deployment")
    else {
        let msg = format!("the HPA controller was unable to get the target's current scale: deployments/scale.apps \"{}\" not found", target_ref.name);
        hh.status.conditions = vec![cond("AbleToScale", "False", "FailedGetScale", &msg)];
        write(ctx, h, hh, now);
        ctx.out.event(
            h,
            "Warning",
            "FailedGetScale",
            format!("deployments/scale.apps \"{}\" not found", target_ref.name),
            "horizontal-pod-autoscaler",
        );
        return;
    };
    let pods: Vec<&Pod> = ctx
        .store
        .list_in::<Pod>(ns)
        .filter(|p| p.is_active() && d.spec.selector.matches(&p.metadata.labels))
        .collect();
    let current = d.replicas();
    hh.status.current_replicas = pods.len() as i32;
    if let Some(p) = pods.iter().find(|p| p.request_millis("cpu") == 0) {
        let c = p.spec.containers.first().map_or("", |c| c.name.as_str());
        let msg = format!("the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container {c} of Pod {}", p.metadata.name);
        hh.status.conditions = vec![
            cond(
                "AbleToScale",
                "True",
                "SucceededGetScale",
                "the HPA controller was able to get the target's current scale",
            ),
            cond("ScalingActive", "False", "FailedGetResourceMetric", &msg),
        ];
        write(ctx, h, hh, now);
        ctx.out.event(
            h,
            "Warning",
            "FailedGetResourceMetric",
            format!(
                "failed to get cpu utilization: missing request for cpu in container {c} of Pod {}",
                p.metadata.name
            ),
            "horizontal-pod-autoscaler",
        );
        return;
    }
    let ready: Vec<&&Pod> = pods.iter().filter(|p| p.is_ready()).collect();
    let target = target_utilization(h);
    if ready.is_empty() {
        write(ctx, h, hh, now);
        return;
    }
    let usage: i64 = ready
        .iter()
        .map(|p| pod_usage(&ctx.state.hpa.loads, &pods, p))
        .sum();
    let requests: i64 = ready.iter().map(|p| p.request_millis("cpu")).sum();
    let utilization = 100 * usage / requests.max(1);
    let mut desired = desired_replicas(current, ready.len() as i32, utilization, target);
    if desired > current && ready.len() < pods.len() {
        // Unready pods count as using nothing when scaling up.
        let all_requests: i64 = pods.iter().map(|p| p.request_millis("cpu")).sum();
        let adjusted = 100 * usage / all_requests.max(1);
        let ratio = adjusted as f64 / target as f64;
        if (ratio - 1.0).abs() <= TOLERANCE || ratio < 1.0 {
            desired = current;
        } else {
            desired = (ratio * pods.len() as f64).ceil() as i32;
        }
    }
    let recs = ctx
        .state
        .hpa
        .recommendations
        .entry(key.to_string())
        .or_default();
    recs.retain(|(t, _)| now.since(*t) <= DOWNSCALE_WINDOW_MS);
    recs.push((now, desired));
    if desired < current {
        desired = recs
            .iter()
            .map(|(_, r)| *r)
            .max()
            .unwrap_or(desired)
            .min(current);
    }
    if desired > current {
        desired = desired.min((current * 2).max(current + 4));
    }
    let min = h.spec.min_replicas.unwrap_or(1);
    let max = h.spec.max_replicas.max(min);
    let limited = if desired > max {
        desired = max;
        Some((
            "TooManyReplicas",
            "the desired replica count is more than the maximum replica count",
        ))
    } else if desired < min {
        desired = min;
        Some((
            "TooFewReplicas",
            "the desired replica count is less than the minimum replica count",
        ))
    } else {
        None
    };
    hh.status.desired_replicas = desired;
    hh.status.current_metrics = vec![serde_json::json!({
        "type": "Resource",
        "resource": { "name": "cpu", "current": { "averageUtilization": utilization, "averageValue": format!("{}m", usage / ready.len() as i64) } }
    })];
    hh.status.conditions = vec![
        cond("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"),
        cond("ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"),
        match limited {
            Some((reason, msg)) => cond("ScalingLimited", "True", reason, msg),
            None => cond("ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range"),
        },
    ];
    if desired != current {
        let mut dd = d.clone();
        dd.spec.replicas = Some(desired);
        ctx.out.update(dd.clone());
        hh.status.last_scale_time = Some(now.rfc3339());
        let reason = if desired > current {
            "cpu resource utilization (percentage of request) above target"
        } else {
            "All metrics below target"
        };
        ctx.out.event(
            h,
            "Normal",
            "SuccessfulRescale",
            format!("New size: {desired}; reason: {reason}"),
            "horizontal-pod-autoscaler",
        );
        let why = if desired > current {
            format!("HPA {} sees {utilization}% CPU against a {target}% target on {} ready pods, so it scales Deployment {} from {current} to {desired} (ceil({} × {utilization} / {target}), at most double or +4 per 15s, max {max}).", h.metadata.name, ready.len(), d.metadata.name, ready.len())
        } else {
            format!("HPA {} sees {utilization}% CPU against a {target}% target; the highest recommendation of the last 5 minutes is {desired}, so it scales Deployment {} down from {current} to {desired}.", h.metadata.name, d.metadata.name)
        };
        ctx.out.cause(
            "horizontal-pod-autoscaler",
            obj_ref(&dd),
            Some(obj_ref(h)),
            why,
        );
    }
    write(ctx, h, hh, now);
}

fn write(
    ctx: &mut Ctx,
    old: &HorizontalPodAutoscaler,
    mut new: HorizontalPodAutoscaler,
    now: SimTime,
) {
    for c in &mut new.status.conditions {
        let prev = old
            .status
            .conditions
            .iter()
            .find(|o| o.type_ == c.type_ && o.status == c.status);
        c.last_transition_time = Some(
            prev.and_then(|p| p.last_transition_time.clone())
                .unwrap_or_else(|| now.rfc3339()),
        );
    }
    if new != *old {
        ctx.out.update(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desired_replicas_table() {
        struct Case {
            current: i32,
            ready: i32,
            utilization: i64,
            target: i32,
            want: i32,
        }
        let cases = [
            Case {
                current: 4,
                ready: 4,
                utilization: 120,
                target: 60,
                want: 8,
            },
            Case {
                current: 4,
                ready: 4,
                utilization: 62,
                target: 60,
                want: 4,
            },
            Case {
                current: 4,
                ready: 4,
                utilization: 54,
                target: 60,
                want: 4,
            },
            Case {
                current: 5,
                ready: 5,
                utilization: 20,
                target: 80,
                want: 2,
            },
            Case {
                current: 3,
                ready: 3,
                utilization: 100,
                target: 50,
                want: 6,
            },
            Case {
                current: 1,
                ready: 1,
                utilization: 95,
                target: 80,
                want: 2,
            },
        ];
        for c in cases {
            assert_eq!(
                desired_replicas(c.current, c.ready, c.utilization, c.target),
                c.want,
                "{} ready at {}% for {}%",
                c.ready,
                c.utilization,
                c.target
            );
        }
    }
}
