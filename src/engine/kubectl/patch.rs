//! `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`: changes a live
//! object by a patch, as the API server applies one.
//!
//! - `merge` is a JSON merge patch (RFC 7386): maps merge, `null` removes a field, and
//!   any other value (lists too) replaces.
//! - `strategic` (the default) is the same, except that the lists Kubernetes declares
//!   with a merge key merge item by item: containers, volumes and env by `name`, container
//!   ports by `containerPort`, volume mounts by `mountPath`, conditions by `type`.
//! - `json` is a JSON patch (RFC 6902): `add`, `remove`, `replace` and `test` operations
//!   on JSON pointers.
//!
//! The result goes through the API server's steps like any write: read as its kind,
//! defaulted, validated against the live object.

use super::args::Args;
use super::get::parse_selection;
use super::{check_flags, namespace, Output};
use crate::engine::cluster::{not_found, Cluster};
use crate::engine::explain::ObjRef;
use crate::engine::manifest::parse_manifests;
use crate::engine::{defaults, validate};
use serde_json::{Map, Value};

/// `kubectl patch`.
pub fn patch(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(a, "patch", &["--patch", "--type", "--namespace"]) {
        return o;
    }
    let Some(text) = a.get("--patch") else {
        return Output::err(
            "error: must specify --patch or --patch-file containing the contents of the patch",
        );
    };
    let sel = match parse_selection(&a.positional) {
        Ok(s) => s,
        Err(e) => return Output::err(e.replace("to get", "to patch")),
    };
    let [(kind, names)] = sel.groups.as_slice() else {
        return Output::err("error: you must specify one resource to patch");
    };
    let [name] = names.as_slice() else {
        return Output::err("error: resource(s) were provided, but no name was specified");
    };
    // kubectl reads the patch as YAML, of which JSON is a part.
    let patch: Value = match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) => return Output::err(format!("error: unable to parse \"{text}\": {e}")),
    };
    let ns = if kind.namespaced {
        namespace(a)
    } else {
        String::new()
    };
    let Some(live) = cluster.store.get_object(kind.kind, &ns, name) else {
        return Output::err(not_found(kind.kind, name));
    };
    let mut value = live.to_api_value();
    let result = match a.get("--type").unwrap_or("strategic") {
        "strategic" => {
            merge(&mut value, &patch, true);
            Ok(())
        }
        "merge" => {
            merge(&mut value, &patch, false);
            Ok(())
        }
        "json" => json_patch(&mut value, &patch),
        other => Err(format!(
            "error: --type must be one of [json merge strategic], not \"{other}\""
        )),
    };
    if let Err(e) = result {
        return Output::err(e);
    }
    let shown = format!("{}/{name}", kind.qualified());
    let text = value.to_string();
    let parsed = parse_manifests(&text);
    let Some(read) = parsed.objects.into_iter().next() else {
        let why = parsed.diagnostics.first().map_or_else(
            || "the patched object cannot be read".to_string(),
            |d| d.to_string(),
        );
        return Output::err(format!("error: {why}"));
    };
    let mut obj = read.object;
    if obj.kind_name() != kind.kind || obj.meta().name != *name || obj.meta().namespace != ns {
        return Output::err(format!(
            "The {} \"{name}\" is invalid: the patch may not change its kind, name or namespace",
            kind.kind
        ));
    }
    defaults::apply_defaults(&mut obj);
    let errors = validate::validate(&obj, Some(&live));
    if !errors.is_empty() {
        return Output::err(validate::format_invalid(kind.kind, name, &errors));
    }
    if obj == live {
        return Output::ok(format!("{shown} patched (no change)\n"));
    }
    cluster.update(obj);
    cluster.explain(
        "kubectl",
        ObjRef::new(kind.kind, &ns, name),
        format!(
            "kubectl patched {} {name}; controllers now work to make the cluster match its new desired state.",
            kind.kind
        ),
    );
    Output::ok(format!("{shown} patched\n"))
}

/// The key a strategic merge patch merges a list's items by, for the lists Kubernetes
/// declares one on (`patchMergeKey` in the API types).
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "volumes" | "env" | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "conditions" => Some("type"),
        _ => None,
    }
}

/// Merges `patch` into `target` (RFC 7386), item by item in keyed lists when strategic.
fn merge(target: &mut Value, patch: &Value, strategic: bool) {
    let Value::Object(changes) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(fields) = target else {
        return;
    };
    for (key, change) in changes {
        if change.is_null() {
            fields.remove(key);
            continue;
        }
        let key_field = if strategic {
            list_key(key, fields.get(key))
        } else {
            None
        };
        match (key_field, fields.get_mut(key), change) {
            (Some(by), Some(Value::Array(items)), Value::Array(patched)) => {
                merge_list(items, patched, by);
            }
            (_, Some(existing), _) if change.is_object() => merge(existing, change, strategic),
            _ => {
                let mut fresh = Value::Null;
                merge(&mut fresh, change, strategic);
                fields.insert(key.clone(), fresh);
            }
        }
    }
}

