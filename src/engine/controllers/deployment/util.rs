//! The rollout arithmetic, as free functions after deployment_util.go. Each doc comment
//! carries worked examples; the table tests below repeat Kubernetes' own cases.

use crate::engine::kinds::{Deployment, PodTemplateSpec, ReplicaSet};
use crate::engine::quantity::IntOrString;

/// Label that ties a ReplicaSet and its pods to one pod template.
pub const HASH_LABEL: &str = "pod-template-hash";
/// Revision annotation on Deployments and ReplicaSets.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// Earlier revisions a reused ReplicaSet had.
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// `spec.replicas` of the Deployment when the ReplicaSet was last sized.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// `replicas + maxSurge` when the ReplicaSet was last sized.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// Annotations never copied from a Deployment to its ReplicaSets.
pub const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// Resolves maxSurge (rounded up) and maxUnavailable (rounded down) against `desired`.
/// If both come to zero, unavailable becomes 1 so a rollout can progress.
///
/// - 3 replicas, 25%/25%: surge 1 (0.75 up), unavailable 0 (0.75 down).
/// - 10 replicas, 25%/25%: surge 3, unavailable 2.
/// - 10 replicas, 39%/39%: surge 4, unavailable 3.
/// - 1 replica, 0/0 by rounding (`10%`/`10%`): surge 1, unavailable 0.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = max_surge.unwrap_or(&zero).scaled_value(desired, true)?;
    let unavailable = max_unavailable
        .unwrap_or(&zero)
        .scaled_value(desired, false)?;
    if surge == 0 && unavailable == 0 {
        return Ok((0, 1));
    }
    Ok((surge, unavailable))
}

/// Whether the Deployment rolls (the default) rather than recreates.
pub fn is_rolling(d: &Deployment) -> bool {
    d.spec.strategy.type_.as_deref() != Some("Recreate")
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
    let default = IntOrString::Str("25%".into());
    resolve_fenceposts(
        Some(ru.max_surge.as_ref().unwrap_or(&default)),
        Some(ru.max_unavailable.as_ref().unwrap_or(&default)),
        d.replicas(),
    )
    .unwrap_or((0, 1))
}

/// Pods that may be missing during a rolling update: 0 for Recreate or 0 replicas,
/// else the resolved value capped at `replicas` (10 replicas, 25% -> 2).
pub fn max_unavailable(d: &Deployment) -> i32 {
    if !is_rolling(d) || d.replicas() == 0 {
        return 0;
    }
    fenceposts(d).1.min(d.replicas())
}

/// Pods that may exceed `replicas` during a rolling update: 0 for Recreate
/// (10 replicas, 25% -> 3).
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling(d) {
        return 0;
    }
    fenceposts(d).0
}

/// How big the new ReplicaSet may be now (`NewRSNewReplicas`).
///
/// Rolling, 10 replicas, surge 3: with 10 pods in all (new 0) -> 3; with 13 in all
/// (new 3) -> 3 (no room); with 11 in all (new 3) -> 5. Recreate: always `replicas`.
pub fn new_rs_new_replicas(d: &Deployment, all_spec_total: i32, new_spec: i32) -> i32 {
    if !is_rolling(d) {
        return d.replicas();
    }
    let max_total = d.replicas() + max_surge(d);
    if all_spec_total >= max_total {
        return new_spec;
    }
    let scale_up = (max_total - all_spec_total).min(d.replicas() - new_spec);
    new_spec + scale_up
}

/// `pod-template-hash` of a template: FNV-32a over the template (and the collision
/// count), written in decimal and mapped through Kubernetes' safe alphabet.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut t = template.clone();
    t.metadata.labels.remove(HASH_LABEL);
    let text = serde_json::to_string(&t).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |b: u8| {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    };
    text.bytes().for_each(&mut feed);
    if let Some(c) = collision_count {
        c.to_le_bytes().into_iter().for_each(&mut feed);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|b| ALPHABET[(b % 27) as usize] as char)
        .collect()
}

