//! `kubectl events` (kubectl 1.26+): the events of a namespace, or of one object with
//! `--for TYPE/NAME`, oldest first, each row's LAST SEEN counting repeats as
//! `5s (x3 over 40s)`. `kubectl get events` (print.rs) is the older table of the same
//! objects.

use super::args::Args;
use super::get::{to_json, to_yaml};
use super::print::{self, event_last_seen};
use super::{check_flags, namespace, Output};
use crate::engine::cluster::Cluster;
use crate::engine::kinds::Event;
use crate::engine::object::{resolve_resource, Object};
use crate::engine::time::SimTime;

/// `kubectl events [--for TYPE/NAME] [--types=Normal,Warning] [-A] [-n NS]
/// [--no-headers] [-o yaml|json]`.
pub fn events(cluster: &Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "events",
        &[
            "--namespace",
            "--all-namespaces",
            "--for",
            "--types",
            "--no-headers",
            "--output",
            "--watch",
        ],
    ) {
        return o;
    }
    if a.bool("--watch") {
        return Output::err("error: --watch is not supported in kubeplay: time moves with the clock controls; run the command again to see changes");
    }
    if let Some(extra) = a.positional.first() {
        return Output::err(format!(
            "error: unknown command \"{extra}\" for \"kubectl events\""
        ));
    }
    let types: Vec<String> = a
        .all("--types")
        .iter()
        .flat_map(|t| t.split(','))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        return Output::err("error: valid --types are Normal or Warning");
    }
    let target = match a.get("--for").map(for_object).transpose() {
        Ok(t) => t,
        Err(e) => return Output::err(e),
    };
    let all = a.bool("--all-namespaces");
    let ns = namespace(a);
    let mut events: Vec<&Event> = cluster
        .store
        .events
        .values()
        .filter(|e| all || e.metadata.namespace == ns)
        .filter(|e| {
            target.as_ref().is_none_or(|(kind, name)| {
                e.involved_object.kind == *kind && e.involved_object.name == *name
            })
        })
        .filter(|e| types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(&e.type_)))
        .collect();
    if events.is_empty() {
        return Output::ok(if all {
            "No events found.\n".to_string()
        } else {
            format!("No events found in {ns} namespace.\n")
        });
    }
    // Oldest first; ties keep the order the events were recorded in (the hex suffix of
    // an event's name grows with it), as `get events` orders them.
    crate::engine::sort::sort_by_key(&mut events, |e| {
        (
            event_last_seen(e),
            e.metadata.name.rsplit('.').next().map(str::to_string),
        )
    });
    match a.get("--output") {
        None => {}
        Some(f @ ("yaml" | "json")) => {
            let list = serde_json::json!({
                "apiVersion": "v1",
                "items": events.iter().map(|e| Object::Event((*e).clone()).to_api_value()).collect::<Vec<_>>(),
                "kind": "EventList",
                "metadata": {"resourceVersion": ""},
            });
            return Output::ok(if f == "yaml" { to_yaml(&list) } else { to_json(&list) });
        }
        Some(other) => {
            return Output::err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,yaml"
            ))
        }
    }
    let now = cluster.now();
    let mut rows = String::new();
    if !a.bool("--no-headers") {
        if all {
            rows.push_str("NAMESPACE\t");
        }
        rows.push_str("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
    }
    for e in events {
        if all {
            rows.push_str(&format!("{}\t", e.metadata.namespace));
        }
        rows.push_str(&format!(
            "{}\t{}\t{}\t{}/{}\t{}\n",
            interval(e, now),
            e.type_,
            e.reason,
            e.involved_object.kind,
            e.involved_object.name,
            e.message.trim()
        ));
    }
    Output::ok(print::align_tabs(&rows, print::TabConfig::GET))
}

/// `--for pod/web`: the kind and name events must be about.
fn for_object(text: &str) -> Result<(String, String), String> {
    let Some((resource, name)) = text.split_once('/') else {
        return Err("error: --for must be in resource/name form".into());
    };
    if name.contains('/') {
        return Err(
            "error: arguments in resource/name form may not have more than one slash".into(),
        );
    }
    let kind = resolve_resource(resource)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{resource}\""))?;
    Ok((kind.kind.to_string(), name.to_string()))
}

/// The LAST SEEN cell: the age of the first sighting, or `LAST (xN over FIRST)` for an
/// event seen more than once (kubectl's `getInterval`).
fn interval(e: &Event, now: SimTime) -> String {
    let first = print::age(e.first_timestamp.as_deref(), now);
    if e.count > 1 {
        let last = print::age(e.last_timestamp.as_deref(), now);
        format!("{last} (x{} over {first})", e.count)
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::ObjectReference;

    fn event(first_s: u64, last_s: u64, count: i32) -> Event {
        let at = |s: u64| Some(SimTime(s * 1000).rfc3339());
        Event {
            involved_object: ObjectReference {
                kind: "Pod".into(),
                name: "web-1".into(),
                ..Default::default()
            },
            first_timestamp: at(first_s),
            last_timestamp: at(last_s),
            count,
            ..Default::default()
        }
    }

    #[test]
    fn last_seen_counts_repeats_as_kubectl_events_does() {
        let now = SimTime(100_000);
        assert_eq!(interval(&event(60, 60, 1), now), "40s");
        assert_eq!(interval(&event(20, 95, 4), now), "5s (x4 over 80s)");
    }

    #[test]
    fn for_takes_resource_slash_name() {
        assert_eq!(
            for_object("deploy/web"),
            Ok(("Deployment".to_string(), "web".to_string()))
        );
        assert_eq!(
            for_object("web"),
            Err("error: --for must be in resource/name form".into())
        );
        assert!(for_object("bogus/web").is_err());
    }
}
