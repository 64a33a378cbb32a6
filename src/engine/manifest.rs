//! Reading manifests as kubectl takes them: multi-document YAML, JSON, and `kind: List`,
//! into typed objects plus diagnostics with line, column and field path.
//!
//! The steps mirror kubectl and the API server. kubectl cuts the text at `---` lines,
//! converts each document from YAML to JSON (YAML 1.1 rules: `0755` is octal), checks
//! `apiVersion` and `kind`, and expands lists. The API server then maps the kind and
//! version to a resource (`no matches for kind ...`), decodes the JSON into its Go
//! structs (a wrong type fails; a missing field is its zero value) and warns about
//! unknown fields, which it drops. Nothing here panics on any input: every problem
//! becomes a [`Diagnostic`] and the other documents go on.

use super::decode;
use super::diagnostic::{Diagnostic, Severity};
use super::fields;
use super::locate::{format_path, split_documents, DocumentSpan, Outline, Segment};
use super::meta::ObjectMeta;
use super::object::{kind_info, Generic, Kind, KindInfo, Object, KINDS};
use crate::engine::sort;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Everything read from one input text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// The objects, in document order, lists expanded.
    pub objects: Vec<ParsedObject>,
    /// Errors, warnings and notices, in document order. A document with an error
    /// yields no object.
    pub diagnostics: Vec<Diagnostic>,
}

/// One object and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedObject {
    /// The object, as written (defaults are applied later, by the API server's step).
    pub object: Object,
    /// 0-based index of its document (blank and comment-only documents not counted).
    pub document: usize,
    /// 1-based line where the object starts: the document's first content line, or the
    /// `- ` line of an item in a `kind: List`.
    pub line: usize,
}

/// Reads every object in `text`: YAML documents separated by `---`, or a stream of JSON
/// objects, with `kind: List` (and `DeploymentList`, ...) expanded into their items.
pub fn parse_manifests(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let documents = split_documents(text);
    for bad in &documents.separator_errors {
        let document = documents
            .spans
            .iter()
            .filter(|s| s.content_line < bad.line)
            .count();
        let message = format!("invalid Yaml document separator: {}", bad.text);
        parsed
            .diagnostics
            .push(Diagnostic::error(document, message).at(bad.line, 1));
    }
    let looks_like_json = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with('{');
    for (index, span) in documents.spans.iter().enumerate() {
        let outline = Outline::of(text, span);
        let mut reader = DocumentReader {
            index,
            outline: &outline,
            out: &mut parsed,
        };
        let body = text.get(span.start..span.end).unwrap_or("");
        let value = if documents.json {
            serde_json::from_str::<Value>(body).map_err(|e| json_error(index, &e, span))
        } else {
            read_yaml(body, index, span).map_err(|yaml| match looks_like_json {
                // kubectl reads text starting with `{` as JSON, so its error is the one to show.
                true => first_json_error(text, index).unwrap_or(yaml),
                false => yaml,
            })
        };
        match value {
            Ok(Value::Null) => {}
            Ok(mut value) => {
                if !documents.json {
                    read_yaml11_integers(&mut value, &outline);
                }
                reader.warn_duplicates();
                reader.read_object(value, &[], 0);
            }
            Err(diagnostic) => {
                reader.out.diagnostics.push(diagnostic);
                if looks_like_json {
                    break;
                }
            }
        }
    }
    // Errors first in document order would hide where they are: sort by place instead.
    sort::sort_by_key(&mut parsed.diagnostics, |d| (d.document, d.line, d.column));
    parsed
}

/// Parses one YAML document, turning a syntax error into kubectl's wording with the
/// position in the whole text.
fn read_yaml(body: &str, index: usize, span: &DocumentSpan) -> Result<Value, Diagnostic> {
    let Some(document) = serde_yaml_ng::Deserializer::from_str(body).next() else {
        return Ok(Value::Null);
    };
    Value::deserialize(document).map_err(|e| {
        let offset = span.first_line - 1;
        let text = e.to_string();
        let (problem, context) = match text.split_once(", while ") {
            Some((p, c)) => (p, Some(c)),
            None => (text.as_str(), None),
        };
        let mut message = format!(
            "error converting YAML to JSON: yaml: {}",
            strip_position(problem).0
        );
        if let Some((what, Some((line, column)))) = context.map(strip_position) {
            message.push_str(&format!(
                " (while {what} that starts at line {}, column {column})",
                line + offset
            ));
        }
        let diagnostic = Diagnostic::error(index, message);
        match e.location() {
            Some(at) => diagnostic.at(at.line() + offset, at.column()),
            None => diagnostic.at(span.content_line, span.content_column),
        }
    })
}

