//! The kubelets, one per node, simulated: accept bound pods, pull images from the
//! registry, start containers, report readiness, restart crashed containers with
//! back-off, and stop containers gracefully when a pod is deleted.

use super::{obj_ref, object_reference, Ctx};
use crate::engine::explain::ObjRef;
use crate::engine::hashing::FixedState;
use crate::engine::kinds::*;
use crate::engine::registry::Behavior;
use crate::engine::time::{go_duration, SimTime};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Creating a pod sandbox (network, pause container) takes this long.
pub const SANDBOX_MS: u64 = 1000;
/// Back-off after a failed pull or a crash starts here and doubles (`10s, 20s, 40s...`).
pub const BACKOFF_START_MS: u64 = 10_000;
/// Back-off never exceeds five minutes.
pub const BACKOFF_MAX_MS: u64 = 300_000;
/// How long `ErrImagePull` shows before the kubelet reports `ImagePullBackOff`.
const ERR_IMAGE_PULL_SHOWN_MS: u64 = 1000;
/// How long a container takes to exit after SIGTERM when it honours it.
const STOP_MS: u64 = 1000;

/// Where a container is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// Sandbox and image pull; done at `done_at`.
    Pulling {
        /// When the pull finishes.
        done_at: SimTime,
        /// Whether the image had to be downloaded.
        download: bool,
    },
    /// The last pull failed; retried at `retry_at`.
    PullFailed {
        /// When it failed.
        since: SimTime,
        /// When the next pull starts.
        retry_at: SimTime,
        /// The runtime's error.
        error: String,
        /// Whether the kubelet has moved on from `ErrImagePull` to `ImagePullBackOff`.
        backing_off: bool,
    },
    /// Running since `since`.
    Running {
        /// Start time.
        since: SimTime,
        /// When readiness passes, if ever.
        ready_at: Option<SimTime>,
        /// When and with which code it exits, if it does.
        exit_at: Option<(SimTime, i32)>,
    },
    /// Crashed; restarted at `restart_at`.
    CrashBackOff {
        /// When the kubelet restarts it.
        restart_at: SimTime,
    },
    /// Exited for good (restartPolicy does not restart it).
    Done,
}

/// A container's last exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exit {
    /// Exit code.
    pub code: i32,
    /// Start of the run that ended.
    pub started: SimTime,
    /// End of the run.
    pub finished: SimTime,
}

/// The kubelet's view of one container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerRuntime {
    /// Container name.
    pub name: String,
    /// Image as written.
    pub image: String,
    /// Current stage.
    pub stage: Stage,
    /// Restarts so far.
    pub restarts: i32,
    /// The last exit.
    pub last_exit: Option<Exit>,
    /// Next back-off, zero before the first failure.
    pub backoff_ms: u64,
    /// Whether readiness passed in the current run.
    pub ready: bool,
    /// Resolved image id once pulled.
    pub image_id: Option<String>,
}

/// The kubelet's view of one pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodRuntime {
    /// Node it runs on.
    pub node: String,
    /// Pod IP.
    pub ip: String,
    /// When the kubelet accepted it.
    pub started: SimTime,
    /// Containers.
    pub containers: Vec<ContainerRuntime>,
    /// When a graceful stop completes, once deletion began.
    pub stopping_until: Option<SimTime>,
    /// The pod's resourceVersion when the kubelet last reconciled its status; a pod
    /// nobody touched and with nothing due is skipped, which keeps a pass cheap.
    #[serde(default)]
    pub seen_rv: String,
}

/// Every kubelet's memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubeletState {
    /// Pods by uid. A hash map because every pass looks up every bound pod; it
    /// serializes sorted by uid, so snapshots read as they would from a `BTreeMap`.
    #[serde(serialize_with = "sorted")]
    pub pods: HashMap<String, PodRuntime, FixedState>,
    /// Images present on each node.
    pub images: BTreeMap<String, BTreeSet<String>>,
    /// Last host number handed out per node (`10.244.N.host`).
    pub last_ip: BTreeMap<String, u32>,
    /// Resource version up to which pod removals were seen.
    #[serde(default)]
    pub seen_deletions: u64,
    /// Nodes whose kubelet is down (node failure), and since when.
    pub down_since: BTreeMap<String, SimTime>,
}