/// Whether two templates are equal, ignoring the hash label (`EqualIgnoreHash`).
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.metadata.labels.remove(HASH_LABEL);
    b.metadata.labels.remove(HASH_LABEL);
    a == b
}

/// A ReplicaSet's revision number (0 when unset).
pub fn revision(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotations
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Whether the rollout is done: every replica updated and available, status current.
pub fn deployment_complete(
    d: &Deployment,
    updated: i32,
    replicas: i32,
    available: i32,
    observed: Option<i64>,
) -> bool {
    updated == d.replicas()
        && replicas == d.replicas()
        && available == d.replicas()
        && observed >= d.metadata.generation
}

/// How many old pods a rolling update may remove now (`maxScaledDown` in
/// `reconcileOldReplicaSets`): all pods wanted, minus the minimum that must stay
/// available, minus new pods not yet available.
///
/// 10 replicas, maxUnavailable 2, old 10 + new 3 of which 0 available: 13 - 8 - 3 = 2.
pub fn max_scaled_down(
    all_spec: i32,
    replicas: i32,
    max_unavailable: i32,
    new_spec: i32,
    new_available: i32,
) -> i32 {
    all_spec - (replicas - max_unavailable) - (new_spec - new_available)
}

/// `cleanupUnhealthyReplicas` arithmetic: from old ReplicaSets given oldest first as
/// `(spec, available)`, how many unavailable pods each loses, within `max_cleanup`.
///
/// Old `[(2, 0), (2, 2)]` with a budget of 1: `[1, 0]` (only the unhealthy one shrinks).
pub fn unhealthy_cleanup(old: &[(i32, i32)], max_cleanup: i32) -> Vec<i32> {
    let mut total = 0;
    old.iter()
        .map(|&(spec, available)| {
            if total >= max_cleanup || spec == 0 || spec == available {
                return 0;
            }
            let down = (max_cleanup - total).min(spec - available);
            total += down;
            down
        })
        .collect()
}

/// `scaleDownOldReplicaSetsForRollingUpdate` arithmetic: from old ReplicaSets' specs
/// (oldest first), how many pods each loses so that `available` never drops under
/// `min_available`.
///
/// Old `[3, 2]`, 5 available, at least 3: `[2, 0]` (the oldest gives first).
pub fn healthy_scale_down(old_specs: &[i32], available: i32, min_available: i32) -> Vec<i32> {
    let budget = (available - min_available).max(0);
    let mut total = 0;
    old_specs
        .iter()
        .map(|&spec| {
            if total >= budget || spec == 0 {
                return 0;
            }
            let down = spec.min(budget - total);
            total += down;
            down
        })
        .collect()
}

/// The old ReplicaSets' sizes after one `reconcileOldReplicaSets`: unhealthy pods go
/// first, then healthy ones while availability allows. `old` is `(spec, available)`
/// oldest first; `new` is the new ReplicaSet's `(spec, available)`.
pub fn reconcile_old_sizes(
    replicas: i32,
    max_unavailable: i32,
    new: (i32, i32),
    old: &[(i32, i32)],
) -> Vec<i32> {
    let sizes: Vec<i32> = old.iter().map(|o| o.0).collect();
    let all: i32 = new.0 + sizes.iter().sum::<i32>();
    if sizes.iter().sum::<i32>() == 0 {
        return sizes;
    }
    let budget = max_scaled_down(all, replicas, max_unavailable, new.0, new.1);
    if budget <= 0 {
        return sizes;
    }
    let cleaned = unhealthy_cleanup(old, budget);
    let after: Vec<i32> = sizes.iter().zip(&cleaned).map(|(s, c)| s - c).collect();
    let available = new.1 + old.iter().map(|o| o.1).sum::<i32>();
    let down = healthy_scale_down(&after, available, replicas - max_unavailable);
    after.iter().zip(&down).map(|(s, d)| s - d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::{DeploymentStrategy, RollingUpdate};

    fn pct(s: &str) -> IntOrString {
        if let Some(p) = s.strip_suffix('%') {
            IntOrString::Str(format!("{p}%"))
        } else {
            IntOrString::Int(s.parse().unwrap())
        }
    }

    #[test]
    fn resolve_fenceposts_table() {
        struct Case {
            surge: &'static str,
            unavailable: &'static str,
            desired: i32,
            want: (i32, i32),
        }
        let cases = [
            Case {
                surge: "25%",
                unavailable: "25%",
                desired: 3,
                want: (1, 0),
            },
            Case {
                surge: "25%",
                unavailable: "25%",
                desired: 10,
                want: (3, 2),
            },
            Case {
                surge: "39%",
                unavailable: "39%",
                desired: 10,
                want: (4, 3),
            },
            Case {
                surge: "0",
                unavailable: "0",
                desired: 10,
                want: (0, 1),
            },
            Case {
                surge: "10%",
                unavailable: "10%",
                desired: 1,
                want: (1, 0),
            },
            Case {
                surge: "0%",
                unavailable: "10%",
                desired: 5,
                want: (0, 1),
            },
            Case {
                surge: "1",
                unavailable: "0",
                desired: 0,
                want: (1, 0),
            },
            Case {
                surge: "100%",
                unavailable: "50%",
                desired: 3,
                want: (3, 1),
            },
        ];
        for c in cases {
            assert_eq!(
                resolve_fenceposts(Some(&pct(c.surge)), Some(&pct(c.unavailable)), c.desired),
                Ok(c.want),
                "{} {} of {}",
                c.surge,
                c.unavailable,
                c.desired
            );
        }
        assert!(resolve_fenceposts(Some(&IntOrString::Str("x".into())), None, 3).is_err());
    }

    fn deployment(replicas: i32, surge: &str, unavailable: &str) -> Deployment {
        let mut d = Deployment::default();
        d.spec.replicas = Some(replicas);
        d.spec.strategy = DeploymentStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdate {
                max_surge: Some(pct(surge)),
                max_unavailable: Some(pct(unavailable)),
            }),
        };
        d
    }

    #[test]
    fn new_rs_new_replicas_table() {
        struct Case {
            replicas: i32,
            surge: &'static str,
            all: i32,
            new: i32,
            want: i32,
        }
        // From deployment_util_test.go TestNewRSNewReplicas and worked examples.
        let cases = [
            Case {
                replicas: 1,
                surge: "1",
                all: 1,
                new: 0,
                want: 1,
            },
            Case {
                replicas: 10,
                surge: "3",
                all: 10,
                new: 0,
                want: 3,
            },
            Case {
                replicas: 10,
                surge: "3",
                all: 13,
                new: 3,
                want: 3,
            },
            Case {
                replicas: 10,
                surge: "3",
                all: 11,
                new: 3,
                want: 5,
            },
            Case {
                replicas: 3,
                surge: "25%",
                all: 3,
                new: 0,
                want: 1,
            },
            Case {
                replicas: 3,
                surge: "0",
                all: 3,
                new: 0,
                want: 0,
            },
            Case {
                replicas: 5,
                surge: "100%",
                all: 5,
                new: 0,
                want: 5,
            },
        ];
        for c in cases {
            let d = deployment(c.replicas, c.surge, "0");
            assert_eq!(
                new_rs_new_replicas(&d, c.all, c.new),
                c.want,
                "replicas {} surge {} all {} new {}",
                c.replicas,
                c.surge,
                c.all,
                c.new
            );
        }
        let mut recreate = deployment(4, "1", "1");
        recreate.spec.strategy.type_ = Some("Recreate".into());
        assert_eq!(new_rs_new_replicas(&recreate, 8, 0), 4);
        assert_eq!(max_surge(&recreate), 0);
        assert_eq!(max_unavailable(&recreate), 0);
    }

    #[test]
    fn limits_cap_and_default() {
        assert_eq!(max_unavailable(&deployment(10, "25%", "25%")), 2);
        assert_eq!(max_surge(&deployment(10, "25%", "25%")), 3);
        assert_eq!(max_unavailable(&deployment(2, "0", "5")), 2);
        assert_eq!(max_unavailable(&deployment(0, "1", "1")), 0);
        let mut d = Deployment::default();
        d.spec.replicas = Some(4);
        assert_eq!((max_surge(&d), max_unavailable(&d)), (1, 1));
    }

    #[test]
    fn hash_uses_the_safe_alphabet_and_ignores_its_label() {
        let mut t = PodTemplateSpec::default();
        t.metadata.labels.insert("app".into(), "web".into());
        let h = compute_hash(&t, None);
        assert!(
            !h.is_empty() && h.len() <= 10 && h.bytes().all(|b| b"456789bcdf".contains(&b)),
            "{h}"
        );
        let mut labelled = t.clone();
        labelled
            .metadata
            .labels
            .insert(HASH_LABEL.into(), h.clone());
        assert_eq!(compute_hash(&labelled, None), h);
        assert_ne!(compute_hash(&t, Some(1)), h);
        assert!(equal_ignore_hash(&t, &labelled));
    }

    #[test]
    fn reconcile_old_replica_sets_table() {
        struct Case {
            replicas: i32,
            max_unavailable: i32,
            new: (i32, i32),
            old: &'static [(i32, i32)],
            want: &'static [i32],
        }
        // Worked through rolling.go's reconcileOldReplicaSets, cleanupUnhealthyReplicas
        // and scaleDownOldReplicaSetsForRollingUpdate, in the spirit of rolling_test.go.
        let cases = [
            // Surge pods not yet available block nothing: 2 old pods may go.
            Case {
                replicas: 10,
                max_unavailable: 2,
                new: (3, 0),
                old: &[(10, 10)],
                want: &[8],
            },
            // maxUnavailable 0 and the new pod not available: nothing may go.
            Case {
                replicas: 10,
                max_unavailable: 0,
                new: (1, 0),
                old: &[(10, 10)],
                want: &[10],
            },
            // ...once it is available, one old pod may go.
            Case {
                replicas: 10,
                max_unavailable: 0,
                new: (1, 1),
                old: &[(10, 10)],
                want: &[9],
            },
            // Unhealthy old pods go first and cost no availability.
            Case {
                replicas: 4,
                max_unavailable: 1,
                new: (2, 0),
                old: &[(2, 0), (2, 2)],
                want: &[1, 2],
            },
            // Healthy pods go from the oldest ReplicaSet first.
            Case {
                replicas: 5,
                max_unavailable: 2,
                new: (0, 0),
                old: &[(3, 3), (2, 2)],
                want: &[1, 2],
            },
            // Nothing old left: nothing to do.
            Case {
                replicas: 3,
                max_unavailable: 1,
                new: (3, 3),
                old: &[(0, 0)],
                want: &[0],
            },
            // Everything unavailable: the budget bounds the cleanup.
            Case {
                replicas: 3,
                max_unavailable: 0,
                new: (1, 0),
                old: &[(3, 0)],
                want: &[3],
            },
        ];
        for c in cases {
            assert_eq!(
                reconcile_old_sizes(c.replicas, c.max_unavailable, c.new, c.old),
                c.want,
                "replicas {} maxUnavailable {} new {:?} old {:?}",
                c.replicas,
                c.max_unavailable,
                c.new,
                c.old
            );
        }
        assert_eq!(unhealthy_cleanup(&[(2, 0), (2, 2)], 1), vec![1, 0]);
        assert_eq!(healthy_scale_down(&[3, 2], 5, 3), vec![2, 0]);
        assert_eq!(max_scaled_down(13, 10, 2, 3, 0), 2);
    }
}
