//! `--field-selector`: the API server's field selectors, with the fields each kind
//! supports (`metadata.name` and `metadata.namespace` everywhere, `status.phase` and
//! `spec.nodeName` on pods, `involvedObject.name` and `type` on events...).
//!
//! A selector is `field=value`, `field==value` or `field!=value` requirements joined by
//! commas, all of which must hold. A field the kind does not support is refused as the
//! API server refuses it, before anything is listed.

use crate::engine::object::KindInfo;
use serde_json::Value;

/// One requirement: a field path, whether it must equal or differ, and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    field: String,
    equals: bool,
    value: String,
}

/// A parsed field selector.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSelector {
    requirements: Vec<Requirement>,
}

/// Fields every kind supports.
const COMMON: &[&str] = &["metadata.name", "metadata.namespace"];

/// The extra fields a kind supports, as the API server registers them
/// (`pkg/registry/*/strategy.go` `...ToSelectableFields`).
fn kind_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "ReplicaSet" => &["status.replicas"],
        _ => &[],
    }
}

impl FieldSelector {
    /// Parses `text` for `kind`; `labels` is the label selector, which the API server
    /// quotes in its refusal.
    pub fn parse(text: &str, kind: &KindInfo, labels: &str) -> Result<FieldSelector, String> {
        let refuse = |why: String| {
            format!(
                "Error from server (BadRequest): Unable to find \"{}/{}, Resource={}\" that match label selector \"{labels}\", field selector \"{text}\": {why}",
                kind.group, kind.version, kind.plural
            )
        };
        let mut requirements = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, equals, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(refuse(format!(
                    "invalid selector: '{text}'; can't understand '{part}'"
                )));
            };
            let field = field.trim();
            if !COMMON.contains(&field) && !kind_fields(kind.kind).contains(&field) {
                return Err(refuse(format!("field label not supported: {field}")));
            }
            requirements.push(Requirement {
                field: field.to_string(),
                equals,
                value: value.trim().to_string(),
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Whether the object (as the API returns it) meets every requirement.
    pub fn matches(&self, object: &Value) -> bool {
        self.requirements
            .iter()
            .all(|r| (field_value(object, &r.field) == r.value) == r.equals)
    }
}

/// A field's value as the API server compares it: text, `true`/`false`, numbers as
/// written; an absent field is empty (an absent `spec.unschedulable` is `false`).
fn field_value(object: &Value, field: &str) -> String {
    let path: &[&str] = match field {
        // Events select on the reporting component of `source`.
        "source" => &["source", "component"],
        _ => &[],
    };
    let found = if path.is_empty() {
        field.split('.').try_fold(object, |v, key| v.get(key))
    } else {
        path.iter().try_fold(object, |v, key| v.get(key))
    };
    match found {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        None | Some(Value::Null)
            if field == "spec.unschedulable" || field == "spec.hostNetwork" =>
        {
            "false".into()
        }
        None if field == "status.replicas" => "0".into(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::object::resolve_resource;
    use serde_json::json;

    fn pods() -> &'static KindInfo {
        resolve_resource("pods").unwrap()
    }

    #[test]
    fn requirements_select_as_the_api_server_does() {
        let running = json!({"metadata": {"name": "a", "namespace": "default"},
                             "spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}});
        let pending = json!({"metadata": {"name": "b", "namespace": "default"},
                             "spec": {}, "status": {"phase": "Pending"}});
        let cases = [
            ("status.phase=Running", true, false),
            ("status.phase==Running", true, false),
            ("status.phase!=Running", false, true),
            ("spec.nodeName=", false, true),
            ("spec.nodeName=node-1,metadata.name=a", true, false),
            ("metadata.name=b,status.phase=Running", false, false),
            ("", true, true),
        ];
        for (text, a, b) in cases {
            let s = FieldSelector::parse(text, pods(), "").unwrap();
            assert_eq!((s.matches(&running), s.matches(&pending)), (a, b), "{text}");
        }
    }

    #[test]
    fn unsupported_fields_are_refused_with_the_api_servers_words() {
        assert_eq!(
            FieldSelector::parse("spec.replicas=3", resolve_resource("deploy").unwrap(), "app=web")
                .unwrap_err(),
            "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"app=web\", field selector \"spec.replicas=3\": field label not supported: spec.replicas"
        );
        assert!(FieldSelector::parse("status.phase", pods(), "")
            .unwrap_err()
            .ends_with("invalid selector: 'status.phase'; can't understand 'status.phase'"));
    }

    #[test]
    fn events_select_on_their_object_and_type() {
        let ev = resolve_resource("events").unwrap();
        let warning = json!({"metadata": {"name": "e"}, "type": "Warning",
                             "involvedObject": {"kind": "Pod", "name": "web-1"},
                             "source": {"component": "kubelet"}});
        for (text, want) in [
            ("type=Warning", true),
            ("type=Normal", false),
            ("involvedObject.kind=Pod,involvedObject.name=web-1", true),
            ("source=kubelet", true),
        ] {
            assert_eq!(
                FieldSelector::parse(text, ev, "")
                    .unwrap()
                    .matches(&warning),
                want,
                "{text}"
            );
        }
        let node = json!({"metadata": {"name": "node-1"}, "spec": {}});
        let nodes = resolve_resource("nodes").unwrap();
        assert!(FieldSelector::parse("spec.unschedulable=false", nodes, "")
            .unwrap()
            .matches(&node));
    }
}