/// The merge key of list field `key`; container ports merge by `containerPort` and
/// Service ports by `port`.
fn list_key(key: &str, existing: Option<&Value>) -> Option<&'static str> {
    if key == "ports" {
        let first = existing.and_then(Value::as_array).and_then(|a| a.first());
        return Some(if first.is_some_and(|p| p.get("containerPort").is_some()) {
            "containerPort"
        } else if first.is_some_and(|p| p.get("port").is_some()) {
            "port"
        } else {
            "containerPort"
        });
    }
    merge_key(key)
}

fn merge_list(items: &mut Vec<Value>, patched: &[Value], by: &str) {
    for change in patched {
        let key = change.get(by);
        let directive = change.get("$patch").and_then(Value::as_str);
        match items
            .iter_mut()
            .position(|item| key.is_some() && item.get(by) == key)
        {
            Some(i) if directive == Some("delete") => {
                items.remove(i);
            }
            Some(i) => merge(&mut items[i], change, true),
            None if directive == Some("delete") => {}
            None => items.push(change.clone()),
        }
    }
}

/// Applies an RFC 6902 JSON patch: a list of `{op, path, value}`.
fn json_patch(target: &mut Value, patch: &Value) -> Result<(), String> {
    let Value::Array(ops) = patch else {
        return Err(
            "error: unable to parse the patch: a JSON patch is a list of operations".into(),
        );
    };
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let value = op.get("value").cloned();
        let fail = |why: &str| {
            Err(format!(
                "The request is invalid: {why}: {kind} operation on {path}"
            ))
        };
        let (parent, last) = match path.rsplit_once('/') {
            Some((parent, last)) => (parent, last.replace("~1", "/").replace("~0", "~")),
            None => return fail("the path must start with /"),
        };
        match kind {
            "test" => {
                if target.pointer(path) != value.as_ref() {
                    return fail("testing value failed");
                }
            }
            "remove" | "replace" | "add" => {
                let Some(holder) = target.pointer_mut(parent) else {
                    return fail("missing path");
                };
                match (kind, holder) {
                    ("remove", Value::Object(m)) => {
                        if m.remove(&last).is_none() {
                            return fail("missing path");
                        }
                    }
                    ("remove", Value::Array(a)) => match last.parse::<usize>() {
                        Ok(i) if i < a.len() => {
                            a.remove(i);
                        }
                        _ => return fail("index out of range"),
                    },
                    (_, Value::Object(m)) => {
                        let Some(v) = value else {
                            return fail("missing value");
                        };
                        if kind == "replace" && !m.contains_key(&last) {
                            return fail("missing path");
                        }
                        m.insert(last, v);
                    }
                    (_, Value::Array(a)) => {
                        let Some(v) = value else {
                            return fail("missing value");
                        };
                        let i = if last == "-" {
                            a.len()
                        } else {
                            last.parse().unwrap_or(usize::MAX)
                        };
                        match kind {
                            "add" if i <= a.len() => a.insert(i, v),
                            "replace" if i < a.len() => a[i] = v,
                            _ => return fail("index out of range"),
                        }
                    }
                    _ => return fail("missing path"),
                }
            }
            _ => return Err(format!("error: Unexpected kind: {kind}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod_template() -> Value {
        json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
            {"name": "side", "image": "busybox:1.36"}
        ]}}}})
    }

    #[test]
    fn strategic_patches_merge_keyed_lists_and_merge_patches_replace_them() {
        let change = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": "nginx:1.28"}
        ]}}}});
        let mut strategic = pod_template();
        merge(&mut strategic, &change, true);
        assert_eq!(
            strategic.pointer("/spec/template/spec/containers").unwrap(),
            &json!([
                {"name": "app", "image": "nginx:1.28", "ports": [{"containerPort": 80}]},
                {"name": "side", "image": "busybox:1.36"}
            ])
        );
        let mut merged = pod_template();
        merge(&mut merged, &change, false);
        assert_eq!(
            merged.pointer("/spec/template/spec/containers").unwrap(),
            &json!([{"name": "app", "image": "nginx:1.28"}])
        );
        let mut removed = pod_template();
        merge(&mut removed, &json!({"spec": {"replicas": null}}), false);
        assert_eq!(removed.pointer("/spec/replicas"), None);
        let mut deleted = pod_template();
        merge(
            &mut deleted,
            &json!({"spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}}),
            true,
        );
        assert_eq!(deleted.pointer("/spec/template/spec/containers/1"), None);
    }

    #[test]
    fn json_patches_apply_operations_in_order() {
        let mut v = pod_template();
        json_patch(
            &mut v,
            &json!([
                {"op": "test", "path": "/spec/replicas", "value": 2},
                {"op": "replace", "path": "/spec/replicas", "value": 4},
                {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "x", "image": "y"}},
                {"op": "remove", "path": "/spec/template/spec/containers/1"}
            ]),
        )
        .unwrap();
        assert_eq!(v.pointer("/spec/replicas"), Some(&json!(4)));
        let names: Vec<&str> = v
            .pointer("/spec/template/spec/containers")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["app", "x"]);
        let e = json_patch(
            &mut v,
            &json!([{"op": "replace", "path": "/spec/nothing", "value": 1}]),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "The request is invalid: missing path: replace operation on /spec/nothing"
        );
        assert!(json_patch(
            &mut v,
            &json!([{"op": "test", "path": "/spec/replicas", "value": 9}])
        )
        .is_err());
        assert!(json_patch(&mut v, &json!({"op": "add"})).is_err());
    }
}
