//! The node lifecycle controller: a node whose kubelet stops reporting goes NotReady
//! (Unknown) after the grace period, gets the unreachable taints, and its pods turn
//! not ready. The taint eviction controller (`taint_eviction.rs`) evicts them after
//! their tolerationSeconds (300 s by default) so their controllers replace them.

use super::Ctx;
use crate::engine::explain::ObjRef;
use crate::engine::kinds::{Condition, Node, Pod, Taint};
use crate::engine::time::SimTime;

/// How long a node may miss heartbeats before it is marked unknown (`node-monitor-grace-period`).
pub const GRACE_MS: u64 = 40_000;
/// The taint key of an unreachable node.
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";

/// One pass over every node.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    for node in store.nodes.values() {
        let name = &node.metadata.name;
        let down_since = ctx.state.kubelet.down_since.get(name).copied();
        match down_since {
            Some(since) if ctx.now >= since.plus_ms(GRACE_MS) => mark_unreachable(ctx, node, since),
            Some(since) => ctx.out.wake_at(since.plus_ms(GRACE_MS)),
            None => mark_reachable(ctx, node),
        }
    }
}

fn mark_unreachable(ctx: &mut Ctx, node: &Node, since: SimTime) {
    let name = node.metadata.name.clone();
    let tainted_at = since.plus_ms(GRACE_MS);
    if node.is_ready() {
        let mut n = node.clone();
        for c in &mut n.status.conditions {
            c.status = "Unknown".into();
            c.reason = Some("NodeStatusUnknown".into());
            c.message = Some("Kubelet stopped posting node status.".into());
            c.last_transition_time = Some(tainted_at.rfc3339());
        }
        n.spec.taints.retain(|t| t.key != UNREACHABLE);
        for effect in ["NoSchedule", "NoExecute"] {
            n.spec.taints.push(Taint {
                key: UNREACHABLE.into(),
                value: None,
                effect: effect.into(),
                time_added: Some(tainted_at.rfc3339()),
            });
        }
        ctx.out.update(n);
        ctx.out.node_event(
            &name,
            "Normal",
            "NodeNotReady",
            &format!("Node {name} status is now: NodeNotReady"),
            "node-controller",
        );
        ctx.out.cause("node-controller", ObjRef::new("Node", "", &name), None, format!("Node {name} stopped sending heartbeats {}s ago, so it is marked NotReady and tainted {UNREACHABLE}: no new pods go there, and its pods are evicted once they stop tolerating the taint (300s by default).", GRACE_MS / 1000));
    }
    let pods: Vec<&Pod> = ctx
        .store
        .pods
        .values()
        .filter(|p| p.spec.node_name.as_deref() == Some(name.as_str()))
        .collect();
    for pod in pods {
        if pod.is_ready() {
            let mut p = pod.clone();
            for c in &mut p.status.conditions {
                if c.type_ == "Ready" || c.type_ == "ContainersReady" {
                    c.status = "False".into();
                    c.reason = None;
                    c.last_transition_time = Some(ctx.now.rfc3339());
                }
            }
            for cs in &mut p.status.container_statuses {
                cs.ready = false;
            }
            ctx.out.update(p);
            ctx.out.event(
                pod,
                "Warning",
                "NodeNotReady",
                "Node is not ready".into(),
                "node-controller",
            );
        }
    }
    // Eviction once the pods stop tolerating the taint is the taint eviction
    // controller's (taint_eviction.rs), as for any NoExecute taint.
}

fn mark_reachable(ctx: &mut Ctx, node: &Node) {
    if node.is_ready() || node.status.conditions.iter().all(|c| c.type_ != "Ready") {
        return;
    }
    let name = node.metadata.name.clone();
    let now = ctx.now.rfc3339();
    let mut n = node.clone();
    n.spec.taints.retain(|t| t.key != UNREACHABLE);
    n.status.conditions = vec![
        cond(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
            &now,
        ),
        cond(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
            &now,
        ),
        cond(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
            &now,
        ),
        cond(
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
            &now,
        ),
    ];
    ctx.out.update(n);
    ctx.out.node_event(
        &name,
        "Normal",
        "NodeReady",
        &format!("Node {name} status is now: NodeReady"),
        "kubelet",
    );
    ctx.out.cause("node-controller", ObjRef::new("Node", "", &name), None, format!("Node {name}'s kubelet reports again, so the node is Ready and untainted; pods that were Terminating there finish now."));
}

fn cond(
    type_: &'static str,
    status: &'static str,
    reason: &str,
    message: &str,
    now: &str,
) -> Condition {
    Condition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_transition_time: Some(now.into()),
        last_heartbeat_time: Some(now.into()),
        ..Default::default()
    }
}
