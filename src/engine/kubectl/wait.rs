//! `kubectl wait --for=...`: runs the simulated clock until each object meets the
//! condition (`condition=Available`, `condition=Ready=false`, `delete`,
//! `jsonpath={.status.phase}=Running`), or the timeout (30 s unless `--timeout`)
//! passes. Like kubectl it waits for the objects one after another, printing
//! `deployment.apps/web condition met` for each.

use super::args::Args;
use super::get::{parse_selection, select};
use super::jsonpath::Template;
use super::{check_flags, namespace, Output};
use crate::engine::cluster::{Cluster, Flow, Watch};
use crate::engine::meta::LabelQuery;
use crate::engine::object::Object;
use crate::engine::time::parse_duration;
use serde_json::Value;

/// What `--for` asks.
enum Condition {
    /// `delete`: the object is gone.
    Deleted,
    /// `condition=Type[=value]`: that status condition has that status (`True` unless given).
    Status { type_: String, value: String },
    /// `jsonpath={...}=value`: the template prints the value.
    JsonPath { template: Template, value: String },
}

impl Condition {
    fn parse(text: &str) -> Result<Condition, String> {
        if text == "delete" {
            return Ok(Condition::Deleted);
        }
        if let Some(rest) = text.strip_prefix("condition=") {
            let (type_, value) = rest.split_once('=').unwrap_or((rest, "True"));
            return Ok(Condition::Status {
                type_: type_.to_string(),
                value: value.to_string(),
            });
        }
        if let Some(rest) = text.strip_prefix("jsonpath=") {
            // `{.status.phase}=Running`; the value follows the template's closing brace.
            let Some((path, value)) = rest.rsplit_once('=') else {
                return Err(format!("error: jsonpath wait format must be --for=jsonpath='{{.status.readyReplicas}}'=3: {text}"));
            };
            let template = Template::parse(path).map_err(|e| format!("error: {e}"))?;
            return Ok(Condition::JsonPath {
                template,
                value: value.to_string(),
            });
        }
        Err(format!("error: unrecognized condition: \"{text}\""))
    }

    /// Whether `object` (as the API returns it) meets it; `None` when it is gone.
    fn met(&self, object: Option<&Value>) -> bool {
        match (self, object) {
            (Condition::Deleted, found) => found.is_none(),
            (_, None) => false,
            (Condition::Status { type_, value }, Some(o)) => o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| {
                    c.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case(type_))
                        && c.get("status")
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.eq_ignore_ascii_case(value))
                }),
            (Condition::JsonPath { template, value }, Some(o)) => {
                template.execute(o).is_ok_and(|printed| printed == *value)
            }
        }
    }
}

/// `kubectl wait`, calling `watch` after every controller action while it waits; it
/// stops where `watch` says [`Flow::Halt`], with what it printed so far.
pub fn wait(cluster: &mut Cluster, a: &Args, watch: Watch) -> (Output, Flow) {
    let (condition, timeout_ms, targets) = match plan(cluster, a) {
        Ok(p) => p,
        Err(o) => return (o, Flow::Go),
    };
    let mut out = Output::ok("");
    for target in targets {
        let info = target.info();
        let (kind, tns, name, uid) = {
            let m = target.meta();
            (
                target.kind_name().to_string(),
                m.namespace.clone(),
                m.name.clone(),
                m.uid.clone(),
            )
        };
        let shown = info.map_or_else(|| kind.to_ascii_lowercase(), |k| k.qualified());
        let plural = info.map_or_else(|| kind.to_ascii_lowercase(), |k| k.plural.to_string());
        let start = cluster.now();
        // The same object: a new one of the same name does not count.
        let met = |c: &Cluster| {
            let now = c
                .store
                .get_object(&kind, &tns, &name)
                .filter(|o| o.meta().uid == uid)
                .map(|o| o.to_api_value());
            condition.met(now.as_ref())
        };
        if super::wait_until(cluster, timeout_ms, watch, met) == Flow::Halt {
            return (out, Flow::Halt);
        }
        if met(cluster) {
            out.push(&format!("{shown}/{name} condition met"));
            continue;
        }
        // Nothing is due before the timeout, so nothing changes: the clock runs out the
        // wait, as kubectl's does.
        let left = timeout_ms.saturating_sub(cluster.now().since(start));
        if left > 0 && cluster.advance_watched(left, watch) == Flow::Halt {
            return (out, Flow::Halt);
        }
        out.push(&format!(
            "error: timed out waiting for the condition on {plural}/{name}"
        ));
        out.ok = false;
        return (out, Flow::Go);
    }
    (out, Flow::Go)
}

/// What to wait for, how long, and on which objects; or the error to print.
fn plan(cluster: &Cluster, a: &Args) -> Result<(Condition, u64, Vec<Object>), Output> {
    check_flags(
        a,
        "wait",
        &["--for", "--timeout", "--namespace", "--selector", "--all"],
    )?;
    let Some(for_) = a.get("--for") else {
        return Err(Output::err("error: --for must be specified"));
    };
    let condition = match Condition::parse(for_) {
        Ok(c) => c,
        Err(e) => return Err(Output::err(e)),
    };
    let timeout_ms = match a.get("--timeout") {
        None => 30_000,
        // A negative timeout is a week, as kubectl's.
        Some(t) if t.starts_with('-') => 7 * 24 * 3_600_000,
        Some(t) => match parse_duration(t) {
            Ok(ms) => ms,
            Err(e) => {
                return Err(Output::err(format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: {e}"
                )))
            }
        },
    };
    let sel = match parse_selection(&a.positional) {
        Ok(s) => s,
        Err(e) => return Err(Output::err(e.replace("to get", "to wait on"))),
    };
    let query = match a.get("--selector").map(LabelQuery::parse).transpose() {
        Ok(q) => q,
        Err(e) => return Err(Output::err(format!("error: {e}"))),
    };
    let ns = namespace(a);
    let mut targets: Vec<Object> = Vec::new();
    for (kind, names) in &sel.groups {
        if names.is_empty() && query.is_none() && !a.bool("--all") {
            return Err(Output::err(
                "error: resource(s) were provided, but no name was specified",
            ));
        }
        let (objs, errors) = select(cluster, kind, names, Some(&ns), query.as_ref());
        if let Some(e) = errors.first() {
            return Err(Output::err(e.clone()));
        }
        targets.extend(objs);
    }
    if targets.is_empty() {
        return Err(Output::err("error: no matching resources found"));
    }
    Ok((condition, timeout_ms, targets))
}