impl KubeletState {
    /// Records that the kubelet's own status write left pod `uid` at resource version
    /// `rv`. Like the real kubelet's status manager it knows what it wrote, so the
    /// next pass does not sync the pod just to compute that same status again; any
    /// other write moves the version on and the pod is synced as before.
    pub fn wrote_status(&mut self, uid: &str, rv: u64) {
        if let Some(rt) = self.pods.get_mut(uid) {
            rt.seen_rv = rv.to_string();
        }
    }
}

fn sorted<S: Serializer>(
    pods: &HashMap<String, PodRuntime, FixedState>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(pods.iter().collect::<BTreeMap<_, _>>())
}

impl ContainerRuntime {
    fn due(&self) -> Option<SimTime> {
        match &self.stage {
            Stage::Pulling { done_at, .. } => Some(*done_at),
            Stage::PullFailed {
                since,
                retry_at,
                backing_off,
                ..
            } => {
                let shown = since.plus_ms(ERR_IMAGE_PULL_SHOWN_MS);
                Some(if !backing_off && shown < *retry_at {
                    shown
                } else {
                    *retry_at
                })
            }
            Stage::Running {
                ready_at, exit_at, ..
            } => {
                let r = ready_at.filter(|_| !self.ready);
                match (r, exit_at.map(|e| e.0)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            Stage::CrashBackOff { restart_at } => Some(*restart_at),
            Stage::Done => None,
        }
    }
}

fn next_backoff(current: u64) -> u64 {
    if current == 0 {
        BACKOFF_START_MS
    } else {
        (current * 2).min(BACKOFF_MAX_MS)
    }
}

fn short_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(64);
    for round in 0..4u8 {
        for b in text.bytes().chain([round]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // `{h:016x}` by hand: every status write computes container ids.
        for shift in (0..16).rev() {
            out.push(char::from(
                b"0123456789abcdef"[((h >> (4 * shift)) & 0xF) as usize],
            ));
        }
    }
    out
}

/// One pass of every kubelet.
pub fn reconcile(ctx: &mut Ctx) {
    let store = ctx.store;
    let mut next_due: Option<SimTime> = None;
    let alive: HashSet<&str, FixedState> = store
        .nodes
        .values()
        .map(|n| n.metadata.name.as_str())
        .filter(|n| !ctx.state.kubelet.down_since.contains_key(*n))
        .collect();
    // Every node by name, for the pod CIDR and the host IP a status carries: a hash
    // lookup instead of a search of the store (and two owned key strings) per status.
    let nodes: Nodes = store
        .nodes
        .values()
        .map(|n| (n.metadata.name.as_str(), n))
        .collect();
    for pod in store.pods.values() {
        let Some(node) = pod.spec.node_name.as_deref() else {
            continue;
        };
        if !alive.contains(node) {
            continue;
        }
        match ctx.state.kubelet.pods.get(&pod.metadata.uid) {
            Some(rt)
                if !pod.metadata.is_deleting() && rt.seen_rv == pod.metadata.resource_version =>
            {
                let due = rt.containers.iter().filter_map(|c| c.due()).min();
                if due.is_none_or(|t| t > ctx.now) {
                    next_due = min_time(next_due, due);
                    continue;
                }
            }
            _ => {}
        }
        next_due = min_time(next_due, sync_pod(ctx, &nodes, pod, node));
    }
    if let Some(t) = next_due {
        ctx.out.wake_at(t);
    }
    // Forget pods that are gone from the store, after a pod was removed.
    let removed = store
        .changes_since(ctx.state.kubelet.seen_deletions)
        .any(|c| c.op == crate::engine::store::ChangeOp::Deleted && c.kind == "Pod");
    ctx.state.kubelet.seen_deletions = store.resource_version();
    if removed {
        let live: HashSet<&str, FixedState> = store
            .pods
            .values()
            .map(|p| p.metadata.uid.as_str())
            .collect();
        ctx.state
            .kubelet
            .pods
            .retain(|uid, _| live.contains(uid.as_str()));
    }
}

/// `spec.containers{NAME}`, the field path of a container's Events. Messages on the
/// hot paths are joined with `concat` (one allocation of the exact size) rather than
/// `format!`, which grows its buffer through the formatting machinery.
fn field_path(container: &str) -> String {
    ["spec.containers{", container, "}"].concat()
}

fn min_time(a: Option<SimTime>, b: Option<SimTime>) -> Option<SimTime> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// The cluster's nodes by name, built once per pass.
type Nodes<'a> = HashMap<&'a str, &'a Node, FixedState>;

fn sync_pod(ctx: &mut Ctx, nodes: &Nodes, pod: &Pod, node: &str) -> Option<SimTime> {
    let uid = pod.metadata.uid.clone();
    // Taken out while it is worked on (ctx is borrowed meanwhile) and put back.
    let Some(mut rt) = ctx.state.kubelet.pods.remove(&uid) else {
        if pod.metadata.is_deleting() {
            // Bound while this kubelet was down and deleted before it started: nothing
            // runs, so the deletion completes at once.
            ctx.out.ops.push(super::Op::Remove(obj_ref(pod)));
            ctx.out.cause(
                "kubelet",
                obj_ref(pod),
                None,
                format!(
                    "The kubelet on {node} never started {}, so its deletion completes at once.",
                    pod.metadata.name
                ),
            );
            return None;
        }
        if pod.is_terminal() {
            return None;
        }
        let rt = accept(ctx, nodes, pod, node);
        write_status(ctx, nodes, pod, &rt);
        let due = rt.containers.iter().filter_map(|c| c.due()).min();
        ctx.state.kubelet.pods.insert(uid, rt);
        return due;
    };
    if pod.metadata.is_deleting() {
        let due = stop(ctx, pod, &mut rt);
        ctx.state.kubelet.pods.insert(uid, rt);
        return due;
    }
    for i in 0..rt.containers.len() {
        while let Some(t) = rt.containers[i].due().filter(|t| *t <= ctx.now) {
            advance_container(ctx, pod, &mut rt, i, t);
        }
    }
    write_status(ctx, nodes, pod, &rt);
    rt.seen_rv = pod.metadata.resource_version.clone();
    let due = rt.containers.iter().filter_map(|c| c.due()).min();
    ctx.state.kubelet.pods.insert(uid, rt);
    due
}

fn accept(ctx: &mut Ctx, nodes: &Nodes, pod: &Pod, node: &str) -> PodRuntime {
    let n = nodes
        .get(node)
        .and_then(|nd| nd.spec.pod_cidr.clone())
        .and_then(|c| c.split('.').nth(2).map(str::to_string))
        .unwrap_or_else(|| "0".into());
    let host = ctx
        .state
        .kubelet
        .last_ip
        .entry(node.to_string())
        .or_insert(1);
    *host = if *host >= 254 { 2 } else { *host + 1 };
    let ip = format!("10.244.{n}.{host}");
    let mut containers = Vec::new();
    let mut notes = Vec::new();
    for c in &pod.spec.containers {
        let present = ctx
            .state
            .kubelet
            .images
            .get(node)
            .is_some_and(|s| s.contains(&c.image));
        let always = c.image_pull_policy.as_deref() == Some("Always");
        let download = !present;
        let pull_ms = match ctx.registry.resolve(&c.image) {
            Ok(img) if download => img.pull_ms(),
            Ok(_) if always => 400,
            Ok(_) => 0,
            Err(_) => 800,
        };
        if download || always {
            ctx.out.event_at(
                object_reference(pod, Some(field_path(&c.name))),
                "Normal",
                "Pulling",
                ["Pulling image \"", &c.image, "\""].concat(),
                "kubelet",
                Some(node.into()),
            );
        }
        notes.push(if download {
            ["pulling ", &c.image, " (not on this node yet)"].concat()
        } else {
            [&c.image, " is already on this node"].concat()
        });
        containers.push(ContainerRuntime {
            name: c.name.clone(),
            image: c.image.clone(),
            stage: Stage::Pulling {
                done_at: ctx.now.plus_ms(SANDBOX_MS + pull_ms),
                download: download || always,
            },
            restarts: 0,
            last_exit: None,
            backoff_ms: 0,
            ready: false,
            image_id: None,
        });
    }
    ctx.out.cause(
        "kubelet",
        obj_ref(pod),
        Some(ObjRef::new("Node", "", node)),
        [
            "The kubelet on ",
            node,
            " starts pod ",
            &pod.metadata.name,
            ": it creates the pod sandbox (IP ",
            &ip,
            ") and ",
            &notes.join("; "),
            ".",
        ]
        .concat(),
    );
    PodRuntime {
        node: node.into(),
        ip,
        started: ctx.now,
        containers,
        stopping_until: None,
        seen_rv: String::new(),
    }
}

fn container_event(
    ctx: &mut Ctx,
    pod: &Pod,
    node: &str,
    c: &str,
    type_: &'static str,
    reason: &str,
    message: String,
) {
    ctx.out.event_at(
        object_reference(pod, Some(field_path(c))),
        type_,
        reason,
        message,
        "kubelet",
        Some(node.into()),
    );
}

fn behavior_of(ctx: &Ctx, image: &str) -> Behavior {
    ctx.registry
        .resolve(image)
        .map(|i| i.behavior.clone())
        .unwrap_or_default()
}

fn start_run(ctx: &mut Ctx, pod: &Pod, rt: &mut PodRuntime, i: usize, t: SimTime) {
    let spec = pod
        .spec
        .containers
        .iter()
        .find(|c| c.name == rt.containers[i].name);
    // Borrowed, not cloned: only the image, the probe delay and the command are read.
    let default = Container::default();
    let spec = spec.unwrap_or(&default);
    let b = behavior_of(ctx, &spec.image);
    let probe_delay = spec
        .readiness_probe
        .as_ref()
        .and_then(|p| p.initial_delay_seconds)
        .unwrap_or(0)
        .max(0) as u64
        * 1000;
    let ready_at =
        (!b.never_ready).then(|| t.plus_ms(probe_delay.max(b.ready_after_ms.unwrap_or(0))));
    let has_command = spec.extra.contains_key("command") || spec.extra.contains_key("args");
    let exit_at = match (b.crash_after_ms, b.exits_without_command && !has_command) {
        (_, true) => Some((t, 0)),
        (Some(ms), _) => Some((t.plus_ms(ms), 1)),
        _ => None,
    };
    let c = &mut rt.containers[i];
    c.stage = Stage::Running {
        since: t,
        ready_at,
        exit_at,
    };
    c.ready = false;
    let name = c.name.clone();
    container_event(
        ctx,
        pod,
        &rt.node,
        &name,
        "Normal",
        "Created",
        ["Created container: ", &name].concat(),
    );
    container_event(
        ctx,
        pod,
        &rt.node,
        &name,
        "Normal",
        "Started",
        ["Started container ", &name].concat(),
    );
}

fn advance_container(ctx: &mut Ctx, pod: &Pod, rt: &mut PodRuntime, i: usize, t: SimTime) {
    let node = rt.node.clone();
    let c = rt.containers[i].clone();
    let pname = pod.metadata.name.clone();
    match c.stage {
        Stage::Pulling { download, done_at } => match ctx.registry.resolve(&c.image) {
            Ok(img) => {
                let msg = if download {
                    let took =
                        go_duration(done_at.since(rt.started).saturating_sub(SANDBOX_MS).max(1));
                    format!("Successfully pulled image \"{}\" in {took} ({took} including waiting). Image size: {} bytes.", c.image, img.size_bytes)
                } else {
                    format!("Container image \"{}\" already present on machine", c.image)
                };
                let repo = crate::engine::registry::ImageRef::parse(&c.image)
                    .map(|r| r.repository)
                    .unwrap_or_default();
                rt.containers[i].image_id = Some([&repo, "@", &img.digest].concat());
                rt.containers[i].backoff_ms = 0;
                ctx.state
                    .kubelet
                    .images
                    .entry(node.clone())
                    .or_default()
                    .insert(c.image.clone());
                container_event(ctx, pod, &node, &c.name, "Normal", "Pulled", msg);
                start_run(ctx, pod, rt, i, t);
                ctx.out.cause(
                    "kubelet",
                    obj_ref(pod),
                    None,
                    [
                        "The kubelet on ",
                        &node,
                        " started container ",
                        &c.name,
                        " of ",
                        &pname,
                        " from ",
                        &c.image,
                        ".",
                    ]
                    .concat(),
                );
            }
            Err(e) => {
                let backoff = next_backoff(c.backoff_ms);
                rt.containers[i].backoff_ms = backoff;
                rt.containers[i].stage = Stage::PullFailed {
                    since: t,
                    retry_at: t.plus_ms(backoff),
                    error: e.0.clone(),
                    backing_off: false,
                };
                container_event(
                    ctx,
                    pod,
                    &node,
                    &c.name,
                    "Warning",
                    "Failed",
                    format!("Failed to pull image \"{}\": {}", c.image, e.0),
                );
                container_event(
                    ctx,
                    pod,
                    &node,
                    &c.name,
                    "Warning",
                    "Failed",
                    "Error: ErrImagePull".into(),
                );
                ctx.out.cause("kubelet", obj_ref(pod), None, format!("The kubelet on {node} cannot pull {} for {pname}: the registry has no such image or tag. It retries with a growing back-off (10s, 20s, 40s ... up to 5m), so the pod stays ImagePullBackOff until the image exists or the pod spec changes.", c.image));
            }
        },
        Stage::PullFailed {
            retry_at,
            backing_off,
            ..
        } => {
            if !backing_off && t < retry_at {
                container_event(
                    ctx,
                    pod,
                    &node,
                    &c.name,
                    "Normal",
                    "BackOff",
                    format!("Back-off pulling image \"{}\"", c.image),
                );
                container_event(
                    ctx,
                    pod,
                    &node,
                    &c.name,
                    "Warning",
                    "Failed",
                    "Error: ImagePullBackOff".into(),
                );
                if let Stage::PullFailed { backing_off, .. } = &mut rt.containers[i].stage {
                    *backing_off = true;
                }
            } else {
                container_event(
                    ctx,
                    pod,
                    &node,
                    &c.name,
                    "Normal",
                    "Pulling",
                    format!("Pulling image \"{}\"", c.image),
                );
                rt.containers[i].stage = Stage::Pulling {
                    done_at: t.plus_ms(800),
                    download: true,
                };
            }
        }
        Stage::Running {
            since,
            ready_at,
            exit_at,
        } => {
            if let Some(r) = ready_at.filter(|r| *r == t && !c.ready) {
                let _ = r;
                rt.containers[i].ready = true;
                ctx.out.cause("kubelet", obj_ref(pod), None, format!("Container {} of {pname} passed its readiness check, so the pod can be Ready and Services may send it traffic.", c.name));
                if exit_at.is_none_or(|(e, _)| e > t) {
                    return;
                }
            }
            let Some((_, code)) = exit_at else { return };
            let ran = t.since(since);
            let c = &mut rt.containers[i];
            c.ready = false;
            c.last_exit = Some(Exit {
                code,
                started: since,
                finished: t,
            });
            let restart = match pod.spec.restart_policy.as_deref().unwrap_or("Always") {
                "Never" => false,
                "OnFailure" => code != 0,
                _ => true,
            };
            if !restart {
                c.stage = Stage::Done;
                return;
            }
            if ran > 2 * BACKOFF_MAX_MS {
                c.backoff_ms = 0;
            }
            if c.backoff_ms == 0 {
                // The first restart is immediate; the back-off starts after it.
                c.backoff_ms = BACKOFF_START_MS;
                c.restarts += 1;
                let name = c.name.clone();
                container_event(
                    ctx,
                    pod,
                    &node,
                    &name,
                    "Normal",
                    "Pulled",
                    format!(
                        "Container image \"{}\" already present on machine",
                        c.image.clone()
                    ),
                );
                start_run(ctx, pod, rt, i, t);
                ctx.out.cause("kubelet", obj_ref(pod), None, format!("Container {name} of {pname} exited with code {code}; restartPolicy restarts it at once the first time."));
            } else {
                let wait = c.backoff_ms;
                c.backoff_ms = next_backoff(wait);
                c.stage = Stage::CrashBackOff {
                    restart_at: t.plus_ms(wait),
                };
                let name = c.name.clone();
                container_event(
                    ctx,
                    pod,
                    &node,
                    &name,
                    "Warning",
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {name} in pod {pname}_{}({})",
                        pod.metadata.namespace, pod.metadata.uid
                    ),
                );
                ctx.out.cause("kubelet", obj_ref(pod), None, format!("Container {name} of {pname} exited with code {code} again; the kubelet waits {} before restarting it (CrashLoopBackOff; the wait doubles up to 5m).", go_duration(wait)));
            }
        }
        Stage::CrashBackOff { .. } => {
            rt.containers[i].restarts += 1;
            container_event(
                ctx,
                pod,
                &node,
                &c.name,
                "Normal",
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
            );
            start_run(ctx, pod, rt, i, t);
        }
        Stage::Done => {}
    }
}

fn stop(ctx: &mut Ctx, pod: &Pod, rt: &mut PodRuntime) -> Option<SimTime> {
    match rt.stopping_until {
        None => {
            let grace = pod
                .metadata
                .deletion_grace_period_seconds
                .unwrap_or(30)
                .max(0) as u64
                * 1000;
            let until = ctx.now.plus_ms(STOP_MS.min(grace));
            for c in &rt.containers {
                if matches!(c.stage, Stage::Running { .. }) {
                    container_event(
                        ctx,
                        pod,
                        &rt.node,
                        &c.name,
                        "Normal",
                        "Killing",
                        format!("Stopping container {}", c.name),
                    );
                }
            }
            ctx.out.cause("kubelet", obj_ref(pod), None, format!("The kubelet on {} stops {}'s containers (grace period {}s); the pod is Terminating until they exit.", rt.node, pod.metadata.name, grace / 1000));
            rt.stopping_until = Some(until);
            let mut status = pod.status.clone();
            for cs in &mut status.container_statuses {
                cs.ready = false;
            }
            set_ready(&mut status, false, ctx.now, "ContainersNotReady");
            if status != pod.status {
                ctx.out.pod_status(pod, status);
            }
            Some(until)
        }
        Some(t) if t > ctx.now => Some(t),
        Some(_) => {
            ctx.out.ops.push(super::Op::Remove(obj_ref(pod)));
            ctx.out.cause("kubelet", obj_ref(pod), None, format!("{}'s containers have exited, so the kubelet confirms the deletion and the pod is gone.", pod.metadata.name));
            None
        }
    }
}

fn set_ready(s: &mut PodStatus, ready: bool, now: SimTime, reason: &str) {
    let status = if ready { "True" } else { "False" };
    for t in ["Ready", "ContainersReady"] {
        if let Some(c) = s.conditions.iter_mut().find(|c| c.type_ == t) {
            if c.status != status {
                c.status = status.into();
                c.last_transition_time = Some(now.rfc3339());
            }
            c.reason = (!ready).then(|| reason.to_string());
        }
    }
}

/// Writes the status the runtime implies, when it differs from the pod's. Only the
/// status is built and compared: the pod itself is not copied.
fn write_status(ctx: &mut Ctx, nodes: &Nodes, pod: &Pod, rt: &PodRuntime) {
    let statuses: Vec<ContainerStatus> = rt
        .containers
        .iter()
        .map(|c| container_status(pod, c))
        .collect();
    let all_ready = !rt.containers.is_empty() && rt.containers.iter().all(|c| c.ready);
    let ever_started = rt.containers.iter().all(|c| {
        matches!(
            c.stage,
            Stage::Running { .. } | Stage::CrashBackOff { .. } | Stage::Done
        ) || c.restarts > 0
    });
    let done: Vec<i32> = rt
        .containers
        .iter()
        .filter(|c| matches!(c.stage, Stage::Done))
        .map(|c| c.last_exit.as_ref().map_or(0, |e| e.code))
        .collect();
    let phase = Some(
        if done.len() == rt.containers.len() && !done.is_empty() {
            if done.iter().all(|c| *c == 0) {
                "Succeeded"
            } else {
                "Failed"
            }
        } else if ever_started {
            "Running"
        } else {
            "Pending"
        }
        .into(),
    );
    let unready: Vec<String> = rt
        .containers
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.clone())
        .collect();
    let t = ctx.now.rfc3339();
    let mut conds = Vec::with_capacity(5);
    let keep = |type_: &str, status: &str| -> Option<String> {
        pod.status
            .conditions
            .iter()
            .find(|c| c.type_ == type_ && c.status == status)
            .and_then(|c| c.last_transition_time.clone())
    };
    let mk = |type_: &'static str,
              status: &'static str,
              reason: Option<String>,
              message: Option<String>| Condition {
        type_: type_.into(),
        status: status.into(),
        reason,
        message,
        last_transition_time: Some(keep(type_, status).unwrap_or_else(|| t.clone())),
        last_probe_time: Some(serde_json::Value::Null),
        ..Default::default()
    };
    let sandbox_ready = rt
        .containers
        .iter()
        .any(|c| !matches!(c.stage, Stage::Pulling { .. }))
        || ctx.now.since(rt.started) >= SANDBOX_MS;
    conds.push(mk(
        "PodReadyToStartContainers",
        if sandbox_ready { "True" } else { "False" },
        None,
        None,
    ));
    conds.push(mk("Initialized", "True", None, None));
    let (ready, reason, msg) = if all_ready {
        ("True", None, None)
    } else {
        (
            "False",
            Some("ContainersNotReady".to_string()),
            Some(["containers with unready status: [", &unready.join(" "), "]"].concat()),
        )
    };
    conds.push(mk("Ready", ready, reason.clone(), msg.clone()));
    conds.push(mk("ContainersReady", ready, reason, msg));
    conds.push(mk("PodScheduled", "True", None, None));
    let status = PodStatus {
        phase,
        conditions: conds,
        host_ip: nodes
            .get(rt.node.as_str())
            .and_then(|n| n.status.addresses.first().map(|a| a.address.clone())),
        pod_ip: Some(rt.ip.clone()),
        start_time: Some(rt.started.rfc3339()),
        container_statuses: statuses,
        qos_class: pod.status.qos_class.clone(),
        reason: pod.status.reason.clone(),
        message: pod.status.message.clone(),
    };
    if status != pod.status {
        let now_ready =
            find_condition(&status.conditions, "Ready").is_some_and(|c| c.status == "True");
        if now_ready && !pod.is_ready() {
            ctx.out.cause(
                "kubelet",
                obj_ref(pod),
                None,
                [
                    "Pod ",
                    &pod.metadata.name,
                    " is Ready: all its containers are running and passed readiness.",
                ]
                .concat(),
            );
        }
        ctx.out.pod_status(pod, status);
    }
}

