//! Controllers: level-triggered functions of the store and the clock that hand back
//! changes, events and causes. One concern per file, named as in Kubernetes.

pub mod deployment;
pub mod endpointslice;
pub mod gc;
pub mod hpa;
pub mod kubelet;
pub mod namespace;
pub mod nodelifecycle;
pub mod replicaset;
pub mod scheduler;
pub mod service;
pub mod taint_eviction;

use super::explain::{Cause, ObjRef};
use super::kinds::{ObjectReference, Pod, PodStatus};
use super::meta::ObjectMeta;
use super::object::{Object, Resource};
use super::registry::Registry;
use super::rng::Rng;
use super::store::Store;
use super::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a controller may read and where it writes, for one pass.
pub struct Ctx<'a> {
    /// The store, read-only: controllers never write it directly.
    pub store: &'a Store,
    /// The simulated time of this pass.
    pub now: SimTime,
    /// The image registry.
    pub registry: &'a Registry,
    /// Controller-private memory.
    pub state: &'a mut State,
    /// The cluster's seeded generator.
    pub rng: &'a mut Rng,
    /// Changes to apply after the controller returns.
    pub out: &'a mut Changes,
    /// Pod names generated in this pass, not yet in the store.
    pub generated: BTreeSet<String>,
}

impl Ctx<'_> {
    /// `prefix` plus five random characters not used by any pod in `ns`.
    pub fn generate_pod_name(&mut self, prefix: &str, ns: &str) -> String {
        let base: String = prefix.chars().take(58).collect();
        loop {
            let name = [base.as_str(), self.rng.k8s_suffix(5).as_str()].concat();
            let taken = self.store.get::<super::kinds::Pod>(ns, &name).is_some()
                || self.generated.contains(&name);
            if !taken {
                self.generated.insert(name.clone());
                return name;
            }
        }
    }
}

/// Memory that controllers keep between passes; part of every snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The simulated kubelets.
    pub kubelet: kubelet::KubeletState,
    /// The scheduler.
    pub scheduler: scheduler::SchedulerState,
    /// Service IP and node port allocation.
    pub services: service::ServiceState,
    /// The EndpointSlice controller's trigger times.
    pub endpointslice: endpointslice::EndpointSliceState,
    /// Autoscalers and simulated load.
    pub hpa: hpa::HpaState,
    /// When NoExecute taints appeared, for the taint eviction controller.
    #[serde(default)]
    pub taint_eviction: taint_eviction::TaintEvictionState,
    /// Resource version garbage collection last looked at.
    pub gc_seen: u64,
}

/// A request to record an Event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    /// The object it is about.
    pub involved: ObjectReference,
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    /// Reason.
    pub reason: String,
    /// Message.
    pub message: String,
    /// Reporting component (`replicaset-controller`, `kubelet`).
    pub component: &'static str,
    /// Node for kubelet events.
    pub host: Option<String>,
}

/// One thing a controller wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Create an object (the cluster assigns uid, timestamps, and a name from generateName).
    /// Boxed, as is `Update`'s: an `Object` is over a kilobyte, and every Event, cause and
    /// status write in the same list would otherwise take that much room and be copied
    /// as the list grows.
    Create(Box<Object>),
    /// Replace an object.
    Update(Box<Object>),
    /// Replace a pod's status as its kubelet reports it, without copying the pod. The
    /// kubelet then knows the resource version its write made (see
    /// [`kubelet::KubeletState::wrote_status`]).
    PodStatus {
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
        /// The new status; the writer has checked that it differs.
        status: PodStatus,
    },
    /// Bind a pending pod to a node, as a Binding does: the API server sets
    /// `spec.nodeName` and a true PodScheduled condition.
    Bind {
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
        /// The node.
        node: String,
    },
    /// Delete as the API does (graceful for bound pods), with an optional grace period.
    Delete(ObjRef, Option<i64>),
    /// Remove from the store now (the kubelet confirming a pod is gone).
    Remove(ObjRef),
    /// Record an Event.
    Event(EventSpec),
    /// Record a cause.
    Cause(Cause),
    /// Wake controllers again at this time.
    WakeAt(SimTime),
}

/// The changes one controller pass hands back, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// The operations.
    pub ops: Vec<Op>,
}

impl Changes {
    /// Whether nothing was asked for.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Asks to create `obj`.
    pub fn create<T: Resource>(&mut self, obj: T) {
        self.ops.push(Op::Create(Box::new(obj.into_object())));
    }

