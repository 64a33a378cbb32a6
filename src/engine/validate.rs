//! Validation as the API server does it, with its exact messages.
//!
//! Each rule mirrors one in `pkg/apis/core/validation`, `pkg/apis/apps/validation`,
//! `pkg/apis/autoscaling/validation` or apimachinery's `util/validation`, in the same
//! order, so `kubectl apply` prints here what it prints against a real cluster:
//!
//! ```text
//! The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value:
//! map[string]string{"app":"web"}: `selector` does not match template `labels`
//! ```
//!
//! Validation runs after [`crate::engine::defaults`], as on the server; a field that is
//! still unset (the caller skipped defaulting) is not reported as missing.

use super::diagnostic::{Diagnostic, Severity};
use super::kinds::*;
use super::locate::{parse_path, split_documents, Outline};
use super::meta::{LabelSelector, ObjectMeta, StringMap};
use super::object::{kind_info, Object};
use super::quantity::IntOrString;
use std::collections::BTreeSet;
use std::fmt;

/// One invalid field, as the API server's `field.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field path: `spec.template.spec.containers[0].image`.
    pub path: String,
    /// What is wrong.
    pub kind: FieldErrorKind,
    /// The explanation after the value, possibly empty.
    pub detail: String,
}

/// The API server's error types. Values are already written as Go prints them
/// (`"web"`, `-1`, `map[string]string{"app":"web"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `Required value`.
    Required,
    /// `Invalid value: <value>`.
    Invalid(String),
    /// `Forbidden`.
    Forbidden,
    /// `Unsupported value: <value>: supported values: "a", "b"`.
    NotSupported {
        /// The value given.
        value: String,
        /// The values the field takes.
        allowed: Vec<String>,
    },
    /// `Duplicate value: <value>`.
    Duplicate(String),
    /// A field that may not change: `Invalid value: <new value>: field is immutable`.
    Immutable(String),
}

impl FieldError {
    /// `path: Required value[: detail]`.
    pub fn required(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Required,
            detail: detail.into(),
        }
    }

    /// `path: Invalid value: value: detail`, `value` as Go prints it.
    pub fn invalid(
        path: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Invalid(value.into()),
            detail: detail.into(),
        }
    }

    /// `path: Forbidden: detail`.
    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Forbidden,
            detail: detail.into(),
        }
    }

    /// `path: Unsupported value: "value": supported values: "a", "b"`.
    pub fn not_supported(path: impl Into<String>, value: &str, allowed: &[&str]) -> FieldError {
        let kind = FieldErrorKind::NotSupported {
            value: go_quote(value),
            allowed: allowed.iter().map(|s| s.to_string()).collect(),
        };
        FieldError {
            path: path.into(),
            kind,
            detail: String::new(),
        }
    }

    /// `path: Duplicate value: value`.
    pub fn duplicate(path: impl Into<String>, value: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Duplicate(value.into()),
            detail: String::new(),
        }
    }

    /// `path: Invalid value: value: field is immutable`.
    pub fn immutable(path: impl Into<String>, value: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Immutable(value.into()),
            detail: "field is immutable".into(),
        }
    }

    /// Everything after `path: `, as the API server's `ErrorBody`.
    pub fn body(&self) -> String {
        let mut s = match &self.kind {
            FieldErrorKind::Required => "Required value".to_string(),
            FieldErrorKind::Invalid(v) | FieldErrorKind::Immutable(v) => {
                format!("Invalid value: {v}")
            }
            FieldErrorKind::Forbidden => "Forbidden".to_string(),
            FieldErrorKind::NotSupported { value, allowed } => {
                let quoted: Vec<String> = allowed.iter().map(|a| go_quote(a)).collect();
                format!(
                    "Unsupported value: {value}: supported values: {}",
                    quoted.join(", ")
                )
            }
            FieldErrorKind::Duplicate(v) => format!("Duplicate value: {v}"),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.body())
    }
}

/// kubectl's message for an object the API server refused: one error alone, several in
/// brackets joined with `, `, duplicates dropped.
///
/// `The Deployment "x" is invalid: [spec.selector: Required value, spec.template.metadata.labels: ...]`
pub fn format_invalid(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let mut seen = BTreeSet::new();
    let messages: Vec<String> = errors
        .iter()
        .map(FieldError::to_string)
        .filter(|m| seen.insert(m.clone()))
        .collect();
    match messages.len() {
        0 => format!("The {kind} {name:?} is invalid"),
        1 => format!("The {kind} {name:?} is invalid: {}", messages[0]),
        _ => format!("The {kind} {name:?} is invalid: [{}]", messages.join(", ")),
    }
}

/// Turns field errors into diagnostics placed in the manifest text: `document` as
/// numbered by [`crate::engine::manifest`], `object_path` the object's place inside it
/// (empty, or `items[2]` for an item of a `kind: List`).
pub fn locate_errors(
    text: &str,
    document: usize,
    object_path: &str,
    errors: &[FieldError],
) -> Vec<Diagnostic> {
    let outline = split_documents(text)
        .spans
        .get(document)
        .map(|span| Outline::of(text, span));
    errors
        .iter()
        .map(|e| {
            let diagnostic =
                Diagnostic::new(Severity::Error, document, e.to_string()).with_path(e.path.clone());
            match &outline {
                Some(outline) => {
                    let mut path = parse_path(object_path);
                    path.extend(parse_path(&e.path));
                    let at = outline.find(&path);
                    diagnostic.at(at.line, at.column)
                }
                None => diagnostic,
            }
        })
        .collect()
}

