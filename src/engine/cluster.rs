//! The cluster: store, simulated clock, seeded randomness, registry and controller
//! state in one value. It is the only writer of the store: controllers read it and
//! hand back [`Changes`], which the cluster applies like an API server would.

use super::controllers::{self, Changes, Ctx, Op};
use super::explain::{Cause, ObjRef};
use super::kinds::*;
use super::meta::{ObjectMeta, OwnerReference};
use super::object::{Kind, Object, Resource};
use super::quantity::Quantity;
use super::registry::Registry;
use super::rng::Rng;
use super::store::{HasTable, Store};
use super::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{btree_map, BTreeMap, BTreeSet, VecDeque};

/// How many causes are kept; older ones fall off, as old Events do.
pub const CAUSE_CAPACITY: usize = 20_000;
/// How far `settle` runs simulated time at most before giving up on quiet.
pub const SETTLE_LIMIT_MS: u64 = 15 * 60 * 1000;
/// `settle` stops once nothing has happened for this long and nothing is due sooner.
pub const QUIET_MS: u64 = 60 * 1000;
/// Controller passes at one instant before the cluster stops and reports a loop.
const MAX_PASSES_PER_INSTANT: usize = 64;
/// The label of [`Cluster`]'s EndpointSlice stream (`"eps"` in ASCII).
const SLICE_STREAM: u64 = 0x65_70_73;

/// What a watcher of [`Cluster::advance_watched`] wants after a controller acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep going.
    Go,
    /// Stop right here, mid-pass, leaving the clock where it is: the cluster as it was
    /// just after that controller acted (time travel shows this moment).
    Halt,
}

/// Called after each controller run that changed the cluster, with the controller's
/// name ([`controllers::NAMES`]).
pub type Watch<'a> = &'a mut dyn FnMut(&Cluster, &'static str) -> Flow;

/// The shape of a node added to the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeShape {
    /// CPU in millicores.
    pub cpu_millis: i64,
    /// Memory in bytes.
    pub memory_bytes: i64,
    /// Maximum pods.
    pub pods: i64,
}

impl Default for NodeShape {
    /// 4 CPU, 8Gi memory, 110 pods: a fresh kubeplay node.
    fn default() -> Self {
        NodeShape {
            cpu_millis: 4000,
            memory_bytes: 8 << 30,
            pods: 110,
        }
    }
}

/// The whole simulated cluster. Serializes completely: a snapshot restores exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    seed: u64,
    now: SimTime,
    rng: Rng,
    /// A second stream, for EndpointSlices' names and uids only. The EndpointSlice
    /// controller came after the scenarios and lessons were written; drawing from the
    /// main stream would have shifted every pod name, IP and port after a Service's
    /// first slice. A stream of their own leaves those exactly as they were.
    slice_rng: Rng,
    /// Every API object.
    pub store: Store,
    /// Images that can be pulled.
    pub registry: Registry,
    causes: VecDeque<Cause>,
    timers: BTreeSet<SimTime>,
    /// Controller-private state (kubelet runtimes, scheduler memory, allocators).
    pub state: controllers::State,
    event_index: BTreeMap<String, (String, String)>,
    event_seq: u64,
    node_count: u32,
    /// The kubeconfig kubectl reads (contexts, the current one and its namespace):
    /// client state, kept here so snapshots and replays carry it.
    #[serde(default)]
    pub kubeconfig: super::kubectl::config::KubeConfig,
    /// Bumped when something outside the store that controllers read changes (a node's
    /// kubelet fails, load is set, an image is pushed), so cached quiet passes rerun.
    #[serde(skip)]
    epoch: u64,
    #[serde(skip)]
    quiet: QuietPasses,
    /// Whether commands let controllers react at once ([`Cluster::react`]); the page
    /// turns it off to record the reaction as moments of its own.
    #[serde(skip, default = "yes")]
    react_inline: bool,
}

fn yes() -> bool {
    true
}

