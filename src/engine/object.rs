//! Kinds, the `Resource` trait that ties each typed kind to its table, and the
//! `Object` enum used where any kind may appear (apply, get, delete).

use super::kinds::*;
use super::meta::ObjectMeta;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A kind the engine simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// core/v1 Namespace.
    Namespace,
    /// core/v1 Node.
    Node,
    /// core/v1 Pod.
    Pod,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
    /// apps/v1 Deployment.
    Deployment,
    /// core/v1 Service.
    Service,
    /// core/v1 Endpoints.
    Endpoints,
    /// core/v1 Event.
    Event,
    /// autoscaling/v2 HorizontalPodAutoscaler.
    HorizontalPodAutoscaler,
    /// discovery.k8s.io/v1 EndpointSlice.
    EndpointSlice,
}

/// How kubectl names a kind: its API group, plural, singular and short names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// Kind name (`Deployment`).
    pub kind: &'static str,
    /// API group, empty for core.
    pub group: &'static str,
    /// Preferred version.
    pub version: &'static str,
    /// Plural resource (`deployments`).
    pub plural: &'static str,
    /// Short names (`deploy`).
    pub short: &'static [&'static str],
    /// Whether objects live in a namespace.
    pub namespaced: bool,
}

impl KindInfo {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            // Every Event's involved object asks: joined, not `format!`.
            [self.group, "/", self.version].concat()
        }
    }

    /// `deployment.apps` as kubectl prints before `/name`.
    pub fn qualified(&self) -> String {
        let singular = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            singular
        } else {
            format!("{singular}.{}", self.group)
        }
    }

    /// `deployments.apps` as API errors print.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

macro_rules! info {
    ($kind:literal, $group:literal, $version:literal, $plural:literal, [$($short:literal),*], $ns:literal) => {
        KindInfo { kind: $kind, group: $group, version: $version, plural: $plural, short: &[$($short),*], namespaced: $ns }
    };
}

/// Every kind kubeplay knows by name: the simulated ones first, then kinds it stores
/// without simulating (they are accepted with a notice, as `apply` would create them).
pub const KINDS: &[KindInfo] = &[
    info!("Namespace", "", "v1", "namespaces", ["ns"], false),
    info!("Node", "", "v1", "nodes", ["no"], false),
    info!("Pod", "", "v1", "pods", ["po"], true),
    info!("ReplicaSet", "apps", "v1", "replicasets", ["rs"], true),
    info!("Deployment", "apps", "v1", "deployments", ["deploy"], true),
    info!("Service", "", "v1", "services", ["svc"], true),
    info!("Endpoints", "", "v1", "endpoints", ["ep"], true),
    info!("Event", "", "v1", "events", ["ev"], true),
    info!(
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        ["hpa"],
        true
    ),
    info!(
        "EndpointSlice",
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        [],
        true
    ),
    info!("ConfigMap", "", "v1", "configmaps", ["cm"], true),
    info!("Secret", "", "v1", "secrets", [], true),
    info!("ServiceAccount", "", "v1", "serviceaccounts", ["sa"], true),
    info!(
        "PersistentVolume",
        "",
        "v1",
        "persistentvolumes",
        ["pv"],
        false
    ),
    info!(
        "PersistentVolumeClaim",
        "",
        "v1",
        "persistentvolumeclaims",
        ["pvc"],
        true
    ),
    info!(
        "ReplicationController",
        "",
        "v1",
        "replicationcontrollers",
        ["rc"],
        true
    ),
    info!("ResourceQuota", "", "v1", "resourcequotas", ["quota"], true),
    info!("LimitRange", "", "v1", "limitranges", ["limits"], true),
    info!("StatefulSet", "apps", "v1", "statefulsets", ["sts"], true),
    info!("DaemonSet", "apps", "v1", "daemonsets", ["ds"], true),
    info!("Job", "batch", "v1", "jobs", [], true),
    info!("CronJob", "batch", "v1", "cronjobs", ["cj"], true),
    info!(
        "Ingress",
        "networking.k8s.io",
        "v1",
        "ingresses",
        ["ing"],
        true
    ),
    info!(
        "IngressClass",
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        [],
        false
    ),
    info!(
        "NetworkPolicy",
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        ["netpol"],
        true
    ),
    info!(
        "StorageClass",
        "storage.k8s.io",
        "v1",
        "storageclasses",
        ["sc"],
        false
    ),
    info!(
        "PodDisruptionBudget",
        "policy",
        "v1",
        "poddisruptionbudgets",
        ["pdb"],
        true
    ),
    info!("Role", "rbac.authorization.k8s.io", "v1", "roles", [], true),
    info!(
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        [],
        true
    ),
    info!(
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        [],
        false
    ),
    info!(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        [],
        false
    ),
];