/// Splits `did not find x at line 3 column 1` into the text and the position.
fn strip_position(text: &str) -> (&str, Option<(usize, usize)>) {
    let Some(at) = text.rfind(" at line ") else {
        return (text, None);
    };
    let mut numbers = text[at + 9..]
        .split(" column ")
        .map(|n| n.trim().parse::<usize>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(line), Some(column)) => (&text[..at], Some((line, column))),
        _ => (text, None),
    }
}

fn json_error(index: usize, e: &serde_json::Error, span: &DocumentSpan) -> Diagnostic {
    let message = format!("json: {}", strip_position(&e.to_string()).0);
    Diagnostic::error(index, message).at(span.first_line + e.line().max(1) - 1, e.column().max(1))
}

/// The first error of `text` read as a JSON stream.
fn first_json_error(text: &str, index: usize) -> Option<Diagnostic> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let error = stream.find_map(Result::err)?;
    let message = format!("json: {}", strip_position(&error.to_string()).0);
    Some(Diagnostic::error(index, message).at(error.line().max(1), error.column().max(1)))
}

/// Reads plain scalars such as `0755` as YAML 1.1 octal (493), as kubectl's YAML library
/// (go-yaml v2) does. serde_yaml_ng follows YAML 1.2 and leaves them as strings, which the
/// API server would then reject for a number field like `defaultMode`.
fn read_yaml11_integers(value: &mut Value, outline: &Outline) {
    for (path, raw) in outline.plain_scalars() {
        let Some(number) = yaml11_integer(&raw) else {
            continue;
        };
        let Some(slot) = value_at(value, &path) else {
            continue;
        };
        if slot.as_str() == Some(raw.as_str()) {
            *slot = Value::from(number);
        }
    }
}

/// `0755` -> 493; `-012` -> -10; `08` -> 8 (not octal: go-yaml falls back to a float).
fn yaml11_integer(raw: &str) -> Option<i64> {
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    if digits.len() < 2 || !digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = i64::from_str_radix(digits, 8)
        .or_else(|_| digits.parse::<i64>())
        .ok()?;
    Some(if negative { -n } else { n })
}

fn value_at<'v>(mut value: &'v mut Value, path: &[Segment]) -> Option<&'v mut Value> {
    for segment in path {
        value = match segment {
            Segment::Key(k) => value.get_mut(k.as_str())?,
            Segment::Index(i) => value.get_mut(*i)?,
        };
    }
    Some(value)
}

/// Drops `key: null` everywhere: Go decodes null as "not set", so the API server treats
/// `labels:` with nothing after it as no labels, where serde would refuse a null map.
fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Reads one document: checks, list expansion, decoding, and diagnostics with positions.
struct DocumentReader<'a> {
    index: usize,
    outline: &'a Outline,
    out: &'a mut Parsed,
}

/// How deep `kind: List` may nest inside another list.
const MAX_LIST_DEPTH: usize = 4;

