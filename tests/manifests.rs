//! What a learner sees when a manifest is wrong: kubectl's and the API server's words,
//! with the field path and the line:column in their own text.

use kubeplay::engine::defaults::apply_defaults;
use kubeplay::engine::diagnostic::Severity;
use kubeplay::engine::manifest::parse_manifests;
use kubeplay::engine::object::Object;
use kubeplay::engine::validate::{format_invalid, locate_errors, validate};

/// Every diagnostic of `text`, as `severity: line L, column C: message`.
fn diagnostics(text: &str) -> Vec<String> {
    parse_manifests(text)
        .diagnostics
        .iter()
        .map(|d| format!("{}: {d}", d.severity))
        .collect()
}

#[test]
fn a_syntax_error_names_its_line_and_column() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\n   tier: front\n";
    let parsed = parse_manifests(text);
    assert!(parsed.objects.is_empty());
    let d = &parsed.diagnostics[0];
    assert_eq!(
        (d.severity, d.line, d.column),
        (Severity::Error, Some(7), Some(4))
    );
    assert!(
        d.message
            .starts_with("error converting YAML to JSON: yaml: "),
        "{}",
        d.message
    );
}

#[test]
fn a_wrong_type_names_the_field_and_where_it_is() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"three\"\n";
    let parsed = parse_manifests(text);
    let d = &parsed.diagnostics[0];
    assert_eq!(d.path.as_deref(), Some("spec.replicas"));
    assert_eq!(
        d.to_string(),
        "line 6, column 3: spec.replicas: invalid type: string \"three\", expected i32"
    );
}

#[test]
fn an_unknown_field_is_a_warning_and_the_object_still_applies() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    imagePullPolicyy: Always\n";
    assert_eq!(
        diagnostics(text),
        ["warning: line 9, column 5: unknown field \"spec.containers[0].imagePullPolicyy\""]
    );
    assert_eq!(parse_manifests(text).objects.len(), 1);
}

#[test]
fn a_selector_that_misses_the_template_is_refused_in_the_api_servers_words() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: frontend\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
    let parsed = parse_manifests(text);
    let mut obj = parsed.objects[0].object.clone();
    apply_defaults(&mut obj);
    let errors = validate(&obj, None);
    assert_eq!(
        format_invalid("Deployment", "web", &errors),
        "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"frontend\"}: `selector` does not match template `labels`"
    );
    let placed: Vec<String> = locate_errors(text, 0, "", &errors)
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        placed,
        ["line 11, column 7: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"frontend\"}: `selector` does not match template `labels`"]
    );
}

#[test]
fn a_list_expands_into_its_items() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: shop\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    namespace: shop\n";
    let parsed = parse_manifests(text);
    let got: Vec<(&str, usize, usize)> = parsed
        .objects
        .iter()
        .map(|o| (o.object.kind_name(), o.document, o.line))
        .collect();
    assert_eq!(got, [("Namespace", 0, 4), ("Deployment", 0, 8)]);
}

#[test]
fn json_reads_like_yaml() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "web"},
  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]}
}
{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}"#;
    let parsed = parse_manifests(text);
    assert_eq!(parsed.diagnostics, []);
    let Object::Service(svc) = &parsed.objects[0].object else {
        panic!("not a Service")
    };
    assert_eq!(svc.spec.ports[0].port, 80);
    assert_eq!(parsed.objects[1].object.kind_name(), "Namespace");
    assert_eq!((parsed.objects[1].document, parsed.objects[1].line), (1, 7));
}