fn container_status(pod: &Pod, c: &ContainerRuntime) -> ContainerStatus {
    let waiting = |reason: &str, message: Option<String>| ContainerState {
        waiting: Some(StateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        ..Default::default()
    };
    let terminated = |e: &Exit| ContainerState {
        terminated: Some(StateTerminated {
            exit_code: e.code,
            reason: Some(if e.code == 0 { "Completed" } else { "Error" }.into()),
            started_at: Some(e.started.rfc3339()),
            finished_at: Some(e.finished.rfc3339()),
        }),
        ..Default::default()
    };
    let state = match &c.stage {
        Stage::Pulling { .. } => waiting("ContainerCreating", None),
        Stage::PullFailed {
            error,
            backing_off: false,
            ..
        } => waiting("ErrImagePull", Some(error.clone())),
        Stage::PullFailed { error, .. } => waiting(
            "ImagePullBackOff",
            Some(format!(
                "Back-off pulling image \"{}\": ErrImagePull: {error}",
                c.image
            )),
        ),
        Stage::Running { since, .. } => ContainerState {
            running: Some(StateRunning {
                started_at: Some(since.rfc3339()),
            }),
            ..Default::default()
        },
        Stage::CrashBackOff { .. } => waiting(
            "CrashLoopBackOff",
            Some(format!(
                "back-off {} restarting failed container={} pod={}_{}({})",
                go_duration(c.backoff_ms / 2),
                c.name,
                pod.metadata.name,
                pod.metadata.namespace,
                pod.metadata.uid
            )),
        ),
        Stage::Done => c.last_exit.as_ref().map(terminated).unwrap_or_default(),
    };
    let last_state = match (&c.stage, &c.last_exit) {
        (Stage::Done, _) | (_, None) => None,
        (_, Some(e)) => Some(terminated(e)),
    };
    let started = !matches!(c.stage, Stage::Pulling { .. } | Stage::PullFailed { .. });
    ContainerStatus {
        name: c.name.clone(),
        state,
        last_state,
        ready: c.ready,
        restart_count: c.restarts,
        image: c.image.clone(),
        image_id: c.image_id.clone().unwrap_or_default(),
        container_id: started.then(|| {
            [
                "containerd://",
                &short_hash(
                    &[
                        &pod.metadata.uid,
                        "/",
                        &c.name,
                        "/",
                        &c.restarts.to_string(),
                    ]
                    .concat(),
                ),
            ]
            .concat()
        }),
        started: Some(matches!(c.stage, Stage::Running { .. })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_ids_are_four_rounds_of_fnv_in_hex() {
        let text = "uid/web/0";
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut want = String::new();
        for round in 0..4u8 {
            for b in text.bytes().chain([round]) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            want.push_str(&format!("{h:016x}"));
        }
        assert_eq!(short_hash(text), want);
    }

    #[test]
    fn pod_runtimes_serialize_in_uid_order() {
        let mut state = KubeletState::default();
        for uid in ["c", "a", "b"] {
            state.pods.insert(
                uid.into(),
                PodRuntime {
                    node: "node-1".into(),
                    ip: "10.244.1.2".into(),
                    started: SimTime::ZERO,
                    containers: vec![],
                    stopping_until: None,
                    seen_rv: String::new(),
                },
            );
        }
        let json = serde_json::to_string(&state).unwrap();
        let (a, b, c) = (
            json.find("\"a\"").unwrap(),
            json.find("\"b\"").unwrap(),
            json.find("\"c\"").unwrap(),
        );
        assert!(a < b && b < c, "{json}");
        let back: KubeletState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, state);
    }
}
