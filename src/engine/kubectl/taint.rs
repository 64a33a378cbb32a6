//! `kubectl taint`: adds, changes and removes node taints, with kubectl's parsing
//! (`key[=value]:Effect`, `key:Effect-`, `key-`), its checks and its words
//! (`tainted`, `untainted`, `modified`). The scheduler reads the taints, and the taint
//! eviction controller (`controllers::taint_eviction`) evicts the running pods a
//! NoExecute taint no longer lets stay.

use super::args::Args;
use super::{check_flags, Output};
use crate::engine::cluster::{not_found, Cluster};
use crate::engine::explain::ObjRef;
use crate::engine::kinds::{Node, Taint};
use crate::engine::meta::LabelQuery;
use crate::engine::object::{resolve_resource, Object};
use crate::engine::validate;

/// The taint effects the API server accepts.
pub const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// The taints a command adds and the ones it removes (an empty effect removes every
/// taint with the key), as kubectl's `parseTaints` reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaintChanges {
    /// `key[=value]:Effect`, in the order given.
    pub add: Vec<Taint>,
    /// `key:Effect-` or `key-`.
    pub remove: Vec<Taint>,
}

/// Reads the taint arguments: `dedicated=gpu:NoSchedule`, `dedicated:NoSchedule-`,
/// `dedicated-`. Errors are kubectl's: `invalid taint effect: Foo, unsupported taint
/// effect`, `invalid taint spec: dedicated` (adding needs an effect), duplicates.
pub fn parse_taints(specs: &[String]) -> Result<TaintChanges, String> {
    let mut changes = TaintChanges::default();
    for spec in specs {
        if let Some(removed) = spec.strip_suffix('-') {
            let t = parse_taint(removed)?;
            changes.remove.push(Taint { value: None, ..t });
            continue;
        }
        let t = parse_taint(spec)?;
        if t.effect.is_empty() {
            return Err(format!("invalid taint spec: {spec}"));
        }
        if changes
            .add
            .iter()
            .any(|a| a.key == t.key && a.effect == t.effect)
        {
            return Err(format!(
                "duplicated taints with the same key and effect: {}",
                go_taint(&t)
            ));
        }
        changes.add.push(t);
    }
    Ok(changes)
}

/// One `key[=value][:effect]`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (*key, None, ""),
        [kv, effect] => {
            if !EFFECTS.contains(effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [key] => (*key, None, *effect),
                [key, value] => {
                    let errs = validate::label_value(value);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    (*key, Some(value.to_string()), *effect)
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = validate::qualified_name(key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint {
        key: key.to_string(),
        value: value.filter(|v| !v.is_empty()),
        effect: effect.to_string(),
        time_added: None,
    })
}

/// A taint as Go's `%v` prints the struct, for the duplicate error.
fn go_taint(t: &Taint) -> String {
    format!(
        "{{{} {} {} <nil>}}",
        t.key,
        t.value.as_deref().unwrap_or(""),
        t.effect
    )
}

/// `key=value:Effect`, `key:Effect` or `key` (`Taint.ToString`).
fn taint_string(t: &Taint) -> String {
    match (t.value.as_deref(), t.effect.is_empty()) {
        (None, true) => t.key.clone(),
        (Some(v), true) => format!("{}={v}:", t.key),
        (None, false) => format!("{}:{}", t.key, t.effect),
        (Some(v), false) => format!("{}={v}:{}", t.key, t.effect),
    }
}

/// What `reorganizeTaints` did to a node's taints, the word kubectl prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Only added.
    Tainted,
    /// Only removed (or nothing new).
    Untainted,
    /// Added and removed, or `--overwrite`.
    Modified,
}

impl Operation {
    fn word(self) -> &'static str {
        match self {
            Operation::Tainted => "tainted",
            Operation::Untainted => "untainted",
            Operation::Modified => "modified",
        }
    }
}