/// For each controller, the state it last found nothing to do in: the store's resource
/// version, the epoch, and the wake-ups it asked for. A controller is a function of the
/// store, the clock and its own state, so while none of these moved and no wake-up is
/// due, running it again would change nothing; skipping it keeps a settled cluster's
/// pass cheap. Not part of snapshots or equality: it is a cache.
#[derive(Debug, Clone, Default)]
struct QuietPasses(Vec<Option<(u64, u64, Vec<SimTime>)>>);

impl PartialEq for QuietPasses {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Cluster {
    /// A fresh cluster from `seed`: three Ready nodes (`node-1`..`node-3`, 4 CPU, 8Gi, 110 pods),
    /// the system namespaces and the `kubernetes` Service.
    pub fn new(seed: u64) -> Self {
        let mut c = Cluster {
            seed,
            now: SimTime::ZERO,
            rng: Rng::new(seed),
            slice_rng: Rng::stream(seed, SLICE_STREAM),
            store: Store::default(),
            registry: Registry::default(),
            causes: VecDeque::new(),
            timers: BTreeSet::new(),
            state: controllers::State::default(),
            event_index: BTreeMap::new(),
            event_seq: 0,
            node_count: 0,
            kubeconfig: Default::default(),
            epoch: 0,
            quiet: QuietPasses::default(),
            react_inline: true,
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            c.create(Object::Namespace(Namespace {
                metadata: ObjectMeta {
                    name: ns.into(),
                    labels: [("kubernetes.io/metadata.name".to_string(), ns.to_string())].into(),
                    ..Default::default()
                },
                spec: NamespaceSpec {
                    finalizers: vec!["kubernetes".into()],
                },
                status: NamespaceStatus {
                    phase: Some("Active".into()),
                },
            }));
        }
        for i in 1..=3 {
            c.add_node(&format!("node-{i}"), NodeShape::default())
                .expect("fresh node names are free");
        }
        controllers::service::create_kubernetes_service(&mut c);
        c
    }

    /// The seed this cluster was made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulated time now.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The seeded generator, for callers acting as the API server (name suffixes).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Recorded causes, oldest first.
    pub fn causes(&self) -> impl DoubleEndedIterator<Item = &Cause> + ExactSizeIterator {
        self.causes.iter()
    }

    /// The next time a controller asked to be woken, if any.
    pub fn next_timer(&self) -> Option<SimTime> {
        self.timers.iter().next().copied()
    }

