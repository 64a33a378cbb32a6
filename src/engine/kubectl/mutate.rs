//! Commands that change objects: `delete`, `scale`, `label`, `cordon`, `uncordon`.

use super::args::Args;
use super::get::{parse_selection, select};
use super::{check_flags, namespace, Input, Output};
use crate::engine::cluster::{not_found, Cluster, Flow, Watch};
use crate::engine::explain::ObjRef;
use crate::engine::manifest::parse_manifests;
use crate::engine::meta::LabelQuery;
use crate::engine::object::{resolve_resource, Object};

/// The longest `delete --wait` lets simulated time run for one command.
const WAIT_LIMIT_MS: u64 = 120_000;

/// `kubectl delete`. Unless told not to (`--wait=false`, or reactions deferred:
/// [`Cluster::defer_reactions`]), waits until what it deleted is gone, letting time run,
/// calling `watch` after each controller action and stopping where it says
/// [`Flow::Halt`].
pub fn delete(cluster: &mut Cluster, a: &Args, input: &Input, watch: Watch) -> (Output, Flow) {
    if let Err(o) = check_flags(
        a,
        "delete",
        &[
            "--namespace",
            "--filename",
            "--selector",
            "--all",
            "--grace-period",
            "--force",
            "--wait",
            "--now",
            "--all-namespaces",
            "--cascade",
            "--ignore-not-found",
        ],
    ) {
        return (o, Flow::Go);
    }
    let ns = namespace(a);
    let mut targets: Vec<Object> = Vec::new();
    let mut out = Output::ok("");
    let mut errors = Vec::new();
    if let Some(f) = a.get("--filename") {
        let text = match input.read(f) {
            Ok(t) => t,
            Err(e) => return (Output::err(e), Flow::Go),
        };
        for po in parse_manifests(&text).objects {
            let o = po.object;
            let namespaced = o.info().is_none_or(|k| k.namespaced);
            let o_ns = if !namespaced {
                String::new()
            } else if o.meta().namespace.is_empty() {
                ns.clone()
            } else {
                o.meta().namespace.clone()
            };
            match cluster
                .store
                .get_object(o.kind_name(), &o_ns, &o.meta().name)
            {
                Some(live) => targets.push(live),
                None => errors.push(not_found(o.kind_name(), &o.meta().name).replace(
                    "(NotFound): ",
                    &format!("(NotFound): error when deleting \"{f}\": "),
                )),
            }
        }
    } else {
        if a.positional.is_empty() {
            return (Output::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"), Flow::Go);
        }
        let sel = match parse_selection(&a.positional) {
            Ok(s) => s,
            Err(e) => return (Output::err(e), Flow::Go),
        };
        let query = match a.get("--selector").map(LabelQuery::parse).transpose() {
            Ok(q) => q,
            Err(e) => return (Output::err(format!("error: {e}")), Flow::Go),
        };
        for (kind, names) in &sel.groups {
            if names.is_empty() && query.is_none() && !a.bool("--all") {
                return (
                    Output::err("error: resource(s) were provided, but no name was specified"),
                    Flow::Go,
                );
            }
            let scope = (!a.bool("--all-namespaces")).then_some(ns.as_str());
            let (found, errs) = select(cluster, kind, names, scope, query.as_ref());
            targets.extend(found);
            if !a.bool("--ignore-not-found") {
                errors.extend(errs);
            }
        }
        if targets.is_empty() && errors.is_empty() {
            out.push(&super::print::no_resources(Some(&ns)));
        }
    }
    let force = a.bool("--force");
    let grace = match a.int("--grace-period") {
        Ok(g) => g
            .filter(|g| *g >= 0)
            .or(if a.bool("--now") { Some(1) } else { None })
            .or(if force { Some(0) } else { None }),
        Err(e) => return (Output::err(e), Flow::Go),
    };
    if force && grace == Some(0) {
        out.push("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let mut refs = Vec::new();
    for o in &targets {
        let m = o.meta();
        let kind_label = o
            .info()
            .map_or_else(|| o.kind_name().to_ascii_lowercase(), |k| k.qualified());
        match cluster.delete(o.kind_name(), &m.namespace, &m.name, grace) {
            Ok(()) => {
                out.push(&format!(
                    "{kind_label} \"{}\" {}deleted",
                    m.name,
                    if force && grace == Some(0) {
                        "force "
                    } else {
                        ""
                    }
                ));
                cluster.explain(
                    "kubectl",
                    ObjRef::new(o.kind_name(), &m.namespace, &m.name),
                    format!("kubectl asked to delete {} {}.", o.kind_name(), m.name),
                );
                refs.push((
                    o.kind_name().to_string(),
                    m.namespace.clone(),
                    m.name.clone(),
                    m.uid.clone(),
                ));
            }
            Err(e) => errors.push(e),
        }
    }
    // kubectl waits until what it deleted is gone; in the simulation, time runs meanwhile.
    let mut flow = Flow::Go;
    if a.get("--wait").is_none_or(|w| w != "false") && !refs.is_empty() && cluster.reacts_inline() {
        flow = super::wait_until(cluster, WAIT_LIMIT_MS, watch, |cluster| {
            !refs.iter().any(|(k, ns, n, uid)| {
                cluster
                    .store
                    .get_object(k, ns, n)
                    .is_some_and(|o| o.meta().uid == *uid)
            })
        });
    }
    // What it prints does not depend on the wait, so a halted delete prints it all.
    for e in &errors {
        out.push(e);
    }
    out.ok = errors.is_empty();
    (out, flow)
}

fn one_target(cluster: &Cluster, a: &Args, cmd: &str) -> Result<(Object, Vec<String>), Output> {
    let (kind, name, rest) = match a.positional.first().and_then(|p| p.split_once('/')) {
        Some((t, n)) => (t.to_string(), n.to_string(), a.positional[1..].to_vec()),
        None => match (a.positional.first(), a.positional.get(1)) {
            (Some(t), Some(n)) => (t.clone(), n.clone(), a.positional[2..].to_vec()),
            _ => return Err(Output::err(format!("error: resource(s) were provided, but no name was specified\nSee 'kubectl {cmd} -h' for help and examples"))),
        },
    };
    let info = resolve_resource(&kind).ok_or_else(|| {
        Output::err(format!(
            "error: the server doesn't have a resource type \"{kind}\""
        ))
    })?;
    let ns = if info.namespaced {
        namespace(a)
    } else {
        String::new()
    };
    let obj = cluster
        .store
        .get_object(info.kind, &ns, &name)
        .ok_or_else(|| Output::err(not_found(info.kind, &name)))?;
    Ok((obj, rest))
}

fn label_of(o: &Object) -> String {
    let k = o
        .info()
        .map_or_else(|| o.kind_name().to_ascii_lowercase(), |k| k.qualified());
    format!("{k}/{}", o.meta().name)
}

/// `kubectl scale TYPE NAME --replicas=N`.
pub fn scale(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "scale",
        &["--replicas", "--namespace", "--current-replicas"],
    ) {
        return o;
    }
    let replicas = match a.int("--replicas") {
        Ok(Some(r)) if r >= 0 => r as i32,
        Ok(Some(_)) => return Output::err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"),
        Ok(None) => return Output::err("error: required flag(s) \"replicas\" not set"),
        Err(e) => return Output::err(e),
    };
    let (mut obj, _) = match one_target(cluster, a, "scale") {
        Ok(t) => t,
        Err(o) => return o,
    };
    let current = match &mut obj {
        Object::Deployment(d) => d.spec.replicas.replace(replicas),
        Object::ReplicaSet(r) => r.spec.replicas.replace(replicas),
        other => {
            return Output::err(format!(
                "error: no scaler has been implemented for {{\"{}\" \"{}\"}}",
                other.info().map_or("", |k| k.group),
                other.kind_name()
            ))
        }
    };
    if let Ok(Some(want)) = a.int("--current-replicas") {
        if current.map(i64::from) != Some(want) {
            return Output::err(format!(
                "error: Expected replicas to be {want}, was {}",
                current.unwrap_or(1)
            ));
        }
    }
    let label = label_of(&obj);
    let m = obj.meta().clone();
    cluster.update(obj);
    cluster.explain("kubectl", ObjRef::new(&label_kind(&label), &m.namespace, &m.name), format!("kubectl scale set replicas of {} to {replicas} (was {}); only the number in the spec changes, and controllers do the rest.", m.name, current.unwrap_or(1)));
    Output::ok(format!("{label} scaled\n"))
}

fn label_kind(label: &str) -> String {
    let k = label.split(['/', '.']).next().unwrap_or("");
    resolve_resource(k).map_or(k.to_string(), |i| i.kind.to_string())
}

/// `kubectl label TYPE NAME k=v k2-`.
pub fn label(cluster: &mut Cluster, a: &Args) -> Output {
    set_meta_map(cluster, a, MetaMap::Labels)
}

/// `kubectl annotate TYPE NAME k=v k2-` (a `kubernetes.io/change-cause` annotation on
/// a Deployment is copied to its new ReplicaSet and shows in `rollout history`).
pub fn annotate(cluster: &mut Cluster, a: &Args) -> Output {
    set_meta_map(cluster, a, MetaMap::Annotations)
}

/// Which of the metadata maps `label` and `annotate` change.
#[derive(Clone, Copy, PartialEq)]
enum MetaMap {
    Labels,
    Annotations,
}

impl MetaMap {
    fn of(self, o: &mut Object) -> &mut crate::engine::meta::StringMap {
        match self {
            MetaMap::Labels => &mut o.meta_mut().labels,
            MetaMap::Annotations => &mut o.meta_mut().annotations,
        }
    }
}

fn set_meta_map(cluster: &mut Cluster, a: &Args, which: MetaMap) -> Output {
    let verb = match which {
        MetaMap::Labels => "label",
        MetaMap::Annotations => "annotate",
    };
    if let Err(o) = check_flags(
        a,
        verb,
        &["--overwrite", "--namespace", "--all", "--selector"],
    ) {
        return o;
    }
    let (objects, changes) = match meta_targets(cluster, a, verb) {
        Ok(t) => t,
        Err(o) => return o,
    };
    if changes.is_empty() {
        return Output::err(match which {
            MetaMap::Labels => "error: at least one label update is required",
            MetaMap::Annotations => "error: at least one annotation update is required",
        });
    }
    // kubectl reads every change before it touches an object: a bad spec changes nothing.
    if let Some(bad) = changes
        .iter()
        .find(|c| !c.ends_with('-') && !c.contains('='))
    {
        return Output::err(match which {
            MetaMap::Labels => format!("error: invalid label spec: {bad}"),
            MetaMap::Annotations => format!("error: invalid annotation spec: {bad}"),
        });
    }
    // kubectl visits the objects in order and stops at the first it cannot change.
    let mut out = Output::ok("");
    for obj in objects {
        match set_one(cluster, a, which, obj, &changes) {
            Ok(line) => out.push(&line),
            Err(e) => {
                out.push(&e);
                out.ok = false;
                break;
            }
        }
    }
    out
}

/// The objects `label` or `annotate` changes, and the changes: `TYPE NAME k=v`,
/// `TYPE/NAME k=v`, or `TYPE k=v` with `--all` or `-l SELECTOR` (every object of the
/// type in the namespace, or those the selector matches).
fn meta_targets(
    cluster: &Cluster,
    a: &Args,
    cmd: &str,
) -> Result<(Vec<Object>, Vec<String>), Output> {
    if !a.bool("--all") && a.get("--selector").is_none() {
        return one_target(cluster, a, cmd).map(|(o, changes)| (vec![o], changes));
    }
    let Some(kind) = a.positional.first() else {
        return Err(Output::err(format!("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {cmd} -h' for help and examples")));
    };
    let info = resolve_resource(kind).ok_or_else(|| {
        Output::err(format!(
            "error: the server doesn't have a resource type \"{kind}\""
        ))
    })?;
    let query = a
        .get("--selector")
        .map(LabelQuery::parse)
        .transpose()
        .map_err(|e| Output::err(format!("error: {e}")))?;
    let ns = if info.namespaced {
        namespace(a)
    } else {
        String::new()
    };
    let objects = cluster
        .store
        .list_kind(info.kind)
        .into_iter()
        .filter(|o| o.meta().namespace == ns)
        .filter(|o| query.as_ref().is_none_or(|q| q.matches(&o.meta().labels)))
        .collect();
    Ok((objects, a.positional[1..].to_vec()))
}

/// Applies `changes` to one object's labels or annotations; the line kubectl prints.
fn set_one(
    cluster: &mut Cluster,
    a: &Args,
    which: MetaMap,
    mut obj: Object,
    changes: &[String],
) -> Result<String, String> {
    let before = which.of(&mut obj).clone();
    for c in changes {
        if let Some(k) = c.strip_suffix('-') {
            which.of(&mut obj).remove(k);
        } else if let Some((k, v)) = c.split_once('=') {
            if let Some(old) = before.get(k) {
                if old != v && !a.bool("--overwrite") {
                    return Err(match which {
                        MetaMap::Labels => format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false"
                        ),
                        MetaMap::Annotations => format!(
                            "error: --overwrite is false but found the following declared annotation(s): '{k}' already has a value ({old})"
                        ),
                    });
                }
            }
            which.of(&mut obj).insert(k.to_string(), v.to_string());
        } else {
            return Err(match which {
                MetaMap::Labels => format!("error: invalid label spec: {c}"),
                MetaMap::Annotations => format!("error: invalid annotation spec: {c}"),
            });
        }
    }
    let label = label_of(&obj);
    let unchanged = *which.of(&mut obj) == before;
    if unchanged && which == MetaMap::Labels {
        return Ok(format!("{label} not labeled"));
    }
    let m = obj.meta().clone();
    let kind = obj.kind_name().to_string();
    if !unchanged {
        cluster.update(obj);
        let why = match which {
            MetaMap::Labels => format!("kubectl changed the labels of {kind} {}; selectors that match labels (ReplicaSets, Services) re-evaluate it.", m.name),
            MetaMap::Annotations => format!("kubectl changed the annotations of {kind} {}; annotations are notes for people and tools, and no selector reads them.", m.name),
        };
        cluster.explain("kubectl", ObjRef::new(&kind, &m.namespace, &m.name), why);
    }
    Ok(match which {
        MetaMap::Labels => format!("{label} labeled"),
        MetaMap::Annotations => format!("{label} annotated"),
    })
}

/// `kubectl cordon NODE` and `kubectl uncordon NODE`.
pub fn cordon(cluster: &mut Cluster, a: &Args, on: bool) -> Output {
    let verb = if on { "cordon" } else { "uncordon" };
    if let Err(o) = check_flags(a, verb, &["--selector"]) {
        return o;
    }
    let Some(name) = a.positional.first() else {
        return Output::err(format!(
            "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples"
        ));
    };
    let name = name
        .trim_start_matches("node/")
        .trim_start_matches("nodes/");
    let Some(mut node) = cluster
        .store
        .get::<crate::engine::kinds::Node>("", name)
        .cloned()
    else {
        return Output::err(not_found("Node", name));
    };
    let past = if on { "cordoned" } else { "uncordoned" };
    if node.spec.unschedulable == on {
        return Output::ok(format!("node/{name} already {past}\n"));
    }
    node.spec.unschedulable = on;
    let taint = "node.kubernetes.io/unschedulable";
    node.spec.taints.retain(|t| t.key != taint);
    if on {
        node.spec.taints.push(crate::engine::kinds::Taint {
            key: taint.into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: Some(cluster.now().rfc3339()),
        });
    }
    cluster.update(Object::Node(node));
    let why = if on {
        format!("Node {name} is cordoned: the scheduler places no new pods on it; pods already there keep running.")
    } else {
        format!("Node {name} is schedulable again.")
    };
    cluster.explain("kubectl", ObjRef::new("Node", "", name), why);
    Output::ok(format!("node/{name} {past}\n"))
}