    /// Asks to replace `obj`.
    pub fn update<T: Resource>(&mut self, obj: T) {
        self.ops.push(Op::Update(Box::new(obj.into_object())));
    }

    /// Asks to replace the status of `pod` with `status`, which differs from it.
    pub fn pod_status(&mut self, pod: &Pod, status: PodStatus) {
        self.ops.push(Op::PodStatus {
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            status,
        });
    }

    /// Asks to bind `pod` to `node`.
    pub fn bind(&mut self, pod: &Pod, node: &str) {
        self.ops.push(Op::Bind {
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            node: node.to_string(),
        });
    }

    /// Asks to delete `obj` (graceful where the kind has grace).
    pub fn delete<T: Resource>(&mut self, obj: &T, grace: Option<i64>) {
        let m = obj.meta();
        self.ops.push(Op::Delete(
            ObjRef::new(T::KIND.info().kind, &m.namespace, &m.name),
            grace,
        ));
    }

    /// Asks to wake controllers at `t`.
    pub fn wake_at(&mut self, t: SimTime) {
        self.ops.push(Op::WakeAt(t));
    }

    /// Records an Event about `obj`.
    pub fn event<T: Resource>(
        &mut self,
        obj: &T,
        type_: &'static str,
        reason: &str,
        message: String,
        component: &'static str,
    ) {
        self.event_at(
            object_reference(obj, None),
            type_,
            reason,
            message,
            component,
            None,
        );
    }

    /// Records an Event with every detail given.
    pub fn event_at(
        &mut self,
        involved: ObjectReference,
        type_: &'static str,
        reason: &str,
        message: String,
        component: &'static str,
        host: Option<String>,
    ) {
        self.ops.push(Op::Event(EventSpec {
            involved,
            type_,
            reason: reason.into(),
            message,
            component,
            host,
        }));
    }

    /// Records an Event about a node.
    pub fn node_event(
        &mut self,
        node: &str,
        type_: &'static str,
        reason: &str,
        message: &str,
        component: &'static str,
    ) {
        let involved = ObjectReference {
            kind: "Node".into(),
            name: node.into(),
            uid: node.into(),
            ..Default::default()
        };
        self.event_at(
            involved,
            type_,
            reason,
            message.into(),
            component,
            Some(node.into()),
        );
    }

    /// Records why something was done.
    pub fn cause(
        &mut self,
        actor: &str,
        object: ObjRef,
        because_of: Option<ObjRef>,
        message: String,
    ) {
        self.ops.push(Op::Cause(Cause {
            at: SimTime::ZERO,
            actor: actor.into(),
            object,
            because_of,
            message,
        }));
    }
}

/// A reference to `obj` for an Event, optionally to one of its fields.
pub fn object_reference<T: Resource>(obj: &T, field_path: Option<String>) -> ObjectReference {
    let m: &ObjectMeta = obj.meta();
    ObjectReference {
        kind: T::KIND.info().kind.into(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        api_version: T::KIND.info().api_version(),
        field_path,
        resource_version: m.resource_version.clone(),
    }
}

/// A cause-log reference to `obj`.
pub fn obj_ref<T: Resource>(obj: &T) -> ObjRef {
    ObjRef::new(T::KIND.info().kind, &obj.meta().namespace, &obj.meta().name)
}

/// A controller pass.
pub type Controller = fn(&mut Ctx);

/// The order controllers run in each pass: owners before what they own, then the
/// scheduler and kubelets, then bookkeeping.
pub const ORDER: &[Controller] = &[
    hpa::reconcile,
    deployment::reconcile,
    replicaset::reconcile,
    scheduler::reconcile,
    kubelet::reconcile,
    service::reconcile,
    endpointslice::reconcile,
    nodelifecycle::reconcile,
    taint_eviction::reconcile,
    namespace::reconcile,
    gc::reconcile,
];

/// The name each controller of [`ORDER`] acts under, as real components sign their
/// Events (`replicaset-controller`, `default-scheduler`).
pub const NAMES: &[&str] = &[
    "horizontal-pod-autoscaler",
    "deployment-controller",
    "replicaset-controller",
    "default-scheduler",
    "kubelet",
    "endpoint-controller",
    "endpointslice-controller",
    "node-controller",
    "taint-eviction-controller",
    "namespace-controller",
    "garbage-collector",
];
