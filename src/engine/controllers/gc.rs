//! The garbage collector: background cascading deletion over the graph of
//! ownerReferences. The same graph is what the UI draws.

use super::Ctx;
use crate::engine::explain::ObjRef;
use crate::engine::object::Object;
use crate::engine::store::{ChangeOp, Store};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use std::collections::BTreeMap;

/// Objects as nodes, edges from owner to dependent.
pub struct OwnerGraph {
    /// The graph; node weights are object references, edges point owner -> dependent.
    pub graph: StableDiGraph<ObjRef, ()>,
    /// Node of each uid.
    pub by_uid: BTreeMap<String, NodeIndex>,
    /// Dependents whose owner uids are not in the store.
    pub dangling: Vec<(ObjRef, Vec<String>)>,
}

/// Builds the ownership graph of every object in the store.
pub fn owner_graph(store: &Store) -> OwnerGraph {
    let mut graph = StableDiGraph::new();
    let mut by_uid = BTreeMap::new();
    for (kind, m) in store.metas() {
        if !m.uid.is_empty() && kind != "Event" {
            let idx = graph.add_node(ObjRef::new(kind, &m.namespace, &m.name));
            by_uid.insert(m.uid.clone(), idx);
        }
    }
    let mut dangling = Vec::new();
    for (kind, m) in store.metas() {
        if m.owner_references.is_empty() {
            continue;
        }
        let Some(&me) = by_uid.get(&m.uid) else {
            continue;
        };
        let mut missing = Vec::new();
        for r in &m.owner_references {
            match by_uid.get(&r.uid) {
                Some(&owner) => {
                    graph.add_edge(owner, me, ());
                }
                None => missing.push(format!("{} {}", r.kind, r.name)),
            }
        }
        if missing.len() == m.owner_references.len() {
            dangling.push((ObjRef::new(kind, &m.namespace, &m.name), missing));
        }
    }
    OwnerGraph {
        graph,
        by_uid,
        dangling,
    }
}

/// Deletes objects all of whose owners are gone. Runs only after something was deleted.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    let deleted = store
        .changes_since(ctx.state.gc_seen)
        .any(|c| c.op == ChangeOp::Deleted);
    let rv = store.resource_version();
    if !deleted && ctx.state.gc_seen != 0 {
        ctx.state.gc_seen = rv;
        return;
    }
    ctx.state.gc_seen = rv;
    for (dep, owners) in owner_graph(store).dangling {
        if let Some(obj) = store.get_object(&dep.kind, &dep.namespace, &dep.name) {
            if matches!(&obj, Object::Pod(p) if p.metadata.is_deleting()) {
                continue;
            }
        }
        ctx.out.ops.push(super::Op::Delete(dep.clone(), None));
        ctx.out.cause(
            "garbage-collector",
            dep.clone(),
            None,
            format!(
                "The garbage collector deletes {} {}: its owner {} is gone (background cascading deletion).",
                dep.kind,
                dep.name,
                owners.join(", ")
            ),
        );
    }
}
