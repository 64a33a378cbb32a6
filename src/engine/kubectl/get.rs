//! `kubectl get` and `kubectl describe`: selecting objects, then printing them as
//! tables, YAML, JSON, names or descriptions.

use super::args::Args;
use super::print::{self, TableOptions};
use super::{check_flags, fields, jsonpath, namespace, Output};
use crate::engine::cluster::{not_found, Cluster};
use crate::engine::meta::LabelQuery;
use crate::engine::object::{resolve_resource, KindInfo, Object};
use serde::Serialize;

/// The kinds `kubectl get all` lists, in kubectl's order.
const ALL: &[&str] = &[
    "pods",
    "services",
    "deployments",
    "replicasets",
    "horizontalpodautoscalers",
];

/// A request for objects: kinds, names, namespace and selector.
pub struct Selection {
    /// (kind, names asked for) in the order asked.
    pub groups: Vec<(&'static KindInfo, Vec<String>)>,
    /// Whether more than one kind (or `all`) was asked for.
    pub multi: bool,
}

/// Parses `pods`, `pods,svc`, `pod/web`, `all`, and `TYPE NAME...`.
pub fn parse_selection(positional: &[String]) -> Result<Selection, String> {
    let Some(first) = positional.first() else {
        return Err("error: you must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
    };
    let resolve = |t: &str| {
        resolve_resource(t)
            .ok_or_else(|| format!("error: the server doesn't have a resource type \"{t}\""))
    };
    let mut groups: Vec<(&'static KindInfo, Vec<String>)> = Vec::new();
    if positional.iter().any(|p| p.contains('/')) {
        for p in positional {
            let Some((t, name)) = p.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let k = resolve(t)?;
            match groups.iter_mut().find(|(g, _)| g.kind == k.kind) {
                Some((_, names)) => names.push(name.to_string()),
                None => groups.push((k, vec![name.to_string()])),
            }
        }
        let multi = groups.len() > 1;
        return Ok(Selection { groups, multi });
    }
    let mut multi = false;
    for t in first.split(',') {
        if t == "all" {
            multi = true;
            for a in ALL {
                groups.push((resolve_resource(a).expect("known kind"), Vec::new()));
            }
        } else {
            groups.push((resolve(t)?, Vec::new()));
        }
    }
    multi |= groups.len() > 1;
    let names: Vec<String> = positional[1..].to_vec();
    if !names.is_empty() {
        if groups.len() > 1 {
            return Err("error: you may only specify a single resource type".into());
        }
        groups[0].1 = names;
    }
    Ok(Selection { groups, multi })
}

/// Objects of one kind in scope, filtered by names and selector. Returns the found
/// objects and not-found errors for names that do not exist.
pub fn select(
    cluster: &Cluster,
    kind: &KindInfo,
    names: &[String],
    ns: Option<&str>,
    query: Option<&LabelQuery>,
) -> (Vec<Object>, Vec<String>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let in_scope = |o: &Object| !kind.namespaced || ns.is_none_or(|n| o.meta().namespace == n);
    if names.is_empty() {
        for o in cluster.store.list_kind(kind.kind) {
            if in_scope(&o) && query.is_none_or(|q| q.matches(&o.meta().labels)) {
                found.push(o);
            }
        }
    } else {
        for n in names {
            let ns = if kind.namespaced {
                ns.or(cluster.kubeconfig.namespace()).unwrap_or("default")
            } else {
                ""
            };
            match cluster.store.get_object(kind.kind, ns, n) {
                Some(o) => found.push(o),
                None => errors.push(not_found(kind.kind, n)),
            }
        }
    }
    (found, errors)
}

/// Serializes as kubectl's `-o json` does: four-space indentation.
pub fn to_json(v: &serde_json::Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    let _ = v.serialize(&mut ser);
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

/// Serializes as kubectl's `-o yaml` does.
pub fn to_yaml(v: &serde_json::Value) -> String {
    let text = serde_yaml_ng::to_string(v).unwrap_or_default();
    text.lines()
        .map(go_yaml_quotes)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// kubectl's YAML (go-yaml) double-quotes the strings that would read as something
/// else (`"5"`, `"True"`) and timestamps, where serde_yaml single-quotes or leaves
/// them bare; rewrite one line's scalar value to match.
fn go_yaml_quotes(line: &str) -> String {
    let (head, value) = match line.find(": ") {
        Some(i) => (&line[..i + 2], &line[i + 2..]),
        None => match line.trim_start().strip_prefix("- ") {
            Some(v) => (&line[..line.len() - v.len()], v),
            None => return line.to_string(),
        },
    };
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        if !inner.contains(['\'', '"', '\\']) {
            return format!("{head}\"{inner}\"");
        }
    }
    let is_timestamp = value.len() == 20
        && value.as_bytes()[4] == b'-'
        && value.as_bytes()[10] == b'T'
        && value.ends_with('Z');
    if is_timestamp {
        return format!("{head}\"{value}\"");
    }
    line.to_string()
}

/// The template of `--sort-by`: a JSONPath with or without braces (`.metadata.name`,
/// `{.status.startTime}`).
fn sort_key_template(text: &str) -> Result<jsonpath::Template, String> {
    let wrapped = if text.starts_with('{') {
        text.to_string()
    } else {
        format!("{{{text}}}")
    };
    jsonpath::Template::parse(&wrapped).map_err(|e| format!("error: {e}"))
}

/// Sorts objects stably by the value the template finds in each, as kubectl's
/// `--sort-by`: numbers by value, everything else as text, objects without the field
/// first; a field no object has is an error.
fn sort_objects(objs: &mut [Object], template: &jsonpath::Template) -> Result<(), String> {
    let keys: Vec<Option<serde_json::Value>> = objs
        .iter()
        .map(|o| template.first(&o.to_api_value()))
        .collect::<Result<_, _>>()?;
    if keys.iter().all(Option::is_none) {
        return Err(format!(
            "error: couldn't find any field with path \"{}\" in the list of objects",
            template.source()
        ));
    }
    let mut order: Vec<usize> = (0..objs.len()).collect();
    crate::engine::sort::sort_by(&mut order, |&x, &y| {
        use serde_json::Value;
        match (&keys[x], &keys[y]) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(Value::Number(p)), Some(Value::Number(q))) => p
                .as_f64()
                .partial_cmp(&q.as_f64())
                .unwrap_or(std::cmp::Ordering::Equal),
            (Some(p), Some(q)) => jsonpath::text(p).cmp(&jsonpath::text(q)),
        }
    });
    let sorted: Vec<Object> = order.iter().map(|&i| objs[i].clone()).collect();
    objs.clone_from_slice(&sorted);
    Ok(())
}

/// A printer given with its template: `-o jsonpath=...` or `-o custom-columns=...`.
enum Printer {
    JsonPath(jsonpath::Template),
    Columns(Vec<jsonpath::Column>),
}

/// `-o custom-columns`: a header row (unless `--no-headers`), then one row per object,
/// aligned as kubectl's tables are.
fn custom_columns(
    columns: &[jsonpath::Column],
    objs: &[Object],
    no_headers: bool,
) -> Result<String, String> {
    let mut text = String::new();
    if !no_headers {
        let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    for o in objs {
        text.push_str(&jsonpath::column_cells(columns, &o.to_api_value())?.join("\t"));
        text.push('\n');
    }
    Ok(print::align_tabs(&text, print::TabConfig::GET))
}

fn list_value(objs: &[Object]) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1",
        "items": objs.iter().map(Object::to_api_value).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": { "resourceVersion": "" }
    })
}