/// Validates an object (defaults already applied) as the API server does on create, or
/// on update when `old` is the stored object.
pub fn validate(obj: &Object, old: Option<&Object>) -> Vec<FieldError> {
    let mut v = Validator::default();
    match obj {
        Object::Namespace(ns) => v.object_meta(&ns.metadata, dns1123_label, Scope::Cluster),
        Object::Node(node) => v.object_meta(&node.metadata, dns1123_subdomain, Scope::Cluster),
        Object::Pod(pod) => {
            v.object_meta(&pod.metadata, dns1123_subdomain, Scope::Namespaced);
            v.pod_spec(&pod.spec, "spec", true);
            if let Some(Object::Pod(old)) = old {
                v.pod_update(&pod.spec, &old.spec);
            }
        }
        Object::ReplicaSet(rs) => {
            v.object_meta(&rs.metadata, dns1123_subdomain, Scope::Namespaced);
            v.replica_set_spec(&rs.spec);
            if let Some(Object::ReplicaSet(old)) = old {
                v.immutable_selector(&rs.spec.selector, &old.spec.selector);
            }
        }
        Object::Deployment(d) => {
            v.object_meta(&d.metadata, dns1123_subdomain, Scope::Namespaced);
            v.deployment_spec(&d.spec);
            if let Some(Object::Deployment(old)) = old {
                v.immutable_selector(&d.spec.selector, &old.spec.selector);
            }
        }
        Object::Service(svc) => {
            v.object_meta(&svc.metadata, dns1035_label, Scope::Namespaced);
            v.service_spec(&svc.spec);
        }
        Object::Endpoints(e) => v.object_meta(&e.metadata, dns1123_subdomain, Scope::Namespaced),
        Object::Event(e) => v.object_meta(&e.metadata, dns1123_subdomain, Scope::Namespaced),
        Object::HorizontalPodAutoscaler(h) => {
            v.object_meta(&h.metadata, dns1123_subdomain, Scope::Namespaced);
            v.hpa_spec(&h.spec);
        }
        Object::EndpointSlice(slice) => {
            v.object_meta(&slice.metadata, dns1123_subdomain, Scope::Namespaced);
            v.endpoint_slice(slice);
            if let Some(Object::EndpointSlice(old)) = old {
                if slice.address_type != old.address_type {
                    v.push(FieldError::immutable(
                        "addressType",
                        go_quote(&slice.address_type),
                    ));
                }
            }
        }
        Object::Other(g) => {
            let scope = match kind_info(&g.kind) {
                Some(info) if info.namespaced => Scope::Namespaced,
                Some(_) => Scope::Cluster,
                None => Scope::Unknown,
            };
            v.object_meta(&g.metadata, dns1123_subdomain, scope);
        }
    }
    v.errors
}

/// Whether a kind lives in a namespace; `Unknown` for kinds kubeplay does not know.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Namespaced,
    Cluster,
    Unknown,
}

/// The message when a number is negative.
const NEGATIVE: &str = "must be greater than or equal to 0";
/// The message for a port outside 1-65535.
const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