/// A node's taints after `changes`, as kubectl's `reorganizeTaints` computes them: the
/// added taints first, then the old ones they do not replace, minus the removed ones.
/// A removal that finds nothing is an error (`taint "x:NoSchedule" not found`), and
/// then nothing changes. kubectl decides `modified` from the last removal only; so
/// does this.
pub fn reorganize_taints(
    old: &[Taint],
    changes: &TaintChanges,
    overwrite: bool,
) -> Result<(Operation, Vec<Taint>), String> {
    let same = |a: &Taint, b: &Taint| a.key == b.key && a.effect == b.effect;
    let mut taints = changes.add.clone();
    for o in old {
        if !taints.iter().any(|t| same(t, o)) {
            taints.push(o.clone());
        }
    }
    let added = old.len() != taints.len();
    let mut errors = Vec::new();
    let mut deleted = false;
    for r in &changes.remove {
        let before = taints.len();
        taints.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
        deleted = taints.len() != before;
        if !deleted {
            errors.push(format!("taint \"{}\" not found", taint_string(r)));
        }
    }
    match errors.as_slice() {
        [] => {}
        [one] => return Err(one.clone()),
        many => return Err(format!("[{}]", many.join(", "))),
    }
    let op = if (added && deleted) || overwrite {
        Operation::Modified
    } else if added {
        Operation::Tainted
    } else {
        Operation::Untainted
    };
    Ok((op, taints))
}

/// `kubectl taint nodes NAME... KEY[=VALUE]:EFFECT... [--overwrite]`, with `-l` or
/// `--all` in place of names.
pub fn taint(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(a, "taint", &["--selector", "--overwrite", "--all"]) {
        return o;
    }
    // Resources first, then taint changes: a word with `=`, `:` or a trailing `-`.
    let mut resources = Vec::new();
    let mut specs = Vec::new();
    for w in &a.positional {
        let is_taint = w.contains('=') || w.contains(':') || w.ends_with('-');
        match (is_taint, specs.is_empty()) {
            (true, _) => specs.push(w.clone()),
            (false, true) => resources.push(w.clone()),
            (false, false) => {
                return Output::err(format!(
                    "error: all resources must be specified before taint changes: {w}"
                ))
            }
        }
    }
    let Some(kind) = resources.first() else {
        return Output::err("error: one or more resources must be specified as <resource> <name>");
    };
    if specs.is_empty() {
        return Output::err("error: at least one taint update is required");
    }
    let changes = match parse_taints(&specs) {
        Ok(c) => c,
        Err(e) => {
            return Output::err(format!(
                "error: {e}\nSee 'kubectl taint -h' for help and examples"
            ))
        }
    };
    // `nodes NAME` or `node/NAME`.
    let (kind, mut names) = match kind.split_once('/') {
        Some((k, n)) => (k.to_ascii_lowercase(), vec![n.to_string()]),
        None => (kind.to_ascii_lowercase(), Vec::new()),
    };
    names.extend(resources[1..].iter().cloned());
    match resolve_resource(&kind) {
        None => {
            return Output::err(format!(
                "error: the server doesn't have a resource type \"{kind}\""
            ))
        }
        Some(k) if k.kind != "Node" => {
            return Output::err(format!(
                "error: invalid resource type {kind}, only node types are supported"
            ))
        }
        Some(_) => {}
    }
    let conflicts: Vec<String> = changes
        .add
        .iter()
        .flat_map(|t| {
            changes
                .remove
                .iter()
                .filter(move |r| r.key == t.key && (r.effect.is_empty() || r.effect == t.effect))
        })
        .map(|r| format!("{{\"{}\":\"{}\"}}", r.key, r.effect))
        .collect();
    if !conflicts.is_empty() {
        return Output::err(format!(
            "error: can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    let selector = a.get("--selector").unwrap_or("");
    let all = a.bool("--all");
    if all && !selector.is_empty() {
        return Output::err(
            "error: setting 'all' parameter with a non empty selector is prohibited",
        );
    }
    if !all && selector.is_empty() && names.is_empty() {
        return Output::err(
            "error: at least one resource name must be specified since 'all' parameter is not set",
        );
    }
    let query = match (!selector.is_empty())
        .then(|| LabelQuery::parse(selector))
        .transpose()
    {
        Ok(q) => q,
        Err(e) => return Output::err(format!("error: {e}")),
    };
    let mut nodes: Vec<Result<Node, String>> = Vec::new();
    if all || query.is_some() {
        for n in cluster.store.nodes.values() {
            if query.as_ref().is_none_or(|q| q.matches(&n.metadata.labels)) {
                nodes.push(Ok(n.clone()));
            }
        }
    } else {
        for name in &names {
            nodes.push(
                cluster
                    .store
                    .get::<Node>("", name)
                    .cloned()
                    .ok_or_else(|| not_found("Node", name)),
            );
        }
    }
    let overwrite = a.bool("--overwrite");
    let mut out = Output::ok("");
    for node in nodes {
        let mut node = match node {
            Ok(n) => n,
            Err(e) => {
                out.push(&e);
                out.ok = false;
                continue;
            }
        };
        let name = node.metadata.name.clone();
        match update_taints(&mut node, &changes, overwrite) {
            Ok(op) => {
                let why = explain(&name, &changes);
                cluster.update(Object::Node(node));
                cluster.explain("kubectl", ObjRef::new("Node", "", &name), why);
                out.push(&format!("node/{name} {}", op.word()));
            }
            Err(e) => {
                out.push(&format!("error: {e}"));
                out.ok = false;
            }
        }
    }
    out
}

/// kubectl's `updateTaints`: without `--overwrite`, a taint whose key and effect the
/// node already has is refused.
fn update_taints(
    node: &mut Node,
    changes: &TaintChanges,
    overwrite: bool,
) -> Result<Operation, String> {
    if !overwrite {
        let existing: Vec<&str> = changes
            .add
            .iter()
            .flat_map(|t| {
                node.spec
                    .taints
                    .iter()
                    .filter(move |o| o.key == t.key && o.effect == t.effect)
                    .map(move |_| t.key.as_str())
            })
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                node.metadata.name,
                existing.join(",")
            ));
        }
    }
    let (op, taints) = reorganize_taints(&node.spec.taints, changes, overwrite)?;
    node.spec.taints = taints;
    Ok(op)
}