    /// Adds a Ready worker node.
    pub fn add_node(&mut self, name: &str, shape: NodeShape) -> Result<(), String> {
        if self.store.get::<Node>("", name).is_some() {
            return Err(format!(
                "Error from server (AlreadyExists): nodes \"{name}\" already exists"
            ));
        }
        if let Some(e) = super::validate::dns1123_subdomain(name).first() {
            return Err(format!(
                "The Node \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": {e}"
            ));
        }
        self.node_count += 1;
        let n = self.node_count;
        let res = |cpu: i64, mem: i64, pods: i64| -> BTreeMap<String, Quantity> {
            [
                ("cpu".to_string(), Quantity::from_millis(cpu)),
                (
                    "ephemeral-storage".to_string(),
                    Quantity::parse("100Gi").expect("valid"),
                ),
                ("memory".to_string(), Quantity::from_bytes(mem)),
                (
                    "pods".to_string(),
                    Quantity::parse(&pods.to_string()).expect("valid"),
                ),
            ]
            .into()
        };
        let labels = [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", name),
            ("kubernetes.io/os", "linux"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let t = self.now.rfc3339();
        let cond =
            |type_: &'static str, status: &'static str, reason: &str, message: &str| Condition {
                type_: type_.into(),
                status: status.into(),
                reason: Some(reason.into()),
                message: Some(message.into()),
                last_transition_time: Some(t.clone()),
                last_heartbeat_time: Some(t.clone()),
                ..Default::default()
            };
        let node = Node {
            metadata: ObjectMeta {
                name: name.into(),
                labels,
                annotations: [("node.alpha.kubernetes.io/ttl".to_string(), "0".to_string())].into(),
                ..Default::default()
            },
            spec: NodeSpec {
                pod_cidr: Some(format!("10.244.{n}.0/24")),
                ..Default::default()
            },
            status: NodeStatus {
                capacity: res(shape.cpu_millis, shape.memory_bytes, shape.pods),
                allocatable: res(shape.cpu_millis, shape.memory_bytes, shape.pods),
                conditions: vec![
                    cond(
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    cond(
                        "DiskPressure",
                        "False",
                        "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure",
                    ),
                    cond(
                        "PIDPressure",
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                    ),
                    cond(
                        "Ready",
                        "True",
                        "KubeletReady",
                        "kubelet is posting ready status",
                    ),
                ],
                addresses: vec![
                    NodeAddress {
                        type_: "InternalIP".into(),
                        address: format!("172.18.0.{}", n + 1),
                    },
                    NodeAddress {
                        type_: "Hostname".into(),
                        address: name.into(),
                    },
                ],
                node_info: [
                    ("architecture", "amd64"),
                    ("containerRuntimeVersion", "containerd://1.7.24"),
                    ("kernelVersion", "6.1.0-28-amd64"),
                    ("kubeProxyVersion", "v1.32.0"),
                    ("kubeletVersion", "v1.32.0"),
                    ("operatingSystem", "linux"),
                    ("osImage", "Debian GNU/Linux 12 (bookworm)"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            },
        };
        self.create(Object::Node(node));
        let mut out = Changes::default();
        let node_ref = ObjRef::new("Node", "", name);
        out.node_event(name, "Normal", "Starting", "Starting kubelet.", "kubelet");
        out.node_event(
            name,
            "Normal",
            "NodeReady",
            &format!("Node {name} status is now: NodeReady"),
            "kubelet",
        );
        out.cause("kubelet", node_ref, None, format!("Node {name} joined the cluster with {} CPU and {} memory; the scheduler can place pods on it.", Quantity::from_millis(shape.cpu_millis), Quantity::from_bytes(shape.memory_bytes)));
        self.apply_changes(out);
        Ok(())
    }

    /// Creates an object as the API server does: uid, creation time, resource version,
    /// generation for kinds that track it, a name from `generateName`, and pod admission.
    pub fn create(&mut self, mut obj: Object) -> Object {
        self.admit(&mut obj);
        self.store.put_object(obj.clone());
        obj.meta_mut().resource_version = self.store.resource_version().to_string();
        obj
    }

    /// [`Cluster::create`] without handing the object back (saves a copy per object
    /// on the controllers' hot path).
    fn create_quiet(&mut self, mut obj: Object) {
        self.admit(&mut obj);
        self.store.put_object(obj);
    }

    /// What the API server adds to a new object: name from generateName, uid, creation
    /// time, generation for kinds that track it, pod admission defaults.
    fn admit(&mut self, obj: &mut Object) {
        let rng = if obj.kind() == Some(Kind::EndpointSlice) {
            &mut self.slice_rng
        } else {
            &mut self.rng
        };
        if obj.meta().name.is_empty() {
            if let Some(prefix) = obj.meta().generate_name.clone() {
                let kind = obj.kind_name().to_string();
                obj.meta_mut().name = unique_name(&self.store, rng, &prefix, &kind);
            }
        }
        let now = self.now.rfc3339();
        let uid = rng.uuid();
        // As the API server's strategies: objects with a spec that a controller acts on
        // count generations; data and policy objects (ConfigMap, Secret, RBAC, ...) do not.
        let tracks_generation = match obj.kind() {
            Some(k) => matches!(
                k,
                Kind::Deployment
                    | Kind::ReplicaSet
                    | Kind::HorizontalPodAutoscaler
                    | Kind::EndpointSlice
            ),
            None => !matches!(
                obj.kind_name(),
                "ConfigMap"
                    | "Secret"
                    | "ServiceAccount"
                    | "PersistentVolume"
                    | "PersistentVolumeClaim"
                    | "StorageClass"
                    | "ResourceQuota"
                    | "LimitRange"
                    | "Role"
                    | "RoleBinding"
                    | "ClusterRole"
                    | "ClusterRoleBinding"
            ),
        };
        let meta = obj.meta_mut();
        meta.uid = uid;
        meta.creation_timestamp = Some(now);
        meta.deletion_timestamp = None;
        meta.generation = tracks_generation.then_some(1);
        if let Object::Pod(p) = obj {
            super::defaults::admit_pod(p);
        }
    }

    /// `prefix` plus five random characters, unused among objects of `kind`.
    pub fn unique_name(&mut self, prefix: &str, kind: &str) -> String {
        unique_name(&self.store, &mut self.rng, prefix, kind)
    }

    /// Deletes an object as `kubectl delete` asks the API server to: bound pods
    /// terminate gracefully, namespaces start Terminating, everything else goes at once
    /// and garbage collection removes its dependents.
    pub fn delete(
        &mut self,
        kind: &str,
        ns: &str,
        name: &str,
        grace: Option<i64>,
    ) -> Result<(), String> {
        let mut out = Changes::default();
        out.ops.push(Op::Delete(ObjRef::new(kind, ns, name), grace));
        if self.store.get_object(kind, ns, name).is_none() {
            return Err(not_found(kind, name));
        }
        self.apply_changes(out);
        Ok(())
    }

    /// Replaces a stored object with `obj` (user updates: apply, scale, label, cordon).
    pub fn update(&mut self, obj: Object) -> bool {
        self.store.put_object(obj)
    }

    /// Records a cause on behalf of a user action (kubectl, chaos buttons).
    pub fn explain(&mut self, actor: &str, object: ObjRef, message: String) {
        let mut out = Changes::default();
        out.cause(actor, object, None, message);
        self.apply_changes(out);
    }

    /// Applies what controllers asked for, in order. Returns whether the store changed.
    pub fn apply_changes(&mut self, changes: Changes) -> bool {
        let mut changed = false;
        for op in changes.ops {
            match op {
                Op::Create(obj) => {
                    self.create_quiet(*obj);
                    changed = true;
                }
                Op::Update(obj) => changed |= self.store.put_object(*obj),
                Op::PodStatus {
                    namespace,
                    name,
                    status,
                } => {
                    let mut uid = String::new();
                    if self.store.modify::<Pod>(&namespace, &name, |p| {
                        uid.clone_from(&p.metadata.uid);
                        p.status = status;
                        true
                    }) {
                        changed = true;
                        let rv = self.store.resource_version();
                        self.state.kubelet.wrote_status(&uid, rv);
                    }
                }
                Op::Bind {
                    namespace,
                    name,
                    node,
                } => changed |= self.bind(&namespace, &name, node),
                Op::Delete(r, grace) => changed |= self.delete_now(&r, grace),
                Op::Remove(r) => {
                    changed |= self
                        .store
                        .remove_object(&r.kind, &r.namespace, &r.name)
                        .is_some()
                }
                Op::Event(e) => {
                    self.record_event(e);
                    changed = true;
                }
                Op::Cause(c) => {
                    if self.causes.len() == CAUSE_CAPACITY {
                        self.causes.pop_front();
                    }
                    self.causes.push_back(Cause { at: self.now, ..c });
                }
                Op::WakeAt(t) => {
                    if t > self.now {
                        self.timers.insert(t);
                    }
                }
            }
        }
        changed
    }

    /// What the API server does with a Binding (`setPodHostAndAnnotations`): the pod
    /// gets its node and a true PodScheduled condition.
    fn bind(&mut self, ns: &str, name: &str, node: String) -> bool {
        let now = self.now.rfc3339();
        self.store.modify::<Pod>(ns, name, |p| {
            p.spec.node_name = Some(node);
            let conditions = &mut p.status.conditions;
            conditions.retain(|c| c.type_ != "PodScheduled");
            conditions.push(Condition {
                type_: "PodScheduled".into(),
                status: "True".into(),
                last_transition_time: Some(now),
                last_probe_time: Some(serde_json::Value::Null),
                ..Default::default()
            });
            true
        })
    }

    fn delete_now(&mut self, r: &ObjRef, grace: Option<i64>) -> bool {
        match r.kind.as_str() {
            "Pod" => {
                let Some(mut pod) = self.store.get::<Pod>(&r.namespace, &r.name).cloned() else {
                    return false;
                };
                let grace = grace
                    .unwrap_or_else(|| pod.spec.termination_grace_period_seconds.unwrap_or(30))
                    .max(0);
                let kubelet_alive = pod
                    .spec
                    .node_name
                    .as_ref()
                    .is_some_and(|n| self.store.get::<Node>("", n).is_some());
                if grace == 0
                    || !kubelet_alive
                    || pod
                        .status
                        .phase
                        .as_deref()
                        .is_some_and(|p| p == "Succeeded" || p == "Failed")
                {
                    return self.store.remove::<Pod>(&r.namespace, &r.name).is_some();
                }
                if pod.metadata.is_deleting() {
                    return false;
                }
                pod.metadata.deletion_timestamp = Some(self.now.plus_secs(grace as u64).rfc3339());
                pod.metadata.deletion_grace_period_seconds = Some(grace);
                self.store.put(pod)
            }
            "Namespace" => {
                let Some(mut ns) = self.store.get::<Namespace>("", &r.name).cloned() else {
                    return false;
                };
                if ns.metadata.is_deleting() {
                    return false;
                }
                ns.metadata.deletion_timestamp = Some(self.now.rfc3339());
                ns.status.phase = Some("Terminating".into());
                self.store.put(ns)
            }
            kind => self
                .store
                .remove_object(kind, &r.namespace, &r.name)
                .is_some(),
        }
    }

    fn record_event(&mut self, e: controllers::EventSpec) {
        // uid, reason, message and component joined by NULs; pushed rather than
        // `format!`ed, since every Event builds one.
        let mut key = String::with_capacity(
            e.involved.uid.len() + e.reason.len() + e.message.len() + e.component.len() + 3,
        );
        for (i, part) in [&*e.involved.uid, &*e.reason, &*e.message, e.component]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                key.push('\0');
            }
            key.push_str(part);
        }
        let now = self.now.rfc3339();
        // One search of the index, whether the Event is new or seen before.
        let slot = match self.event_index.entry(key) {
            btree_map::Entry::Occupied(seen) => {
                let (ns, name) = seen.get();
                // Aggregated in place: only the count and the last time move.
                if self.store.modify::<Event>(ns, name, |ev| {
                    ev.count += 1;
                    ev.last_timestamp = Some(now.clone());
                    true
                }) {
                    return;
                }
                btree_map::Entry::Occupied(seen)
            }
            vacant => vacant,
        };
        self.event_seq += 1;
        let nanos = self.now.0 * 1_000_000 + self.event_seq % 1_000_000;
        let ns = if e.involved.namespace.is_empty() {
            "default".to_string()
        } else {
            e.involved.namespace.clone()
        };
        // `{name}.{hex}` written by hand, as `format!` cost more than the rest of the name.
        let stamp = 0x1810_0000_0000_0000u64 + nanos;
        let mut name = String::with_capacity(e.involved.name.len() + 17);
        name.push_str(&e.involved.name);
        name.push('.');
        let digits = (16 - stamp.leading_zeros() as usize / 4).max(1);
        for shift in (0..digits).rev() {
            name.push(char::from(
                b"0123456789abcdef"[((stamp >> (4 * shift)) & 0xF) as usize],
            ));
        }
        // What `admit` does for an Event (a uid and a creation time; it has a name), done
        // here on the typed value: every pod gets several Events, and going through
        // `Object` would copy each one whole a few more times.
        let uid = self.rng.uuid();
        let event = Event {
            metadata: ObjectMeta {
                name: name.clone(),
                namespace: ns.clone(),
                uid,
                creation_timestamp: Some(now.clone()),
                ..Default::default()
            },
            involved_object: e.involved,
            reason: e.reason,
            message: e.message,
            type_: e.type_.into(),
            source: EventSource {
                component: Some(e.component.into()),
                host: e.host.clone(),
            },
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            count: 1,
            reporting_component: e.component.into(),
            reporting_instance: e.host.unwrap_or_default(),
        };
        self.store.put(event);
        match slot {
            btree_map::Entry::Occupied(mut seen) => *seen.get_mut() = (ns, name),
            btree_map::Entry::Vacant(slot) => {
                slot.insert((ns, name));
            }
        }
    }

    /// Runs every controller once at the current instant. Returns whether anything changed.
    pub fn reconcile_once(&mut self) -> bool {
        self.reconcile_watched(&mut |_, _| Flow::Go).0
    }

    /// [`Cluster::reconcile_once`], calling `watch` after each controller that changed
    /// something; stops at once when it says [`Flow::Halt`].
    fn reconcile_watched(&mut self, watch: Watch) -> (bool, Flow) {
        // Controllers are level-triggered and ask again every pass for the wake-ups they
        // still need, so the timers are exactly the last pass's requests: no stale ones.
        self.timers.clear();
        let mut changed = false;
        self.quiet.0.resize(controllers::ORDER.len(), None);
        for (i, controller) in controllers::ORDER.iter().enumerate() {
            let key = (self.store.resource_version(), self.epoch);
            if let Some((rv, epoch, wakes)) = &self.quiet.0[i] {
                if (*rv, *epoch) == key && wakes.iter().all(|w| *w > self.now) {
                    self.timers.extend(wakes.iter().copied());
                    continue;
                }
            }
            let mut out = Changes::default();
            {
                let mut ctx = Ctx {
                    store: &self.store,
                    now: self.now,
                    registry: &self.registry,
                    state: &mut self.state,
                    rng: &mut self.rng,
                    out: &mut out,
                    generated: Default::default(),
                };
                controller(&mut ctx);
            }
            let quiet = out.ops.iter().all(|op| matches!(op, Op::WakeAt(_)));
            let wakes: Vec<SimTime> = out
                .ops
                .iter()
                .filter_map(|op| match op {
                    Op::WakeAt(t) => Some(*t),
                    _ => None,
                })
                .collect();
            let acted = self.apply_changes(out);
            changed |= acted;
            self.quiet.0[i] = quiet.then(|| (self.store.resource_version(), self.epoch, wakes));
            if acted && watch(self, controllers::NAMES[i]) == Flow::Halt {
                return (changed, Flow::Halt);
            }
        }
        (changed, Flow::Go)
    }

    /// Lets controllers react at the current instant to what a command just did, as a
    /// real cluster does within milliseconds; skipped while reactions are deferred
    /// ([`Cluster::defer_reactions`]), and then the caller runs them.
    pub fn react(&mut self) {
        self.react_watched(&mut |_, _| Flow::Go);
    }

    /// [`Cluster::react`], calling `watch` after each controller action of the reaction
    /// (none while reactions are deferred); stops where it says [`Flow::Halt`].
    pub fn react_watched(&mut self, watch: Watch) -> Flow {
        if self.react_inline {
            self.step_watched(watch).1
        } else {
            Flow::Go
        }
    }

    /// Defers (or not) the reaction commands run through [`Cluster::react`], so the
    /// caller can run it watched, one controller action at a time. While deferred,
    /// commands also do not let time pass to wait (`kubectl delete` returns at once, as
    /// with `--wait=false`): the caller's clock runs it, and every step is seen.
    pub fn defer_reactions(&mut self, defer: bool) {
        self.react_inline = !defer;
    }

    /// Whether commands react and wait inline ([`Cluster::defer_reactions`]).
    pub fn reacts_inline(&self) -> bool {
        self.react_inline
    }

    /// Marks state outside the store as changed, so every controller looks again.
    pub fn touch(&mut self) {
        self.epoch += 1;
    }

    /// Runs controllers at the current instant until nothing changes (bounded).
    pub fn step(&mut self) -> bool {
        self.step_watched(&mut |_, _| Flow::Go).0
    }

    /// [`Cluster::step`], calling `watch` after each controller action; stops at once
    /// when it says [`Flow::Halt`]. Returns whether anything changed, and the flow.
    pub fn step_watched(&mut self, watch: Watch) -> (bool, Flow) {
        let mut any = false;
        for _ in 0..MAX_PASSES_PER_INSTANT {
            match self.reconcile_watched(watch) {
                (changed, Flow::Halt) => return (any | changed, Flow::Halt),
                (false, Flow::Go) => break,
                (true, Flow::Go) => any = true,
            }
        }
        (any, Flow::Go)
    }

    /// Advances simulated time by `ms`, waking controllers at each timer on the way.
    pub fn advance(&mut self, ms: u64) {
        self.advance_watched(ms, &mut |_, _| Flow::Go);
    }

    /// [`Cluster::advance`], calling `watch` after every controller action on the way.
    /// When it answers [`Flow::Halt`] the cluster stops there, mid-advance, and this
    /// returns `Flow::Halt`: the same actions from the same state always halt at the
    /// same point, so a halted cluster can be rebuilt by replay.
    pub fn advance_watched(&mut self, ms: u64, watch: Watch) -> Flow {
        let target = self.now.plus_ms(ms);
        if self.step_watched(watch).1 == Flow::Halt {
            return Flow::Halt;
        }
        while let Some(t) = self.next_timer().filter(|t| *t <= target) {
            self.timers.remove(&t);
            self.now = self.now.max(t);
            if self.step_watched(watch).1 == Flow::Halt {
                return Flow::Halt;
            }
        }
        self.now = target;
        self.step_watched(watch).1
    }

    /// Advances time until the cluster is quiet: nothing changed and nothing is due
    /// within [`QUIET_MS`], or [`SETTLE_LIMIT_MS`] passed. Returns the simulated
    /// milliseconds it took. A crash-looping pod or a pending progress deadline does not
    /// keep it running for minutes: what matters is that nothing happens soon.
    pub fn settle(&mut self) -> u64 {
        self.settle_watched(&mut |_, _| Flow::Go).0
    }

    /// [`Cluster::settle`], calling `watch` after every controller action on the way;
    /// when it answers [`Flow::Halt`] the cluster stops there, as
    /// [`Cluster::advance_watched`] does. Returns the simulated milliseconds run, and
    /// the flow.
    pub fn settle_watched(&mut self, watch: Watch) -> (u64, Flow) {
        let start = self.now;
        let mut last_change = self.now;
        if self.step_watched(watch).1 == Flow::Halt {
            return (0, Flow::Halt);
        }
        while let Some(t) = self.next_timer() {
            if t.since(start) > SETTLE_LIMIT_MS || t.since(last_change) > QUIET_MS {
                break;
            }
            self.timers.remove(&t);
            self.now = self.now.max(t);
            match self.step_watched(watch) {
                (_, Flow::Halt) => return (self.now.since(start), Flow::Halt),
                (true, Flow::Go) => last_change = self.now,
                (false, Flow::Go) => {}
            }
        }
        (self.now.since(start), Flow::Go)
    }

    /// The whole cluster as JSON: store, clock, seed state, timers, controller state.
    pub fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Restores a cluster from [`Cluster::snapshot`] output.
    pub fn restore(snapshot: &str) -> Result<Cluster, String> {
        serde_json::from_str(snapshot).map_err(|e| format!("snapshot cannot be read: {e}"))
    }
}

/// `prefix` plus five characters drawn from `rng`, unused among objects of `kind`.
fn unique_name(store: &Store, rng: &mut Rng, prefix: &str, kind: &str) -> String {
    // The API server cuts the base so the name fits in 63 characters.
    let base: String = prefix.chars().take(58).collect();
    loop {
        let name = format!("{base}{}", rng.k8s_suffix(5));
        let ns_probe = |ns: &str| store.get_object(kind, ns, &name).is_some();
        if !store.namespaces.keys().any(|(_, ns)| ns_probe(ns)) && !ns_probe("") {
            return name;
        }
    }
}

/// `Error from server (NotFound): pods "x" not found`.
pub fn not_found(kind: &str, name: &str) -> String {
    let plural = super::object::kind_info(kind).map_or_else(
        || format!("{}s", kind.to_ascii_lowercase()),
        |k| k.qualified_plural(),
    );
    format!("Error from server (NotFound): {plural} \"{name}\" not found")
}

/// An owner reference marking `owner` as the controller of a dependent.
pub fn controller_ref<T: Resource>(owner: &T) -> OwnerReference {
    OwnerReference {
        api_version: T::KIND.info().api_version(),
        kind: T::KIND.info().kind.into(),
        name: owner.meta().name.clone(),
        uid: owner.meta().uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The typed object `T` at `ns`/`name`, cloned.
pub fn get_cloned<T: HasTable>(store: &Store, ns: &str, name: &str) -> Option<T> {
    store.get::<T>(ns, name).cloned()
}
