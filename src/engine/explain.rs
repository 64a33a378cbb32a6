//! Causes: for every change a controller makes, which controller acted, on what, and
//! one plain sentence of why. Kept beside the Events; the UI and the lessons read them.

use serde::{Deserialize, Serialize};

use super::time::SimTime;

/// A reference to an object by kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjRef {
    /// Kind name (`ReplicaSet`).
    pub kind: String,
    /// Namespace; empty for cluster-scoped kinds.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl ObjRef {
    /// A reference to `kind` `namespace`/`name`.
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        ObjRef {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// `replicaset/web-7c9f` as kubectl writes object references.
    pub fn slash_name(&self) -> String {
        format!("{}/{}", self.kind.to_ascii_lowercase(), self.name)
    }
}

/// One explained action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    /// When it happened.
    pub at: SimTime,
    /// Who acted (`replicaset-controller`, `default-scheduler`, `kubelet`, `kubectl`).
    pub actor: String,
    /// The object acted on.
    pub object: ObjRef,
    /// The object whose state led to the action (the ReplicaSet that created a pod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because_of: Option<ObjRef>,
    /// One sentence of why.
    pub message: String,
}
