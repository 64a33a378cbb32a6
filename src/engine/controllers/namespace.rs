//! The namespace controller: a Terminating namespace has everything in it deleted,
//! then the namespace itself goes.

use super::Ctx;
use crate::engine::explain::ObjRef;
use crate::engine::kinds::Namespace;

/// One pass over Terminating namespaces.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    for ns in store
        .namespaces
        .values()
        .filter(|n| n.metadata.is_deleting())
    {
        let name = &ns.metadata.name;
        let contents: Vec<(&str, &crate::engine::meta::ObjectMeta)> = store
            .metas()
            .filter(|(k, m)| m.namespace == *name && *k != "Namespace")
            .collect();
        if contents.is_empty() {
            ctx.out
                .ops
                .push(super::Op::Remove(ObjRef::new("Namespace", "", name)));
            ctx.out.cause(
                "namespace-controller",
                ObjRef::new("Namespace", "", name),
                None,
                format!("Namespace {name} is empty, so it is removed."),
            );
            continue;
        }
        let live: Vec<_> = contents.iter().filter(|(_, m)| !m.is_deleting()).collect();
        if !live.is_empty() {
            ctx.out.cause(
                "namespace-controller",
                ObjRef::new("Namespace", "", name),
                None,
                format!("Namespace {name} is Terminating, so the namespace controller deletes the {} objects in it.", live.len()),
            );
        }
        for (kind, m) in live {
            ctx.out.ops.push(super::Op::Delete(
                ObjRef::new(kind, &m.namespace, &m.name),
                None,
            ));
        }
    }
}

/// Whether objects may be created in namespace `ns` (it exists and is not Terminating).
pub fn accepts_new_objects(ns: Option<&Namespace>) -> Result<(), String> {
    match ns {
        None => Err("NotFound".into()),
        Some(n) if n.metadata.is_deleting() => Err("Terminating".into()),
        Some(_) => Ok(()),
    }
}