/// The cause recorded for a taint change: what each effect does to pods.
fn explain(node: &str, changes: &TaintChanges) -> String {
    let mut parts = Vec::new();
    for t in &changes.add {
        let effect = match t.effect.as_str() {
            "NoSchedule" => "the scheduler places no pod there unless it tolerates the taint; pods already there stay",
            "PreferNoSchedule" => "the scheduler now prefers other nodes for pods that do not tolerate the taint, but still uses this one when nothing else fits; pods already there stay",
            _ => "no new pod goes there without a toleration, and the taint eviction controller evicts the running pods that do not tolerate it (those that tolerate it for tolerationSeconds, when that time is up)",
        };
        parts.push(format!(
            "kubectl tainted node {node} with {}: {effect}.",
            taint_string(t)
        ));
    }
    for t in &changes.remove {
        parts.push(format!(
            "kubectl removed the taint {} from node {node}: pods that did not tolerate it may be scheduled there again.",
            taint_string(t)
        ));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: Option<&str>, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.map(str::to_string),
            effect: effect.into(),
            time_added: None,
        }
    }

    fn specs(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn taint_specs_read_as_kubectl_reads_them() {
        struct Case {
            spec: &'static str,
            add: Option<Taint>,
            remove: Option<Taint>,
        }
        for c in [
            Case {
                spec: "dedicated=gpu:NoSchedule",
                add: Some(taint("dedicated", Some("gpu"), "NoSchedule")),
                remove: None,
            },
            Case {
                spec: "example.com/spot:PreferNoSchedule",
                add: Some(taint("example.com/spot", None, "PreferNoSchedule")),
                remove: None,
            },
            Case {
                spec: "dedicated:NoExecute-",
                add: None,
                remove: Some(taint("dedicated", None, "NoExecute")),
            },
            Case {
                spec: "dedicated-",
                add: None,
                remove: Some(taint("dedicated", None, "")),
            },
        ] {
            let got = parse_taints(&specs(&[c.spec])).unwrap();
            assert_eq!(got.add.first(), c.add.as_ref(), "{}", c.spec);
            assert_eq!(got.remove.first(), c.remove.as_ref(), "{}", c.spec);
        }
    }

    #[test]
    fn bad_taint_specs_are_refused_in_kubectls_words() {
        for (spec, want) in [
            (
                "dedicated=gpu:NoWay",
                "invalid taint effect: NoWay, unsupported taint effect",
            ),
            ("a=b=c:NoSchedule", "invalid taint spec: a=b=c:NoSchedule"),
            ("a:b:c", "invalid taint spec: a:b:c"),
        ] {
            assert_eq!(parse_taints(&specs(&[spec])), Err(want.to_string()));
        }
        // Without an effect the whole word is the key, and `=` is not allowed in one.
        for spec in ["-x:NoSchedule", "dedicated=gpu"] {
            let e = parse_taints(&specs(&[spec])).unwrap_err();
            let want = format!("invalid taint spec: {spec}, name part must consist of");
            assert!(e.starts_with(&want), "{e}");
        }
        assert_eq!(
            parse_taints(&specs(&["a=1:NoSchedule", "a=2:NoSchedule"])),
            Err("duplicated taints with the same key and effect: {a 2 NoSchedule <nil>}".into())
        );
    }

    #[test]
    fn reorganizing_says_what_happened() {
        let gpu = taint("gpu", Some("yes"), "NoSchedule");
        let spot = taint("spot", None, "NoExecute");
        struct Case {
            name: &'static str,
            old: Vec<Taint>,
            specs: &'static [&'static str],
            overwrite: bool,
            want: Result<(Operation, Vec<Taint>), String>,
        }
        for c in [
            Case {
                name: "a new taint goes first",
                old: vec![spot.clone()],
                specs: &["gpu=yes:NoSchedule"],
                overwrite: false,
                want: Ok((Operation::Tainted, vec![gpu.clone(), spot.clone()])),
            },
            Case {
                name: "removing by key and effect",
                old: vec![gpu.clone(), spot.clone()],
                specs: &["gpu:NoSchedule-"],
                overwrite: false,
                want: Ok((Operation::Untainted, vec![spot.clone()])),
            },
            Case {
                name: "removing by key takes every effect",
                old: vec![gpu.clone(), taint("gpu", None, "NoExecute")],
                specs: &["gpu-"],
                overwrite: false,
                want: Ok((Operation::Untainted, vec![])),
            },
            Case {
                name: "adding and removing at once",
                old: vec![gpu.clone()],
                specs: &["spot:NoExecute", "gpu-"],
                overwrite: false,
                want: Ok((Operation::Modified, vec![spot.clone()])),
            },
            Case {
                name: "overwrite replaces the value in place of the old",
                old: vec![gpu.clone()],
                specs: &["gpu=no:NoSchedule"],
                overwrite: true,
                want: Ok((
                    Operation::Modified,
                    vec![taint("gpu", Some("no"), "NoSchedule")],
                )),
            },
            Case {
                name: "removing what is not there",
                old: vec![],
                specs: &["gpu:NoSchedule-"],
                overwrite: false,
                want: Err("taint \"gpu:NoSchedule\" not found".into()),
            },
        ] {
            let changes = parse_taints(&specs(c.specs)).unwrap();
            assert_eq!(
                reorganize_taints(&c.old, &changes, c.overwrite),
                c.want,
                "{}",
                c.name
            );
        }
    }

    #[test]
    fn an_existing_taint_needs_overwrite() {
        let mut node = Node::default();
        node.metadata.name = "node-1".into();
        node.spec.taints = vec![taint("gpu", Some("yes"), "NoSchedule")];
        let changes = parse_taints(&specs(&["gpu=no:NoSchedule"])).unwrap();
        assert_eq!(
            update_taints(&mut node, &changes, false),
            Err(
                "node node-1 already has gpu taint(s) with same effect(s) and --overwrite is false"
                    .into()
            )
        );
        assert_eq!(node.spec.taints[0].value.as_deref(), Some("yes"));
        assert_eq!(
            update_taints(&mut node, &changes, true),
            Ok(Operation::Modified)
        );
        assert_eq!(node.spec.taints[0].value.as_deref(), Some("no"));
    }
}