/// Looks up a kind by its `kind:` name.
pub fn kind_info(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// Resolves what a user typed after `kubectl get` (`po`, `pods`, `pod`, `deployment.apps`).
pub fn resolve_resource(name: &str) -> Option<&'static KindInfo> {
    let lower = name.to_ascii_lowercase();
    let base = lower.split('.').next().unwrap_or("");
    KINDS.iter().find(|k| {
        k.plural == base || k.kind.to_ascii_lowercase() == base || k.short.contains(&base)
    })
}

impl Kind {
    /// All simulated kinds.
    pub const ALL: [Kind; 10] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::ReplicaSet,
        Kind::Deployment,
        Kind::Service,
        Kind::Endpoints,
        Kind::Event,
        Kind::HorizontalPodAutoscaler,
        Kind::EndpointSlice,
    ];

    /// The kind's naming information.
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// Finds the simulated kind called `name`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.info().kind == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info().kind)
    }
}

/// An object of a kind kubeplay stores without simulating (ConfigMap, Ingress, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generic {
    /// `apiVersion` as written.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind` as written.
    pub kind: String,
    /// Metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Every other top-level field.
    #[serde(flatten)]
    pub rest: Extra,
}

/// A typed kind with a table in the store.
pub trait Resource: Clone + PartialEq + Serialize + DeserializeOwned + fmt::Debug {
    /// Its kind.
    const KIND: Kind;
    /// Metadata.
    fn meta(&self) -> &ObjectMeta;
    /// Metadata, to change.
    fn meta_mut(&mut self) -> &mut ObjectMeta;
    /// Whether the desired state (`spec`) equals another's; generation bumps when not.
    fn same_spec(&self, other: &Self) -> bool;
    /// Wraps it as an [`Object`].
    fn into_object(self) -> Object;
    /// Borrows it out of an [`Object`] of the same kind.
    fn from_object(obj: &Object) -> Option<&Self>;
}

macro_rules! resource {
    ($ty:ident, $variant:ident, spec) => {
        resource!(@impl $ty, $variant, |a: &$ty, b: &$ty| a.spec == b.spec);
    };
    ($ty:ident, $variant:ident, nospec) => {
        resource!(@impl $ty, $variant, |_a: &$ty, _b: &$ty| true);
    };
    (@impl $ty:ident, $variant:ident, $same:expr) => {
        impl Resource for $ty {
            const KIND: Kind = Kind::$variant;
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
            fn same_spec(&self, other: &Self) -> bool {
                ($same)(self, other)
            }
            fn into_object(self) -> Object {
                Object::$variant(self)
            }
            fn from_object(obj: &Object) -> Option<&Self> {
                match obj {
                    Object::$variant(x) => Some(x),
                    _ => None,
                }
            }
        }
    };
}

resource!(Namespace, Namespace, spec);
resource!(Node, Node, spec);
resource!(Pod, Pod, spec);
resource!(ReplicaSet, ReplicaSet, spec);
resource!(Deployment, Deployment, spec);
resource!(Service, Service, spec);
resource!(Endpoints, Endpoints, nospec);
resource!(Event, Event, nospec);
resource!(HorizontalPodAutoscaler, HorizontalPodAutoscaler, spec);
// The API server counts an EndpointSlice's generations by its content (address type,
// endpoints, ports), as its registry strategy does; there is no `spec`.
resource!(@impl EndpointSlice, EndpointSlice, |a: &EndpointSlice, b: &EndpointSlice| {
    a.address_type == b.address_type && a.endpoints == b.endpoints && a.ports == b.ports
});