impl DocumentReader<'_> {
    /// A diagnostic about the field `path` (relative to the object at `prefix`), placed
    /// in the text.
    fn report(
        &mut self,
        severity: Severity,
        prefix: &[Segment],
        path: &[Segment],
        message: String,
    ) {
        self.report_at(severity, prefix, path, message);
        if let Some(last) = self.out.diagnostics.last_mut().filter(|_| !path.is_empty()) {
            last.path = Some(format_path(path));
        }
    }

    /// A diagnostic placed at `path` in the text but about the object as a whole.
    fn report_at(
        &mut self,
        severity: Severity,
        prefix: &[Segment],
        path: &[Segment],
        message: String,
    ) {
        let full: Vec<Segment> = prefix.iter().chain(path).cloned().collect();
        let at = self.outline.find(&full);
        let diagnostic = Diagnostic::new(severity, self.index, message).at(at.line, at.column);
        self.out.diagnostics.push(diagnostic);
    }

    fn warn_duplicates(&mut self) {
        for (path, at) in self.outline.duplicate_keys() {
            let message = format!("duplicate field \"{}\"", format_path(&path));
            let diagnostic = Diagnostic::warning(self.index, message).with_path(format_path(&path));
            self.out.diagnostics.push(diagnostic.at(at.line, at.column));
        }
    }

    fn read_object(&mut self, value: Value, prefix: &[Segment], depth: usize) {
        let Value::Object(mut map) = value else {
            let what = match value {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            };
            let message = format!(
                "json: cannot unmarshal {what} into Go value of type map[string]interface {{}}"
            );
            self.report(Severity::Error, prefix, &[], message);
            return;
        };
        let api_version = text_field(&map, "apiVersion");
        let kind = text_field(&map, "kind");
        let missing: Vec<&str> = [("apiVersion", &api_version), ("kind", &kind)]
            .into_iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(name, _)| name)
            .collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|m| format!("{m} not set")).collect();
            let message = match list.len() {
                1 => format!("error validating data: {}", list[0]),
                _ => format!("error validating data: [{}]", list.join(", ")),
            };
            self.report(Severity::Error, prefix, &[], message);
            return;
        }
        if kind.len() > 4 && kind.ends_with("List") || kind == "List" {
            self.read_list(&mut map, &api_version, &kind, prefix, depth);
            return;
        }
        let mut value = Value::Object(map);
        strip_nulls(&mut value);
        let name = value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let object = match Kind::from_name(&kind) {
            Some(simulated) => {
                if !self.served(simulated.info(), &api_version, prefix) {
                    return;
                }
                self.decode_simulated(simulated, value, prefix)
            }
            None => match kind_info(&kind) {
                Some(info) => {
                    if !self.served(info, &api_version, prefix) {
                        return;
                    }
                    let message = format!("{kind} \"{name}\" is stored but not simulated by kubeplay yet: no controller will act on it");
                    self.report(Severity::Notice, prefix, &[], message);
                    self.decode_generic(value, prefix)
                }
                None => {
                    if !self.unknown_kind(&kind, &api_version, &name, prefix) {
                        return;
                    }
                    self.decode_generic(value, prefix)
                }
            },
        };
        if let Some(object) = object {
            let line = self.outline.find(prefix).line;
            self.out.objects.push(ParsedObject {
                object,
                document: self.index,
                line,
            });
        }
    }

    /// Expands `items`. Like kubectl, an item with neither `kind` nor `apiVersion` takes
    /// them from a typed list (`DeploymentList` items are Deployments).
    fn read_list(
        &mut self,
        map: &mut Map<String, Value>,
        api_version: &str,
        kind: &str,
        prefix: &[Segment],
        depth: usize,
    ) {
        if depth >= MAX_LIST_DEPTH {
            self.report(
                Severity::Error,
                prefix,
                &[],
                format!("{kind} nested too deeply"),
            );
            return;
        }
        let items = match map.remove("items") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => {
                let path = [Segment::Key("items".into())];
                self.report(
                    Severity::Error,
                    prefix,
                    &path,
                    "invalid type: expected a list of objects".into(),
                );
                return;
            }
        };
        let item_kind = kind.strip_suffix("List").unwrap_or("");
        for (i, mut item) in items.into_iter().enumerate() {
            if let Value::Object(m) = &mut item {
                if !m.contains_key("kind") && !m.contains_key("apiVersion") {
                    m.insert("kind".into(), item_kind.into());
                    m.insert("apiVersion".into(), api_version.into());
                }
            }
            let mut at = prefix.to_vec();
            at.extend([Segment::Key("items".into()), Segment::Index(i)]);
            self.read_object(item, &at, depth + 1);
        }
    }

    /// Whether the API serves `kind` at `api_version`; if not, the API server's error.
    fn served(&mut self, info: &KindInfo, api_version: &str, prefix: &[Segment]) -> bool {
        let hpa_v1 = info.kind == "HorizontalPodAutoscaler" && api_version == "autoscaling/v1";
        if api_version == info.api_version() || hpa_v1 {
            return true;
        }
        let message = format!(
            "no matches for kind \"{}\" in version \"{api_version}\" (kubeplay, like current Kubernetes, serves {} as {})",
            info.kind,
            info.kind,
            info.api_version()
        );
        self.report_at(
            Severity::Error,
            prefix,
            &[Segment::Key("apiVersion".into())],
            message,
        );
        false
    }

    /// A kind kubeplay has never heard of. A near miss of a built-in kind in its own API
    /// group (`Deploymnet` in apps/v1) is an error, as on a real cluster; anything else
    /// is kept with a notice, since a real cluster accepts it once its CRD is installed.
    fn unknown_kind(
        &mut self,
        kind: &str,
        api_version: &str,
        name: &str,
        prefix: &[Segment],
    ) -> bool {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        // Short names are too close to each other to guess from two edits (`Foo`, `Pod`).
        let allowed = if kind.len() < 6 { 1 } else { 2 };
        let near = KINDS.iter().find(|k| {
            k.group == group
                && (k.kind.eq_ignore_ascii_case(kind) || edit_distance(k.kind, kind) <= allowed)
        });
        let path = [Segment::Key("kind".into())];
        if let Some(known) = near {
            let message = format!("no matches for kind \"{kind}\" in version \"{api_version}\" (did you mean \"{}\"?)", known.kind);
            self.report_at(Severity::Error, prefix, &path, message);
            return false;
        }
        let message = format!(
            "kind \"{kind}\" in version \"{api_version}\" is not one kubeplay knows: {kind} \"{name}\" is stored as written, \
             but nothing acts on it. A real cluster accepts it only if a CustomResourceDefinition defines it; \
             otherwise kubectl says: no matches for kind \"{kind}\" in version \"{api_version}\""
        );
        self.report_at(Severity::Notice, prefix, &path, message);
        true
    }

    fn decode_simulated(&mut self, kind: Kind, value: Value, prefix: &[Segment]) -> Option<Object> {
        Some(match kind {
            Kind::Namespace => Object::Namespace(self.decode(kind, value, prefix)?),
            Kind::Node => Object::Node(self.decode(kind, value, prefix)?),
            Kind::Pod => Object::Pod(self.decode(kind, value, prefix)?),
            Kind::ReplicaSet => Object::ReplicaSet(self.decode(kind, value, prefix)?),
            Kind::Deployment => Object::Deployment(self.decode(kind, value, prefix)?),
            Kind::Service => Object::Service(self.decode(kind, value, prefix)?),
            Kind::Endpoints => Object::Endpoints(self.decode(kind, value, prefix)?),
            Kind::Event => Object::Event(self.decode(kind, value, prefix)?),
            Kind::HorizontalPodAutoscaler => {
                Object::HorizontalPodAutoscaler(self.decode(kind, value, prefix)?)
            }
            Kind::EndpointSlice => Object::EndpointSlice(self.decode(kind, value, prefix)?),
        })
    }

    /// Decodes a simulated kind into its typed struct: type errors with exact paths,
    /// unknown fields as warnings (and dropped), missing required fields as zero values
    /// for validation to judge, as Go's decoder leaves them.
    fn decode<T: DeserializeOwned>(
        &mut self,
        kind: Kind,
        mut value: Value,
        prefix: &[Segment],
    ) -> Option<T> {
        if let Value::Object(map) = &mut value {
            map.remove("apiVersion");
            map.remove("kind");
        }
        let checked = fields::check_object(kind, &mut value);
        for path in &checked.unknown {
            self.report(
                Severity::Warning,
                prefix,
                path,
                format!("unknown field \"{}\"", format_path(path)),
            );
        }
        for (path, message) in &checked.errors {
            self.report(Severity::Error, prefix, path, message.clone());
        }
        // Fields that were missing and got a zero value, and which candidate was tried.
        let mut zeroed: BTreeMap<Vec<Segment>, usize> = BTreeMap::new();
        for _ in 0..32 {
            let mut unknown = Vec::new();
            let error = match decode::decode::<T>(&value, &mut unknown) {
                Ok(typed) => {
                    for path in unknown.iter().filter(|p| !fields::unmodeled(p)) {
                        self.report(
                            Severity::Warning,
                            prefix,
                            path,
                            format!("unknown field \"{}\"", format_path(path)),
                        );
                    }
                    return checked.errors.is_empty().then_some(typed);
                }
                Err(e) => e,
            };
            let path = error.path;
            let message = error.message;
            let retry = match missing_field(&message) {
                Some(field) => {
                    let mut target = path.clone();
                    target.push(Segment::Key(field.to_string()));
                    let attempt = *zeroed.entry(target.clone()).or_insert(0);
                    set_zero(&mut value, &target, attempt)
                }
                // The zero value put there had the wrong type: try the next one.
                None => match zeroed.get_mut(&path) {
                    Some(attempt) => {
                        *attempt += 1;
                        set_zero(&mut value, &path, *attempt)
                    }
                    None => false,
                },
            };
            if retry {
                continue;
            }
            // Inside a flattened struct serde only knows the struct's path; the field
            // check above has then already said exactly where.
            if !checked.errors.iter().any(|(p, _)| p.starts_with(&path)) {
                self.report(Severity::Error, prefix, &path, message);
            }
            return None;
        }
        None
    }

    /// A stored-only kind: `apiVersion`, `kind`, typed metadata, the rest as written.
    fn decode_generic(&mut self, value: Value, prefix: &[Segment]) -> Option<Object> {
        let Value::Object(mut map) = value else {
            return None;
        };
        let api_version = text_field(&map, "apiVersion");
        let kind = text_field(&map, "kind");
        map.remove("apiVersion");
        map.remove("kind");
        let metadata_value = map
            .remove("metadata")
            .unwrap_or_else(|| Value::Object(Map::new()));
        let mut issues = fields::Issues::default();
        let meta_path = [Segment::Key("metadata".into())];
        let metadata = fields::check_as::<ObjectMeta>(&metadata_value, &meta_path, &mut issues);
        for path in &issues.unknown {
            self.report(
                Severity::Warning,
                prefix,
                path,
                format!("unknown field \"{}\"", format_path(path)),
            );
        }
        for (path, message) in &issues.errors {
            self.report(Severity::Error, prefix, path, message.clone());
        }
        let metadata = metadata?;
        let rest = map.into_iter().collect();
        Some(Object::Other(Generic {
            api_version,
            kind,
            metadata,
            rest,
        }))
    }
}

