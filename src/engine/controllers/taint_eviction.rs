//! The taint eviction controller (`taint-eviction-controller`, once the NoExecute taint
//! manager of the node lifecycle controller): a pod bound to a node with a NoExecute
//! taint it does not tolerate is deleted at once; one that tolerates it for
//! `tolerationSeconds` is deleted when that long has passed since the taint appeared;
//! one that tolerates it without a limit stays. Source:
//! `pkg/controller/tainteviction/taint_eviction.go` (`processPodOnNode`,
//! `getMinTolerationTime`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{obj_ref, Ctx};
use crate::engine::explain::ObjRef;
use crate::engine::kinds::{Node, Pod, Taint};
use crate::engine::time::SimTime;

use super::nodelifecycle::UNREACHABLE;

/// When each NoExecute taint was first seen, by `node/key=value:NoExecute`: a taint
/// written without `timeAdded` (as `kubectl taint` writes it) counts from then.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaintEvictionState {
    /// First sight of each NoExecute taint still on its node.
    pub since: BTreeMap<String, SimTime>,
}

fn taint_key(node: &str, t: &Taint) -> String {
    match &t.value {
        Some(v) => format!("{node}/{}={v}:{}", t.key, t.effect),
        None => format!("{node}/{}:{}", t.key, t.effect),
    }
}

/// How long `pod` may stay on a node with `taint`: `Some(0)` not at all, `None` for
/// ever, else the smallest `tolerationSeconds` of the tolerations that match, in ms.
pub fn tolerated_ms(pod: &Pod, taint: &Taint) -> Option<u64> {
    let matching: Vec<_> = pod
        .spec
        .tolerations
        .iter()
        .filter(|t| t.tolerates(taint))
        .collect();
    if matching.is_empty() {
        return Some(0);
    }
    // A toleration without seconds tolerates for ever; the shortest limit wins.
    matching
        .iter()
        .filter_map(|t| t.toleration_seconds)
        .map(|s| s.max(0) as u64 * 1000)
        .min()
}

/// One pass: remember when NoExecute taints appeared, then evict the pods whose
/// toleration ran out.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    let mut live = BTreeSet::new();
    for node in store.nodes.values() {
        for t in node.spec.taints.iter().filter(|t| t.effect == "NoExecute") {
            let key = taint_key(&node.metadata.name, t);
            let added = t.time_added.as_deref().and_then(SimTime::parse_rfc3339);
            let now = ctx.now;
            ctx.state
                .taint_eviction
                .since
                .entry(key.clone())
                .or_insert(added.unwrap_or(now));
            live.insert(key);
        }
    }
    ctx.state
        .taint_eviction
        .since
        .retain(|k, _| live.contains(k));
    for node in store.nodes.values() {
        if node.spec.taints.iter().any(|t| t.effect == "NoExecute") {
            evict_from(ctx, node);
        }
    }
}

fn evict_from(ctx: &mut Ctx, node: &Node) {
    let name = &node.metadata.name;
    let taints: Vec<&Taint> = node
        .spec
        .taints
        .iter()
        .filter(|t| t.effect == "NoExecute")
        .collect();
    let pods = ctx.store.pods.values().filter(|p| {
        p.spec.node_name.as_deref() == Some(name.as_str())
            && !p.metadata.is_deleting()
            && !p.is_terminal()
    });
    for pod in pods {
        // The taint that runs out first decides; a taint tolerated for ever never does.
        let mut due: Option<(SimTime, &Taint, u64)> = None;
        for t in &taints {
            let Some(ms) = tolerated_ms(pod, t) else {
                continue;
            };
            let since = ctx
                .state
                .taint_eviction
                .since
                .get(&taint_key(name, t))
                .copied()
                .unwrap_or(ctx.now);
            let at = since.plus_ms(ms);
            if due.is_none_or(|(d, _, _)| at < d) {
                due = Some((at, t, ms));
            }
        }
        let Some((at, taint, ms)) = due else {
            continue;
        };
        if at > ctx.now {
            ctx.out.wake_at(at);
            continue;
        }
        ctx.out.delete(pod, None);
        ctx.out.event(
            pod,
            "Normal",
            "TaintManagerEviction",
            format!(
                "Marking for deletion Pod {}/{}",
                pod.metadata.namespace, pod.metadata.name
            ),
            "taint-eviction-controller",
        );
        let why = if taint.key == UNREACHABLE {
            format!("Pod {} tolerated the unreachable taint for {}s and no longer does, so it is evicted; its ReplicaSet creates a replacement on a healthy node. It stays Terminating until node {name} comes back.", pod.metadata.name, ms / 1000)
        } else if ms == 0 {
            format!("Pod {} does not tolerate the taint {} on node {name}, and NoExecute taints evict such pods at once; a controller that owns it creates a replacement elsewhere.", pod.metadata.name, taint_key("", taint).trim_start_matches('/'))
        } else {
            format!("Pod {} tolerated the taint {} on node {name} for {}s and no longer does, so it is evicted; a controller that owns it creates a replacement elsewhere.", pod.metadata.name, taint_key("", taint).trim_start_matches('/'), ms / 1000)
        };
        ctx.out.cause(
            "taint-eviction-controller",
            obj_ref(pod),
            Some(ObjRef::new("Node", "", name)),
            why,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::Toleration;

    fn taint(key: &str, value: Option<&str>) -> Taint {
        Taint {
            key: key.into(),
            value: value.map(Into::into),
            effect: "NoExecute".into(),
            time_added: None,
        }
    }

    fn tol(key: &str, op: &str, value: Option<&str>, secs: Option<i64>) -> Toleration {
        Toleration {
            key: Some(key.into()),
            operator: Some(op.into()),
            value: value.map(Into::into),
            effect: Some("NoExecute".into()),
            toleration_seconds: secs,
        }
    }

    #[test]
    fn how_long_a_pod_tolerates_a_taint() {
        let t = taint("dedicated", Some("gpu"));
        for (tolerations, want) in [
            (vec![], Some(0)),
            (vec![tol("dedicated", "Equal", Some("cpu"), None)], Some(0)),
            (vec![tol("dedicated", "Equal", Some("gpu"), None)], None),
            (
                vec![tol("dedicated", "Exists", None, Some(60))],
                Some(60_000),
            ),
            (
                vec![
                    tol("dedicated", "Exists", None, Some(60)),
                    tol("dedicated", "Equal", Some("gpu"), Some(10)),
                ],
                Some(10_000),
            ),
            (
                vec![
                    tol("dedicated", "Exists", None, None),
                    tol("dedicated", "Equal", Some("gpu"), Some(10)),
                ],
                Some(10_000),
            ),
        ] {
            let mut pod = Pod::default();
            pod.spec.tolerations = tolerations.clone();
            assert_eq!(tolerated_ms(&pod, &t), want, "{tolerations:?}");
        }
    }
}