/// The table flags of `get` (`--show-labels`, `-A`, `--no-headers`, `-L`), for a
/// wide table or not, in the order given (`sorted`) or kubectl's.
pub fn table_options(a: &Args, wide: bool, sorted: bool) -> TableOptions {
    TableOptions {
        wide,
        show_labels: a.bool("--show-labels"),
        all_namespaces: a.bool("--all-namespaces"),
        no_headers: a.bool("--no-headers"),
        label_columns: a
            .all("--label-columns")
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::to_string)
            .collect(),
        sorted,
    }
}

/// `kubectl get`.
pub fn get(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "get",
        &[
            "--namespace",
            "--all-namespaces",
            "--selector",
            "--output",
            "--show-labels",
            "--no-headers",
            "--label-columns",
            "--watch",
            "--field-selector",
            "--sort-by",
            "--template",
        ],
    ) {
        return o;
    }
    let sel = match parse_selection(&a.positional) {
        Ok(s) => s,
        Err(e) => return Output::err(e),
    };
    let query = match a.get("--selector").map(LabelQuery::parse).transpose() {
        Ok(q) => q,
        Err(e) => return Output::err(format!("error: {e}")),
    };
    let all_ns = a.bool("--all-namespaces");
    let ns = namespace(a);
    let ns_scope = (!all_ns).then_some(ns.as_str());
    // `-o jsonpath --template TEMPLATE` is the older spelling (Kubernetes: Up and Running).
    let templated = match (a.get("--output"), a.get("--template")) {
        (Some("jsonpath"), Some(t)) => Some(format!("jsonpath={t}")),
        _ => None,
    };
    let format = templated.as_deref().or(a.get("--output")).unwrap_or("");
    // `-o jsonpath=TEMPLATE` and `-o custom-columns=SPEC`: read before anything runs,
    // so a bad template is the only thing printed, as with kubectl.
    let (format, spec) = match format.split_once('=') {
        Some((f @ ("jsonpath" | "custom-columns"), spec)) => (f, Some(spec)),
        _ => (format, None),
    };
    let printer = match (format, spec) {
        ("jsonpath", None) | ("jsonpath", Some("")) => {
            return Output::err("error: template format specified but no template given")
        }
        ("jsonpath", Some(t)) => match jsonpath::Template::parse(t) {
            Ok(t) => Some(Printer::JsonPath(t)),
            Err(e) => return Output::err(format!("error: {e}")),
        },
        ("custom-columns", spec) => match jsonpath::parse_columns(spec.unwrap_or("")) {
            Ok(c) => Some(Printer::Columns(c)),
            Err(e) => return Output::err(e),
        },
        _ => None,
    };
    // Field selectors are per kind (each kind supports its own fields): all are read
    // before anything is listed, so a refused one prints alone.
    let mut field_selectors = Vec::new();
    if let Some(text) = a.get("--field-selector") {
        for (kind, _) in &sel.groups {
            match fields::FieldSelector::parse(text, kind, a.get("--selector").unwrap_or("")) {
                Ok(f) => field_selectors.push(f),
                Err(e) => return Output::err(e),
            }
        }
    }
    let sort_by = match a.get("--sort-by").map(sort_key_template).transpose() {
        Ok(t) => t,
        Err(e) => return Output::err(e),
    };
    let mut out = Output::ok("");
    let mut errors = Vec::new();
    let mut everything: Vec<Object> = Vec::new();
    let mut tables = Vec::new();
    let now = cluster.now();
    for (i, (kind, names)) in sel.groups.iter().enumerate() {
        let (mut objs, errs) = select(cluster, kind, names, ns_scope, query.as_ref());
        if let Some(f) = field_selectors.get(i) {
            objs.retain(|o| f.matches(&o.to_api_value()));
        }
        errors.extend(errs);
        if objs.is_empty() {
            continue;
        }
        if let Some(template) = &sort_by {
            if let Err(e) = sort_objects(&mut objs, template) {
                return Output::err(e);
            }
        }
        match format {
            "" | "wide" => {
                let shown: Vec<Object> = if sel.multi {
                    objs.iter()
                        .cloned()
                        .map(|mut o| {
                            let n = format!("{}/{}", kind.qualified(), o.meta().name);
                            o.meta_mut().name = n;
                            o
                        })
                        .collect()
                } else {
                    objs.clone()
                };
                let opts = table_options(a, format == "wide", sort_by.is_some());
                tables.push(print::table(kind, &shown, &cluster.store, now, &opts));
            }
            _ => everything.extend(objs),
        }
    }
    // One object asked for by name prints as itself; anything else as a List.
    let single = sel.groups.len() == 1 && sel.groups[0].1.len() == 1 && everything.len() == 1;
    let api_value = || {
        if single {
            everything[0].to_api_value()
        } else {
            list_value(&everything)
        }
    };
    match format {
        "" | "wide" => out.text.push_str(&tables.join("\n")),
        "yaml" | "json" => {
            let v = api_value();
            if !everything.is_empty() || errors.is_empty() {
                out.text.push_str(&if format == "yaml" { to_yaml(&v) } else { to_json(&v) });
            }
        }
        "jsonpath" | "custom-columns" => {
            let printed = match &printer {
                Some(Printer::JsonPath(_)) if everything.is_empty() && !errors.is_empty() => {
                    Ok(String::new())
                }
                Some(Printer::JsonPath(t)) => t.execute(&api_value()),
                Some(Printer::Columns(columns)) if !everything.is_empty() => {
                    custom_columns(columns, &everything, a.bool("--no-headers"))
                }
                _ => Ok(String::new()),
            };
            match printed {
                Ok(text) => out.text.push_str(&text),
                Err(e) => return Output::err(e),
            }
        }
        "name" => {
            for o in &everything {
                let k = o.info().map_or_else(|| o.kind_name().to_ascii_lowercase(), |k| k.qualified());
                out.push(&format!("{k}/{}", o.meta().name));
            }
        }
        other => {
            return Output::err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
            ))
        }
    }
    let nothing = out.text.is_empty() && errors.is_empty();
    if nothing && !matches!(format, "yaml" | "json" | "jsonpath") {
        out.push(&print::no_resources(
            ns_scope.filter(|_| sel.groups.iter().any(|(k, _)| k.namespaced)),
        ));
    }
    if !errors.is_empty() && !out.text.is_empty() && !out.text.ends_with('\n') {
        // A template's output has no newline of its own; the terminal would start the
        // error on a new line only after it.
        out.text.push('\n');
    }
    for e in &errors {
        out.push(e);
    }
    out.ok = errors.is_empty();
    out
}

/// `kubectl describe`.
pub fn describe(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "describe",
        &[
            "--namespace",
            "--all-namespaces",
            "--selector",
            "--show-events",
        ],
    ) {
        return o;
    }
    let sel = match parse_selection(&a.positional) {
        Ok(s) => s,
        Err(e) => return Output::err(e.replace("to get", "to describe")),
    };
    let query = match a.get("--selector").map(LabelQuery::parse).transpose() {
        Ok(q) => q,
        Err(e) => return Output::err(format!("error: {e}")),
    };
    let ns = namespace(a);
    let scope = (!a.bool("--all-namespaces")).then_some(ns.as_str());
    let mut parts = Vec::new();
    let mut errors = Vec::new();
    for (kind, names) in &sel.groups {
        let (objs, errs) = select(cluster, kind, names, scope, query.as_ref());
        errors.extend(errs);
        for o in objs {
            parts.push(super::describe::describe(&o, &cluster.store, cluster.now()));
        }
    }
    let mut out = Output::ok(parts.join("\n\n"));
    if parts.is_empty() && errors.is_empty() {
        out.push(&print::no_resources(scope));
    }
    for e in &errors {
        out.push(e);
    }
    out.ok = errors.is_empty();
    out
}