#[derive(Default)]
struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    /// `ValidateObjectMeta`: name (or generateName), namespace, labels, annotations.
    fn object_meta(&mut self, meta: &ObjectMeta, name_rule: fn(&str) -> Vec<String>, scope: Scope) {
        if let Some(prefix) = meta.generate_name.as_deref().filter(|g| !g.is_empty()) {
            // A prefix may end in `-`: check it as if a generated suffix followed.
            let masked = match prefix.strip_suffix('-') {
                Some(p) if !p.is_empty() => format!("{p}a"),
                _ => prefix.to_string(),
            };
            for msg in name_rule(&masked) {
                self.push(FieldError::invalid(
                    "metadata.generateName",
                    go_quote(prefix),
                    msg,
                ));
            }
        }
        if meta.name.is_empty() {
            // With generateName the server names the object before it validates it.
            if meta.generate_name.as_deref().is_none_or(str::is_empty) {
                self.push(FieldError::required(
                    "metadata.name",
                    "name or generateName is required",
                ));
            }
        } else {
            for msg in name_rule(&meta.name) {
                self.push(FieldError::invalid(
                    "metadata.name",
                    go_quote(&meta.name),
                    msg,
                ));
            }
        }
        match scope {
            Scope::Namespaced if meta.namespace.is_empty() => {
                self.push(FieldError::required("metadata.namespace", ""))
            }
            Scope::Cluster if !meta.namespace.is_empty() => self.push(FieldError::forbidden(
                "metadata.namespace",
                "not allowed on this type",
            )),
            Scope::Namespaced | Scope::Unknown => {
                for msg in dns1123_label(&meta.namespace)
                    .into_iter()
                    .filter(|_| !meta.namespace.is_empty())
                {
                    self.push(FieldError::invalid(
                        "metadata.namespace",
                        go_quote(&meta.namespace),
                        msg,
                    ));
                }
            }
            Scope::Cluster => {}
        }
        self.labels(&meta.labels, "metadata.labels");
        self.annotations(&meta.annotations, "metadata.annotations");
    }

    /// `ValidateLabels`: keys are qualified names, values valid label values. The path is
    /// the map's, and the value shown is the bad key or value.
    fn labels(&mut self, labels: &StringMap, path: &str) {
        for (k, v) in labels {
            for msg in qualified_name(k) {
                self.push(FieldError::invalid(path, go_quote(k), msg));
            }
            for msg in label_value(v) {
                self.push(FieldError::invalid(path, go_quote(v), msg));
            }
        }
    }

    /// `ValidateAnnotations`: keys are qualified names, case aside.
    fn annotations(&mut self, annotations: &StringMap, path: &str) {
        for k in annotations.keys() {
            for msg in qualified_name(&k.to_ascii_lowercase()) {
                self.push(FieldError::invalid(path, go_quote(k), msg));
            }
        }
    }

    fn non_negative(&mut self, path: String, value: i64) {
        if value < 0 {
            self.push(FieldError::invalid(path, value.to_string(), NEGATIVE));
        }
    }

    /// `ValidateLabelSelector`; returns whether the selector could be converted (an
    /// invalid operator makes it unusable for matching).
    fn label_selector(&mut self, selector: &LabelSelector, path: &str) -> bool {
        let mut usable = true;
        for (i, r) in selector.match_expressions.iter().enumerate() {
            let at = format!("{path}.matchExpressions[{i}]");
            match r.operator.as_str() {
                "In" | "NotIn" if r.values.is_empty() => {
                    self.push(FieldError::required(
                        format!("{at}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                    usable = false;
                }
                "Exists" | "DoesNotExist" if !r.values.is_empty() => {
                    self.push(FieldError::forbidden(
                        format!("{at}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                    usable = false;
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                other => {
                    self.push(FieldError::invalid(
                        format!("{at}.operator"),
                        go_quote(other),
                        "not a valid selector operator",
                    ));
                    usable = false;
                }
            }
            for msg in qualified_name(&r.key) {
                self.push(FieldError::invalid(
                    format!("{at}.key"),
                    go_quote(&r.key),
                    msg,
                ));
            }
        }
        self.labels(&selector.match_labels, &format!("{path}.matchLabels"));
        usable
    }

    /// `ValidateReplicaSetSpec`.
    fn replica_set_spec(&mut self, spec: &ReplicaSetSpec) {
        self.non_negative("spec.replicas".into(), spec.replicas.unwrap_or(1).into());
        self.non_negative(
            "spec.minReadySeconds".into(),
            spec.min_ready_seconds.unwrap_or(0).into(),
        );
        self.selector_and_template(&spec.selector, &spec.template);
    }

    /// `ValidateDeploymentSpec`.
    fn deployment_spec(&mut self, spec: &DeploymentSpec) {
        self.non_negative("spec.replicas".into(), spec.replicas.unwrap_or(1).into());
        self.selector_and_template(&spec.selector, &spec.template);
        self.deployment_strategy(&spec.strategy);
        let min_ready = spec.min_ready_seconds.unwrap_or(0);
        self.non_negative("spec.minReadySeconds".into(), min_ready.into());
        if let Some(limit) = spec.revision_history_limit {
            self.non_negative("spec.revisionHistoryLimit".into(), limit.into());
        }
        if let Some(deadline) = spec.progress_deadline_seconds {
            self.non_negative("spec.progressDeadlineSeconds".into(), deadline.into());
            if deadline <= min_ready {
                self.push(FieldError::invalid(
                    "spec.progressDeadlineSeconds",
                    deadline.to_string(),
                    "must be greater than minReadySeconds",
                ));
            }
        }
    }

    /// The selector checks and `ValidatePodTemplateSpecForReplicaSet`. kubeplay cannot
    /// tell a missing selector from `{}`; both read as missing, which the API server
    /// reports twice: Required, and a template that no selector matches.
    fn selector_and_template(&mut self, selector: &LabelSelector, template: &PodTemplateSpec) {
        if selector.is_empty() {
            self.push(FieldError::required("spec.selector", ""));
        } else if !self.label_selector(selector, "spec.selector") {
            self.push(FieldError::invalid(
                "spec.selector",
                go_selector(selector),
                "invalid label selector",
            ));
            return;
        }
        if selector.is_empty() || !selector.matches(&template.metadata.labels) {
            let value = go_map(&template.metadata.labels);
            self.push(FieldError::invalid(
                "spec.template.metadata.labels",
                value,
                "`selector` does not match template `labels`",
            ));
        }
        self.labels(&template.metadata.labels, "spec.template.metadata.labels");
        self.annotations(
            &template.metadata.annotations,
            "spec.template.metadata.annotations",
        );
        self.pod_spec(&template.spec, "spec.template.spec", false);
        if let Some(policy) = template
            .spec
            .restart_policy
            .as_deref()
            .filter(|p| *p != "Always")
        {
            self.push(FieldError::not_supported(
                "spec.template.spec.restartPolicy",
                policy,
                &["Always"],
            ));
        }
        if template.spec.extra.contains_key("activeDeadlineSeconds") {
            let value = template.spec.extra["activeDeadlineSeconds"].to_string();
            self.push(FieldError::invalid(
                "spec.template.spec.activeDeadlineSeconds",
                value,
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            ));
        }
    }

    /// `ValidateDeploymentStrategy` and `ValidateRollingUpdateDeployment`.
    fn deployment_strategy(&mut self, strategy: &DeploymentStrategy) {
        match strategy.type_.as_deref() {
            None => {}
            Some("Recreate") if strategy.rolling_update.is_some() => {
                self.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
            Some("Recreate") => {}
            Some("RollingUpdate") => {
                let Some(rolling) = &strategy.rolling_update else {
                    return;
                };
                let path = "spec.strategy.rollingUpdate";
                let unavailable = rolling
                    .max_unavailable
                    .clone()
                    .unwrap_or(IntOrString::Int(0));
                let surge = rolling.max_surge.clone().unwrap_or(IntOrString::Int(0));
                self.positive_int_or_percent(&unavailable, format!("{path}.maxUnavailable"));
                self.positive_int_or_percent(&surge, format!("{path}.maxSurge"));
                if int_or_percent_value(&unavailable) == 0 && int_or_percent_value(&surge) == 0 {
                    self.push(FieldError::invalid(
                        format!("{path}.maxUnavailable"),
                        go_int_or_string(&unavailable),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                if matches!(&unavailable, IntOrString::Str(_))
                    && int_or_percent_value(&unavailable) > 100
                {
                    self.push(FieldError::invalid(
                        format!("{path}.maxUnavailable"),
                        go_int_or_string(&unavailable),
                        "must not be greater than 100%",
                    ));
                }
            }
            Some(other) => self.push(FieldError::not_supported(
                "spec.strategy.type",
                other,
                &["Recreate", "RollingUpdate"],
            )),
        }
    }

    fn positive_int_or_percent(&mut self, value: &IntOrString, path: String) {
        match value {
            IntOrString::Str(s) => {
                if !is_percent(s) {
                    let msg = regex_error(
                        "a valid percent string must be a numeric string followed by an ending '%'",
                        "[0-9]+%",
                        &["1%", "93%"],
                    );
                    self.push(FieldError::invalid(path, go_int_or_string(value), msg));
                }
            }
            IntOrString::Int(i) => self.non_negative(path, (*i).into()),
        }
    }

    fn immutable_selector(&mut self, new: &LabelSelector, old: &LabelSelector) {
        if new != old {
            self.push(FieldError::immutable("spec.selector", go_selector(new)));
        }
    }

    /// `ValidatePodSpec`, the parts kubeplay models. `pod` adds the checks only pods get.
    fn pod_spec(&mut self, spec: &PodSpec, path: &str, pod: bool) {
        if spec.containers.is_empty() {
            self.push(FieldError::required(format!("{path}.containers"), ""));
        }
        let mut names = BTreeSet::new();
        for (i, c) in spec.containers.iter().enumerate() {
            let at = format!("{path}.containers[{i}]");
            self.container(c, &at, pod);
            if !c.name.is_empty() && !names.insert(c.name.as_str()) {
                self.push(FieldError::duplicate(
                    format!("{at}.name"),
                    go_quote(&c.name),
                ));
            }
        }
        if let Some(policy) = spec.restart_policy.as_deref() {
            if !matches!(policy, "Always" | "OnFailure" | "Never") {
                self.push(FieldError::not_supported(
                    format!("{path}.restartPolicy"),
                    policy,
                    &["Always", "OnFailure", "Never"],
                ));
            }
        }
        self.labels(&spec.node_selector, &format!("{path}.nodeSelector"));
        for (i, t) in spec.tolerations.iter().enumerate() {
            self.toleration(t, &format!("{path}.tolerations[{i}]"));
        }
    }

    /// `validateContainerCommon` and the port, probe and resource checks it calls.
    fn container(&mut self, c: &Container, at: &str, pod: bool) {
        if c.name.is_empty() {
            self.push(FieldError::required(format!("{at}.name"), ""));
        } else {
            for msg in dns1123_label(&c.name) {
                self.push(FieldError::invalid(
                    format!("{at}.name"),
                    go_quote(&c.name),
                    msg,
                ));
            }
        }
        if c.image.is_empty() {
            self.push(FieldError::required(format!("{at}.image"), ""));
        } else if pod && c.image.trim() != c.image {
            self.push(FieldError::invalid(
                format!("{at}.image"),
                go_quote(&c.image),
                "must not have leading or trailing whitespace",
            ));
        }
        self.container_ports(&c.ports, &format!("{at}.ports"));
        if let Some(policy) = c.image_pull_policy.as_deref() {
            if !matches!(policy, "Always" | "IfNotPresent" | "Never") {
                self.push(FieldError::not_supported(
                    format!("{at}.imagePullPolicy"),
                    policy,
                    &["Always", "IfNotPresent", "Never"],
                ));
            }
        }
        self.resources(&c.resources, &format!("{at}.resources"));
        if let Some(probe) = &c.liveness_probe {
            self.probe(probe, &format!("{at}.livenessProbe"));
            if probe.success_threshold.is_some_and(|s| s != 1) {
                let value = probe.success_threshold.unwrap_or(0).to_string();
                self.push(FieldError::invalid(
                    format!("{at}.livenessProbe.successThreshold"),
                    value,
                    "must be 1",
                ));
            }
        }
        if let Some(probe) = &c.readiness_probe {
            self.probe(probe, &format!("{at}.readinessProbe"));
        }
    }

    /// `validateContainerPorts`.
    fn container_ports(&mut self, ports: &[ContainerPort], path: &str) {
        let mut names = BTreeSet::new();
        for (i, p) in ports.iter().enumerate() {
            let at = format!("{path}[{i}]");
            if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
                let msgs = port_name(name);
                if !msgs.is_empty() {
                    for msg in msgs {
                        self.push(FieldError::invalid(
                            format!("{at}.name"),
                            go_quote(name),
                            msg,
                        ));
                    }
                } else if !names.insert(name) {
                    self.push(FieldError::duplicate(format!("{at}.name"), go_quote(name)));
                }
            }
            if p.container_port == 0 {
                self.push(FieldError::required(format!("{at}.containerPort"), ""));
            } else if !(1..=65535).contains(&p.container_port) {
                self.push(FieldError::invalid(
                    format!("{at}.containerPort"),
                    p.container_port.to_string(),
                    PORT_RANGE,
                ));
            }
            if let Some(host) = p
                .extra
                .get("hostPort")
                .and_then(serde_json::Value::as_i64)
                .filter(|h| *h != 0)
            {
                if !(1..=65535).contains(&host) {
                    self.push(FieldError::invalid(
                        format!("{at}.hostPort"),
                        host.to_string(),
                        PORT_RANGE,
                    ));
                }
            }
            self.protocol(p.protocol.as_deref(), &at);
        }
    }

    fn protocol(&mut self, protocol: Option<&str>, at: &str) {
        match protocol {
            Some("") => self.push(FieldError::required(format!("{at}.protocol"), "")),
            Some(p) if !PROTOCOLS.contains(&p) => self.push(FieldError::not_supported(
                format!("{at}.protocol"),
                p,
                PROTOCOLS,
            )),
            _ => {}
        }
    }

    /// `validateProbe`: a handler and non-negative timings.
    fn probe(&mut self, probe: &Probe, at: &str) {
        let handlers = ["exec", "httpGet", "tcpSocket", "grpc"]
            .iter()
            .filter(|h| probe.extra.contains_key(**h))
            .count();
        if handlers == 0 {
            self.push(FieldError::required(at, "must specify a handler type"));
        }
        let fields = [
            ("initialDelaySeconds", probe.initial_delay_seconds),
            ("timeoutSeconds", probe.timeout_seconds),
            ("periodSeconds", probe.period_seconds),
            ("successThreshold", probe.success_threshold),
            ("failureThreshold", probe.failure_threshold),
        ];
        for (name, value) in fields {
            self.non_negative(format!("{at}.{name}"), value.unwrap_or(0).into());
        }
    }

    /// `ValidateResourceRequirements`: no negative amounts, requests within limits, and
    /// extended resources (`nvidia.com/gpu`) requested exactly at their limit.
    fn resources(&mut self, r: &ResourceRequirements, at: &str) {
        for (kind, map) in [("limits", &r.limits), ("requests", &r.requests)] {
            for (name, q) in map {
                if q.millis() < 0 {
                    self.push(FieldError::invalid(
                        format!("{at}.{kind}[{name}]"),
                        go_quote(q.as_str()),
                        NEGATIVE,
                    ));
                }
            }
        }
        for (name, request) in &r.requests {
            let Some(limit) = r.limits.get(name) else {
                continue;
            };
            let overcommit = !name.contains('/') || name.starts_with("kubernetes.io/");
            let overcommit = overcommit && !name.starts_with("hugepages-");
            if !overcommit && request.millis() != limit.millis() {
                self.push(FieldError::invalid(
                    format!("{at}.requests"),
                    go_quote(request.as_str()),
                    format!("must be equal to {name} limit of {limit}"),
                ));
            } else if request.millis() > limit.millis() {
                self.push(FieldError::invalid(
                    format!("{at}.requests"),
                    go_quote(request.as_str()),
                    format!("must be less than or equal to {name} limit of {limit}"),
                ));
            }
        }
    }

    /// `validateTolerations`.
    fn toleration(&mut self, t: &Toleration, at: &str) {
        let key = t.key.as_deref().unwrap_or("");
        if !key.is_empty() {
            for msg in qualified_name(key) {
                self.push(FieldError::invalid(format!("{at}.key"), go_quote(key), msg));
            }
        }
        let operator = t.operator.as_deref().unwrap_or("");
        if key.is_empty() && operator != "Exists" {
            let detail = "operator must be Exists when `key` is empty, which means \"match all values and all keys\"";
            self.push(FieldError::invalid(
                format!("{at}.operator"),
                go_quote(operator),
                detail,
            ));
        }
        if t.toleration_seconds.is_some() && t.effect.as_deref() != Some("NoExecute") {
            let effect = t.effect.as_deref().unwrap_or("");
            self.push(FieldError::invalid(
                format!("{at}.effect"),
                go_quote(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match operator {
            "" | "Equal" => {
                for msg in label_value(t.value.as_deref().unwrap_or("")) {
                    self.push(FieldError::invalid(
                        format!("{at}.operator"),
                        go_quote(t.value.as_deref().unwrap_or("")),
                        msg,
                    ));
                }
            }
            "Exists" => {
                if let Some(value) = t.value.as_deref().filter(|v| !v.is_empty()) {
                    self.push(FieldError::invalid(
                        format!("{at}.operator"),
                        go_quote(value),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => self.push(FieldError::not_supported(
                format!("{at}.operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if let Some(effect) = t.effect.as_deref().filter(|e| !e.is_empty()) {
            if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                self.push(FieldError::not_supported(
                    format!("{at}.effect"),
                    effect,
                    &["NoExecute", "NoSchedule", "PreferNoSchedule"],
                ));
            }
        }
    }

    /// `ValidatePodUpdate`: only images, `activeDeadlineSeconds`, added tolerations and
    /// the server's own fields may change on a running pod.
    fn pod_update(&mut self, new: &PodSpec, old: &PodSpec) {
        let mut masked = new.clone();
        if masked.containers.len() == old.containers.len() {
            for (c, o) in masked.containers.iter_mut().zip(&old.containers) {
                c.image = o.image.clone();
            }
        }
        if old.tolerations.iter().all(|t| new.tolerations.contains(t)) {
            masked.tolerations = old.tolerations.clone();
        }
        // Fields the scheduler and admission fill in are the server's, not the user's.
        masked.node_name = masked.node_name.or_else(|| old.node_name.clone());
        masked.service_account_name = masked
            .service_account_name
            .or_else(|| old.service_account_name.clone());
        masked.priority = masked.priority.or(old.priority);
        masked.preemption_policy = masked
            .preemption_policy
            .or_else(|| old.preemption_policy.clone());
        masked.enable_service_links = masked.enable_service_links.or(old.enable_service_links);
        for key in ["activeDeadlineSeconds", "serviceAccount"] {
            match old.extra.get(key) {
                Some(v) if key == "serviceAccount" => {
                    masked.extra.entry(key.into()).or_insert_with(|| v.clone());
                }
                Some(v) => {
                    masked.extra.insert(key.into(), v.clone());
                }
                None if key == "activeDeadlineSeconds" => {
                    masked.extra.remove(key);
                }
                None => {}
            }
        }
        if masked != *old {
            let detail = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";
            self.push(FieldError::forbidden("spec", detail));
        }
    }

    /// `ValidateService`, the parts kubeplay models.
    fn service_spec(&mut self, spec: &ServiceSpec) {
        let kind = spec.type_.as_deref().unwrap_or("ClusterIP");
        let headless = spec.cluster_ip.as_deref() == Some("None");
        if kind == "ExternalName" {
            match spec
                .external_name
                .as_deref()
                .map(|n| n.trim_end_matches('.'))
            {
                None | Some("") => self.push(FieldError::required("spec.externalName", "")),
                Some(name) => {
                    for msg in dns1123_subdomain(name) {
                        self.push(FieldError::invalid(
                            "spec.externalName",
                            go_quote(name),
                            msg,
                        ));
                    }
                }
            }
        }
        if spec.ports.is_empty() && !headless && kind != "ExternalName" {
            self.push(FieldError::required("spec.ports", ""));
        }
        let mut names = BTreeSet::new();
        for (i, p) in spec.ports.iter().enumerate() {
            let at = format!("spec.ports[{i}]");
            match p.name.as_deref().unwrap_or("") {
                "" if spec.ports.len() > 1 => {
                    self.push(FieldError::required(format!("{at}.name"), ""))
                }
                "" => {}
                name => {
                    for msg in dns1123_label(name) {
                        self.push(FieldError::invalid(
                            format!("{at}.name"),
                            go_quote(name),
                            msg,
                        ));
                    }
                    if !names.insert(name) {
                        self.push(FieldError::duplicate(format!("{at}.name"), go_quote(name)));
                    }
                }
            }
            if !(1..=65535).contains(&p.port) {
                self.push(FieldError::invalid(
                    format!("{at}.port"),
                    p.port.to_string(),
                    PORT_RANGE,
                ));
            }
            self.protocol(p.protocol.as_deref(), &at);
            match &p.target_port {
                Some(IntOrString::Int(n)) if !(1..=65535).contains(n) => {
                    self.push(FieldError::invalid(
                        format!("{at}.targetPort"),
                        n.to_string(),
                        PORT_RANGE,
                    ));
                }
                Some(IntOrString::Str(name)) => {
                    for msg in port_name(name) {
                        self.push(FieldError::invalid(
                            format!("{at}.targetPort"),
                            go_quote(name),
                            msg,
                        ));
                    }
                }
                _ => {}
            }
            if p.node_port.is_some_and(|n| n != 0) && kind == "ClusterIP" {
                self.push(FieldError::forbidden(
                    format!("{at}.nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
        self.labels(&spec.selector, "spec.selector");
        if let Some(affinity) = spec.session_affinity.as_deref() {
            if !matches!(affinity, "ClientIP" | "None") {
                self.push(FieldError::not_supported(
                    "spec.sessionAffinity",
                    affinity,
                    &["ClientIP", "None"],
                ));
            }
        }
        if !matches!(
            kind,
            "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
        ) {
            self.push(FieldError::not_supported(
                "spec.type",
                kind,
                &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
            ));
        }
    }

    /// `ValidateHorizontalPodAutoscalerSpec`.
    /// `ValidateEndpointSlice`, in part: the address type, and an address for every
    /// endpoint, each a valid IPv4 address in an IPv4 slice. (The limits of 1000
    /// endpoints and 100 addresses are not checked.)
    fn endpoint_slice(&mut self, slice: &EndpointSlice) {
        const TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
        if slice.address_type.is_empty() {
            self.push(FieldError::required("addressType", ""));
        } else if !TYPES.contains(&slice.address_type.as_str()) {
            self.push(FieldError::not_supported(
                "addressType",
                &slice.address_type,
                &TYPES,
            ));
        }
        for (i, endpoint) in slice.endpoints.iter().enumerate() {
            let path = format!("endpoints[{i}].addresses");
            if endpoint.addresses.is_empty() {
                self.push(FieldError::required(
                    &path,
                    "must contain at least 1 address",
                ));
            }
            if slice.address_type == "IPv4" {
                for (j, address) in endpoint.addresses.iter().enumerate() {
                    if address.parse::<std::net::Ipv4Addr>().is_err() {
                        self.push(FieldError::invalid(
                            format!("{path}[{j}]"),
                            go_quote(address),
                            "must be a valid IPv4 address",
                        ));
                    }
                }
            }
        }
    }

    fn hpa_spec(&mut self, spec: &HpaSpec) {
        if spec.min_replicas.is_some_and(|m| m < 1) {
            let m = spec.min_replicas.unwrap_or(0);
            self.push(FieldError::invalid(
                "spec.minReplicas",
                m.to_string(),
                "must be greater than or equal to 1",
            ));
        }
        if spec.max_replicas < 1 {
            self.push(FieldError::invalid(
                "spec.maxReplicas",
                spec.max_replicas.to_string(),
                "must be greater than or equal to 1",
            ));
        }
        if spec.min_replicas.is_some_and(|m| spec.max_replicas < m) {
            self.push(FieldError::invalid(
                "spec.maxReplicas",
                spec.max_replicas.to_string(),
                "must be greater than or equal to `minReplicas`",
            ));
        }
        if spec.scale_target_ref.kind.is_empty() {
            self.push(FieldError::required("spec.scaleTargetRef.kind", ""));
        }
        if spec.scale_target_ref.name.is_empty() {
            self.push(FieldError::required("spec.scaleTargetRef.name", ""));
        }
        if let Some(t) = spec.target_cpu_utilization_percentage.filter(|t| *t < 1) {
            self.push(FieldError::invalid(
                "spec.targetCPUUtilizationPercentage",
                t.to_string(),
                "must be greater than 0",
            ));
        }
    }
}

/// Go's `%q` for a string (close enough: Rust's escapes for control characters differ).
pub fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

/// Go's `%#v` for a `map[string]string`.
pub fn go_map(m: &StringMap) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".into();
    }
    let pairs: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

/// Go's `%#v` for a `metav1.LabelSelector`, as immutable-selector errors print it.
pub fn go_selector(s: &LabelSelector) -> String {
    let expressions = if s.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = s
            .match_expressions
            .iter()
            .map(|r| {
                let values = if r.values.is_empty() {
                    "[]string(nil)".to_string()
                } else {
                    format!(
                        "[]string{{{}}}",
                        r.values
                            .iter()
                            .map(|v| go_quote(v))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                    go_quote(&r.key),
                    go_quote(&r.operator)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{expressions}}}",
        go_map(&s.match_labels)
    )
}

/// Go's `%#v` for an `intstr.IntOrString`.
fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::Str(s) => format!(
            "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
            go_quote(s)
        ),
    }
}

fn is_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The number in `25%` or `3`; 0 when it is neither.
fn int_or_percent_value(v: &IntOrString) -> i64 {
    match v {
        IntOrString::Int(i) => (*i).into(),
        IntOrString::Str(s) => s
            .strip_suffix('%')
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
    }
}

/// apimachinery's `RegexError`: the message, examples and the regular expression.
fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (");
    if !examples.is_empty() {
        out.push_str("e.g. ");
        for (i, e) in examples.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push_str(&format!("'{e}', "));
        }
    }
    out.push_str(&format!("regex used for validation is '{regex}')"));
    out
}

const LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const LABEL_MSG: &str =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_MSG: &str =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QNAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QNAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

fn max_len(n: usize) -> String {
    format!("must be no more than {n} characters")
}

/// Matches `[first]([middle]*[last])?`: one character class at the ends, another inside.
fn shaped(s: &str, end: impl Fn(u8) -> bool, middle: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && end(b[0]) && end(b[b.len() - 1]) && b.iter().all(|&c| middle(c))
}

fn lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_label(s: &str) -> bool {
    shaped(s, lower_alnum, |c| lower_alnum(c) || c == b'-')
}

fn is_subdomain(s: &str) -> bool {
    s.split('.').all(is_label)
}

/// `IsDNS1123Label`: namespace names, container and port names.
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !is_label(s) {
        if is_subdomain(s) {
            errs.push("must not contain dots".into());
        } else {
            errs.push(regex_error(LABEL_MSG, LABEL_FMT, &["my-name", "123-abc"]));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`: most object names.
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len(253));
    }
    if !is_subdomain(s) {
        errs.push(regex_error(SUBDOMAIN_MSG, SUBDOMAIN_FMT, &["example.com"]));
    }
    errs
}

/// `IsDNS1035Label`: Service names, which must start with a letter.
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    let starts_with_letter = s.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if !starts_with_letter || !is_label(s) {
        errs.push(regex_error(
            DNS1035_MSG,
            DNS1035_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

fn is_qualified_part(s: &str) -> bool {
    shaped(
        s,
        |c| c.is_ascii_alphanumeric(),
        |c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'),
    )
}

/// `IsQualifiedName`: label and annotation keys, `[prefix/]name`.
pub fn qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".into());
            } else {
                errs.extend(
                    dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            let msg = regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"]);
            errs.push(format!("a qualified name {msg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len(63)));
    }
    if !is_qualified_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(QNAME_MSG, QNAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// `IsValidLabelValue`: empty, or a qualified name part of at most 63 characters.
pub fn label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !s.is_empty() && !is_qualified_part(s) {
        errs.push(regex_error(
            LABEL_VALUE_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `IsValidPortName`: at most 15 characters, lowercase letters, digits and single
/// hyphens inside, at least one letter.
pub fn port_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 15 {
        errs.push(max_len(15));
    }
    if s.is_empty() || !s.bytes().all(|c| lower_alnum(c) || c == b'-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if s.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::defaults::apply_defaults;
    use crate::engine::manifest::parse_manifests;

    /// Parses, defaults and validates `text` (one object), against `old` if given,
    /// returning kubectl's message or "valid".
    fn check(text: &str, old: Option<&str>) -> String {
        let read = |t: &str| {
            let parsed = parse_manifests(t);
            assert!(
                parsed.diagnostics.iter().all(|d| !d.is_error()),
                "{:?}",
                parsed.diagnostics
            );
            let mut obj = parsed
                .objects
                .into_iter()
                .next()
                .expect("one object")
                .object;
            apply_defaults(&mut obj);
            obj
        };
        let obj = read(text);
        let old = old.map(read);
        let errors = validate(&obj, old.as_ref());
        if errors.is_empty() {
            return "valid".into();
        }
        format_invalid(obj.kind_name(), &obj.meta().name, &errors)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";

    #[test]
    fn objects_are_judged_as_the_api_server_judges_them() {
        struct Case {
            name: &'static str,
            text: String,
            old: Option<&'static str>,
            want: &'static str,
        }
        let edit = |from: &str, to: &str| DEPLOYMENT.replace(from, to);
        let cases = [
            Case { name: "a good deployment", text: DEPLOYMENT.into(), old: None, want: "valid" },
            Case {
                name: "selector does not match the template",
                text: edit("      labels:\n        app: web", "      labels:\n        app: api"),
                old: None,
                want: "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`",
            },
            Case {
                name: "no selector",
                text: edit("  selector:\n    matchLabels:\n      app: web\n", ""),
                old: None,
                want: "The Deployment \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`]",
            },
            Case {
                name: "changed selector",
                text: edit("app: web", "app: web2"),
                old: Some(DEPLOYMENT),
                want: "The Deployment \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
            },
            Case {
                name: "bad name, negative replicas, missing image, Never restart",
                text: edit("  name: web\nspec:\n", "  name: Web_App\nspec:\n  replicas: -1\n").replace("        image: nginx:1.27\n", "      restartPolicy: Never\n"),
                old: None,
                want: "The Deployment \"Web_App\" is invalid: [metadata.name: Invalid value: \"Web_App\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value, spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"]",
            },
            Case {
                name: "duplicate container names and a bad one",
                text: edit("      - name: web\n        image: nginx:1.27\n", "      - name: web\n        image: nginx\n      - name: web\n        image: redis\n      - name: Side_car\n        image: busybox\n"),
                old: None,
                want: "The Deployment \"web\" is invalid: [spec.template.spec.containers[1].name: Duplicate value: \"web\", spec.template.spec.containers[2].name: Invalid value: \"Side_car\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]",
            },
            Case {
                name: "maxSurge and maxUnavailable both 0",
                text: edit("spec:\n  selector:", "spec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0%\n  selector:"),
                old: None,
                want: "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0",
            },
            Case {
                name: "a bad label key and value",
                text: edit("  name: web\n", "  name: web\n  labels:\n    -bad: \"x y\"\n"),
                old: None,
                want: "The Deployment \"web\" is invalid: [metadata.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), metadata.labels: Invalid value: \"x y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]",
            },
            Case {
                name: "a pod without containers, in a bad namespace",
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: Dev\nspec:\n  restartPolicy: Sometimes\n".into(),
                old: None,
                want: "The Pod \"p\" is invalid: [metadata.namespace: Invalid value: \"Dev\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.containers: Required value, spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"]",
            },
            Case {
                name: "pod ports and resources",
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 70000\n    - name: http\n    resources:\n      requests: {cpu: 2}\n      limits: {cpu: 1}\n".into(),
                old: None,
                want: "The Pod \"p\" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.containers[0].ports[1].containerPort: Required value, spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1]",
            },
            Case {
                name: "a pod update that changes more than the image",
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:2\n    ports: [{containerPort: 81}]\n".into(),
                old: Some("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1\n    ports: [{containerPort: 80}]\n"),
                want: "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
            },
            Case {
                name: "a pod update of the image alone",
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:2\n".into(),
                old: Some("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1\n"),
                want: "valid",
            },
            Case {
                name: "services",
                text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  type: Internal\n  ports:\n  - port: 0\n  - port: 80\n    name: http\n    nodePort: 30080\n".into(),
                old: None,
                want: "The Service \"1web\" is invalid: [metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), spec.ports[0].name: Required value, spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive, spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"]",
            },
            Case {
                name: "a service without ports, and a headless one",
                text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {app: web}\n".into(),
                old: None,
                want: "The Service \"s\" is invalid: spec.ports: Required value",
            },
            Case {
                name: "headless services need no ports",
                text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: None\n".into(),
                old: None,
                want: "valid",
            },
            Case {
                name: "an HPA with no target",
                text: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  minReplicas: 3\n  maxReplicas: 2\n".into(),
                old: None,
                want: "The HorizontalPodAutoscaler \"h\" is invalid: [spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`, spec.scaleTargetRef.kind: Required value, spec.scaleTargetRef.name: Required value]",
            },
            Case {
                name: "a namespace name with a dot, and no name at all",
                text: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: my.team\n".into(),
                old: None,
                want: "The Namespace \"my.team\" is invalid: metadata.name: Invalid value: \"my.team\": must not contain dots",
            },
            Case {
                name: "no name",
                text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n".into(),
                old: None,
                want: "The ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required",
            },
        ];
        for case in cases {
            assert_eq!(check(&case.text, case.old), case.want, "{}", case.name);
        }
    }

    #[test]
    fn name_rules() {
        struct Case {
            rule: fn(&str) -> Vec<String>,
            value: &'static str,
            valid: bool,
        }
        let long = "a".repeat(64);
        let cases = [
            Case {
                rule: dns1123_label,
                value: "web-1",
                valid: true,
            },
            Case {
                rule: dns1123_label,
                value: "-web",
                valid: false,
            },
            Case {
                rule: dns1123_label,
                value: "",
                valid: false,
            },
            Case {
                rule: dns1123_subdomain,
                value: "web.example.com",
                valid: true,
            },
            Case {
                rule: dns1123_subdomain,
                value: "web..com",
                valid: false,
            },
            Case {
                rule: dns1035_label,
                value: "web-1",
                valid: true,
            },
            Case {
                rule: dns1035_label,
                value: "1web",
                valid: false,
            },
            Case {
                rule: dns1035_label,
                value: "web-",
                valid: false,
            },
            Case {
                rule: qualified_name,
                value: "app.kubernetes.io/name",
                valid: true,
            },
            Case {
                rule: qualified_name,
                value: "a/b/c",
                valid: false,
            },
            Case {
                rule: qualified_name,
                value: "/name",
                valid: false,
            },
            Case {
                rule: label_value,
                value: "",
                valid: true,
            },
            Case {
                rule: label_value,
                value: "v1.2_beta-3",
                valid: true,
            },
            Case {
                rule: port_name,
                value: "http",
                valid: true,
            },
            Case {
                rule: port_name,
                value: "8080",
                valid: false,
            },
            Case {
                rule: port_name,
                value: "web--port",
                valid: false,
            },
        ];
        for case in cases {
            assert_eq!(
                (case.rule)(case.value).is_empty(),
                case.valid,
                "{:?}",
                case.value
            );
        }
        assert_eq!(
            dns1123_label(&long),
            vec!["must be no more than 63 characters".to_string()]
        );
    }

    #[test]
    fn errors_point_into_the_text() {
        let text = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n---\n{}",
            DEPLOYMENT.replace("image: nginx:1.27\n", "image: \"\"\n")
        );
        let parsed = parse_manifests(&text);
        let mut obj = parsed.objects[1].object.clone();
        apply_defaults(&mut obj);
        let diagnostics = locate_errors(&text, 1, "", &validate(&obj, None));
        let shown: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            ["line 21, column 9: spec.template.spec.containers[0].image: Required value"]
        );
    }
}