fn text_field(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The field name in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Puts the `attempt`-th zero value (Go's zero for a struct, string, number, bool or
/// list) at `path`; false when there is no such slot or no candidate is left.
fn set_zero(value: &mut Value, path: &[Segment], attempt: usize) -> bool {
    let zeros = [
        Value::Object(Map::new()),
        Value::from(""),
        Value::from(0),
        Value::from(false),
        Value::Array(Vec::new()),
    ];
    let (Some(zero), Some((Segment::Key(last), parent))) =
        (zeros.into_iter().nth(attempt), path.split_last())
    else {
        return false;
    };
    match value_at(value, parent) {
        Some(Value::Object(map)) => {
            map.insert(last.clone(), zero);
            true
        }
        _ => false,
    }
}

/// Levenshtein distance, to spot a misspelled kind.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` and renders each object as `Kind/name@document:line` and each
    /// diagnostic through its Display, so a table reads like kubectl's output.
    fn check(text: &str) -> (Vec<String>, Vec<String>) {
        let parsed = parse_manifests(text);
        let objects = parsed
            .objects
            .iter()
            .map(|o| {
                format!(
                    "{}/{}@{}:{}",
                    o.object.kind_name(),
                    o.object.meta().name,
                    o.document,
                    o.line
                )
            })
            .collect();
        let diagnostics = parsed
            .diagnostics
            .iter()
            .map(|d| format!("{}: {d}", d.severity))
            .collect();
        (objects, diagnostics)
    }

    #[test]
    fn manifests_read_as_kubectl_reads_them() {
        struct Case {
            name: &'static str,
            text: &'static str,
            objects: &'static [&'static str],
            diagnostics: &'static [&'static str],
        }
        let cases = [
            Case {
                name: "multi-document with empty and comment-only documents",
                text: "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n---\n# nothing\n---\n\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\n",
                objects: &["Namespace/dev@0:2", "Pod/p@1:11"],
                diagnostics: &[],
            },
            Case {
                name: "wrong type",
                text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"three\"\n",
                objects: &[],
                diagnostics: &["error: line 6, column 3: spec.replicas: invalid type: string \"three\", expected i32"],
            },
            Case {
                name: "unknown fields warn and are dropped",
                text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        imagePullPolicyy: Always\n",
                objects: &["Deployment/web@0:1"],
                diagnostics: &[
                    "warning: line 6, column 3: unknown field \"spec.replicaz\"",
                    "warning: line 12, column 9: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"",
                ],
            },
            Case {
                name: "syntax error",
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: 1\n",
                objects: &[],
                diagnostics: &["error: line 5, column 7: error converting YAML to JSON: yaml: mapping values are not allowed in this context"],
            },
            Case {
                name: "syntax error in a later document",
                text: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  labels: [a\n",
                objects: &["Namespace/a@0:1"],
                diagnostics: &["error: line 10, column 1: error converting YAML to JSON: yaml: did not find expected ',' or ']' (while parsing a flow sequence that starts at line 9, column 11)"],
            },
            Case {
                name: "apiVersion and kind are required",
                text: "metadata:\n  name: x\n---\nkind: Pod\nmetadata:\n  name: y\n",
                objects: &[],
                diagnostics: &[
                    "error: line 1, column 1: error validating data: [apiVersion not set, kind not set]",
                    "error: line 4, column 1: error validating data: apiVersion not set",
                ],
            },
            Case {
                name: "removed API versions are not served",
                text: "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n",
                objects: &[],
                diagnostics: &["error: line 1, column 1: no matches for kind \"Deployment\" in version \"extensions/v1beta1\" (kubeplay, like current Kubernetes, serves Deployment as apps/v1)"],
            },
            Case {
                name: "stored-only and unknown kinds are kept with a notice; typos are errors",
                text: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: d\n",
                objects: &["StatefulSet/db@0:1", "Widget/w@1:6"],
                diagnostics: &[
                    "notice: line 1, column 1: StatefulSet \"db\" is stored but not simulated by kubeplay yet: no controller will act on it",
                    "notice: line 7, column 1: kind \"Widget\" in version \"example.com/v1\" is not one kubeplay knows: Widget \"w\" is stored as written, but nothing acts on it. A real cluster accepts it only if a CustomResourceDefinition defines it; otherwise kubectl says: no matches for kind \"Widget\" in version \"example.com/v1\"",
                    "error: line 12, column 1: no matches for kind \"Deploymnet\" in version \"apps/v1\" (did you mean \"Deployment\"?)",
                ],
            },
            Case {
                name: "lists expand, typed lists fill in kind",
                text: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s\n  spec:\n    ports:\n    - port: 80\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n---\napiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata:\n    name: d\n  spec:\n    replicas: x\n",
                objects: &["Service/s@0:4", "ConfigMap/c@0:11"],
                diagnostics: &[
                    "notice: line 11, column 1: ConfigMap \"c\" is stored but not simulated by kubeplay yet: no controller will act on it",
                    "error: line 22, column 5: spec.replicas: invalid type: string \"x\", expected i32",
                ],
            },
            Case {
                name: "JSON",
                text: "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"j\"},\n  \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx\", \"portz\": []}]}\n}\n",
                objects: &["Pod/j@0:1"],
                diagnostics: &["warning: line 5, column 59: unknown field \"spec.containers[0].portz\""],
            },
            Case {
                name: "invalid JSON reports the JSON error",
                text: "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"x\",}\n",
                objects: &[],
                diagnostics: &["error: line 1, column 62: json: key must be a string"],
            },
            Case {
                name: "documents that are not objects",
                text: "- a\n- b\n---\njust text\n",
                objects: &[],
                diagnostics: &[
                    "error: line 1, column 1: json: cannot unmarshal array into Go value of type map[string]interface {}",
                    "error: line 4, column 1: json: cannot unmarshal string into Go value of type map[string]interface {}",
                ],
            },
            Case {
                name: "bad separator",
                text: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n--- {b: 1}\n",
                objects: &["Namespace/a@0:1"],
                diagnostics: &["error: line 5, column 1: invalid Yaml document separator: {b: 1}"],
            },
            Case {
                name: "kubectl create --dry-run=client -o yaml output",
                text: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx\n        name: nginx\n        resources: {}\nstatus: {}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  ports:\n  - name: 80-8080\n    port: 80\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app: web\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n",
                objects: &["Deployment/web@0:1", "Service/web@1:26"],
                diagnostics: &[],
            },
            Case {
                name: "duplicate keys warn; the last wins",
                text: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n",
                objects: &["Namespace/b@0:1"],
                diagnostics: &["warning: line 5, column 3: duplicate field \"metadata.name\""],
            },
        ];
        for case in cases {
            let (objects, diagnostics) = check(case.text);
            assert_eq!(objects, case.objects, "{}", case.name);
            assert_eq!(diagnostics, case.diagnostics, "{}", case.name);
        }
    }

    #[test]
    fn go_zero_values_fill_missing_required_fields() {
        let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  maxReplicas: 3\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - name: web\n";
        let parsed = parse_manifests(text);
        assert_eq!(parsed.diagnostics, vec![]);
        let Object::HorizontalPodAutoscaler(hpa) = &parsed.objects[0].object else {
            panic!("not an HPA")
        };
        assert_eq!(
            (
                hpa.spec.scale_target_ref.kind.as_str(),
                hpa.spec.max_replicas
            ),
            ("", 3)
        );
        let Object::Service(svc) = &parsed.objects[1].object else {
            panic!("not a Service")
        };
        assert_eq!(svc.spec.ports[0].port, 0);
    }

    #[test]
    fn yaml_1_1_octal_and_null_fields_read_as_kubectl_reads_them() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\nspec:\n  containers:\n  - name: c\n    image: nginx\n  volumes:\n  - name: v\n    configMap:\n      name: cm\n      defaultMode: 0755\n  - name: w\n    secret:\n      defaultMode: \"0644\"\n";
        let parsed = parse_manifests(text);
        assert_eq!(parsed.diagnostics, vec![]);
        let Object::Pod(pod) = &parsed.objects[0].object else {
            panic!("not a pod")
        };
        let volumes = &pod.spec.extra["volumes"];
        assert_eq!(volumes[0]["configMap"]["defaultMode"], 493);
        assert_eq!(volumes[1]["secret"]["defaultMode"], "0644");
        for (raw, want) in [
            ("0755", Some(493)),
            ("-012", Some(-10)),
            ("08", Some(8)),
            ("0", None),
            ("755", None),
            ("0x1F", None),
        ] {
            assert_eq!(yaml11_integer(raw), want, "{raw}");
        }
    }

    #[test]
    fn kept_fields_survive_and_unknown_ones_do_not() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  volumes: []\n  volumez: []\n  containers:\n  - name: c\n    image: nginx\n    env: [{name: A, value: b}]\n";
        let parsed = parse_manifests(text);
        let Object::Pod(pod) = &parsed.objects[0].object else {
            panic!("not a pod")
        };
        assert!(pod.spec.extra.contains_key("volumes"));
        assert!(!pod.spec.extra.contains_key("volumez"));
        assert!(pod.spec.containers[0].extra.contains_key("env"));
        assert_eq!(parsed.diagnostics.len(), 1);
    }

    #[test]
    fn edit_distance_counts_edits() {
        for (a, b, want) in [
            ("Deployment", "Deploymnet", 2),
            ("Pod", "Pod", 0),
            ("Service", "Servic", 1),
            ("", "abc", 3),
        ] {
            assert_eq!(edit_distance(a, b), want, "{a} {b}");
        }
    }
}