/// Any object: a simulated kind, or a stored-only one.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Object {
    /// A namespace.
    Namespace(Namespace),
    /// A node.
    Node(Node),
    /// A pod.
    Pod(Pod),
    /// A ReplicaSet.
    ReplicaSet(ReplicaSet),
    /// A Deployment.
    Deployment(Deployment),
    /// A Service.
    Service(Service),
    /// Endpoints.
    Endpoints(Endpoints),
    /// An Event.
    Event(Event),
    /// An HPA.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// An EndpointSlice.
    EndpointSlice(EndpointSlice),
    /// Anything else.
    Other(Generic),
}

macro_rules! each_object {
    ($obj:expr, $x:ident => $body:expr) => {
        match $obj {
            Object::Namespace($x) => $body,
            Object::Node($x) => $body,
            Object::Pod($x) => $body,
            Object::ReplicaSet($x) => $body,
            Object::Deployment($x) => $body,
            Object::Service($x) => $body,
            Object::Endpoints($x) => $body,
            Object::Event($x) => $body,
            Object::HorizontalPodAutoscaler($x) => $body,
            Object::EndpointSlice($x) => $body,
            Object::Other($x) => $body,
        }
    };
}

impl Object {
    /// Metadata.
    pub fn meta(&self) -> &ObjectMeta {
        each_object!(self, x => &x.metadata)
    }

    /// Metadata, to change.
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each_object!(self, x => &mut x.metadata)
    }

    /// The kind's name (`Deployment`, `ConfigMap`).
    pub fn kind_name(&self) -> &str {
        match self {
            Object::Other(g) => &g.kind,
            other => other.kind().map_or("", |k| k.info().kind),
        }
    }

    /// The simulated kind, if it is one.
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Node(_) => Kind::Node,
            Object::Pod(_) => Kind::Pod,
            Object::ReplicaSet(_) => Kind::ReplicaSet,
            Object::Deployment(_) => Kind::Deployment,
            Object::Service(_) => Kind::Service,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::Event(_) => Kind::Event,
            Object::HorizontalPodAutoscaler(_) => Kind::HorizontalPodAutoscaler,
            Object::EndpointSlice(_) => Kind::EndpointSlice,
            Object::Other(_) => return None,
        })
    }

    /// Naming information, when kubeplay knows the kind.
    pub fn info(&self) -> Option<&'static KindInfo> {
        kind_info(self.kind_name())
    }

    /// `apiVersion` as the server returns it.
    pub fn api_version(&self) -> String {
        match self {
            Object::Other(g) => g.api_version.clone(),
            other => other
                .kind()
                .map(|k| k.info().api_version())
                .unwrap_or_default(),
        }
    }

    /// The object as the API server returns it: `apiVersion`, `kind`, then the fields.
    pub fn to_api_value(&self) -> serde_json::Value {
        let mut v = each_object!(self, x => serde_json::to_value(x)).unwrap_or_default();
        if let serde_json::Value::Object(map) = &mut v {
            map.insert("apiVersion".into(), self.api_version().into());
            map.insert("kind".into(), self.kind_name().into());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_resolve_by_every_name() {
        for (typed, want) in [
            ("po", "Pod"),
            ("pods", "Pod"),
            ("pod", "Pod"),
            ("deploy", "Deployment"),
            ("deployments.apps", "Deployment"),
            ("rs", "ReplicaSet"),
            ("svc", "Service"),
            ("ns", "Namespace"),
            ("hpa", "HorizontalPodAutoscaler"),
            ("cm", "ConfigMap"),
            ("endpointslices", "EndpointSlice"),
            ("endpointslice.discovery.k8s.io", "EndpointSlice"),
        ] {
            assert_eq!(
                resolve_resource(typed).map(|k| k.kind),
                Some(want),
                "{typed}"
            );
        }
        assert_eq!(resolve_resource("pdos"), None);
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.info().kind), Some(k));
        }
        assert_eq!(
            kind_info("Deployment").unwrap().qualified(),
            "deployment.apps"
        );
    }
}
