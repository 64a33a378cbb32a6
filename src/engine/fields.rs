//! The Kubernetes field names of the structs that kubeplay models only in part, and the
//! check that finds misspelled fields in them.
//!
//! `PodSpec`, `Container`, `Probe`, `ContainerPort`, `ServiceSpec` and `ServicePort` type
//! the fields the simulation reads and keep every other field in a flattened `extra` map,
//! so `-o yaml` gives back what the user wrote. The price of `#[serde(flatten)]` is that
//! serde can no longer tell a real field it does not model (`volumes`) from a typo
//! (`volumnes`), nor say which field inside had the wrong type. So this module walks those
//! structs itself: typed fields are checked one by one with their exact path, names
//! Kubernetes defines are kept, and any other name is an unknown field, removed as the
//! API server drops it.

use super::decode;
use super::kinds::{ResourceRequirements, Toleration};
use super::locate::Segment;
use super::meta::StringMap;
use super::object::Kind;
use super::quantity::IntOrString;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What checking found: type errors and unknown fields, each with its path in the object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Issues {
    /// Fields whose value has the wrong type, with serde's message.
    pub errors: Vec<(Vec<Segment>, String)>,
    /// Fields Kubernetes does not define; they have been removed from the value.
    pub unknown: Vec<Vec<Segment>>,
}

/// A struct whose unmodeled fields live in a flattened `extra` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flattened {
    /// core/v1 PodSpec.
    PodSpec,
    /// core/v1 Container (also used for `initContainers`).
    Container,
    /// core/v1 Probe.
    Probe,
    /// core/v1 ContainerPort.
    ContainerPort,
    /// core/v1 ServiceSpec.
    ServiceSpec,
    /// core/v1 ServicePort.
    ServicePort,
}

impl Flattened {
    /// The fields kubeplay types, by their Kubernetes names.
    pub fn typed(self) -> &'static [&'static str] {
        match self {
            Flattened::PodSpec => &[
                "containers",
                "restartPolicy",
                "terminationGracePeriodSeconds",
                "nodeName",
                "nodeSelector",
                "tolerations",
                "schedulerName",
                "dnsPolicy",
                "serviceAccountName",
                "securityContext",
                "enableServiceLinks",
                "preemptionPolicy",
                "priority",
            ],
            Flattened::Container => &[
                "name",
                "image",
                "imagePullPolicy",
                "ports",
                "resources",
                "readinessProbe",
                "livenessProbe",
                "terminationMessagePath",
                "terminationMessagePolicy",
            ],
            Flattened::Probe => &[
                "initialDelaySeconds",
                "periodSeconds",
                "timeoutSeconds",
                "successThreshold",
                "failureThreshold",
            ],
            Flattened::ContainerPort => &["containerPort", "name", "protocol"],
            Flattened::ServiceSpec => &[
                "type",
                "selector",
                "ports",
                "clusterIP",
                "clusterIPs",
                "externalIPs",
                "externalName",
                "sessionAffinity",
                "internalTrafficPolicy",
                "ipFamilies",
                "ipFamilyPolicy",
                "externalTrafficPolicy",
                "publishNotReadyAddresses",
            ],
            Flattened::ServicePort => &["name", "protocol", "port", "targetPort", "nodePort"],
        }
    }

    /// The other fields Kubernetes defines for the struct (k8s.io/api core/v1, up to
    /// v1.34), kept verbatim.
    pub fn kept(self) -> &'static [&'static str] {
        match self {
            Flattened::PodSpec => &[
                "activeDeadlineSeconds",
                "affinity",
                "automountServiceAccountToken",
                "dnsConfig",
                "ephemeralContainers",
                "hostAliases",
                "hostIPC",
                "hostNetwork",
                "hostPID",
                "hostUsers",
                "hostname",
                "hostnameOverride",
                "imagePullSecrets",
                "initContainers",
                "os",
                "overhead",
                "priorityClassName",
                "readinessGates",
                "resourceClaims",
                "resources",
                "runtimeClassName",
                "schedulingGates",
                "serviceAccount",
                "setHostnameAsFQDN",
                "shareProcessNamespace",
                "subdomain",
                "topologySpreadConstraints",
                "volumes",
            ],
            Flattened::Container => &[
                "args",
                "command",
                "env",
                "envFrom",
                "lifecycle",
                "resizePolicy",
                "restartPolicy",
                "restartPolicyRules",
                "securityContext",
                "startupProbe",
                "stdin",
                "stdinOnce",
                "tty",
                "volumeDevices",
                "volumeMounts",
                "workingDir",
            ],
            Flattened::Probe => &[
                "exec",
                "grpc",
                "httpGet",
                "tcpSocket",
                "terminationGracePeriodSeconds",
            ],
            Flattened::ContainerPort => &["hostIP", "hostPort"],
            Flattened::ServiceSpec => &[
                "allocateLoadBalancerNodePorts",
                "healthCheckNodePort",
                "loadBalancerClass",
                "loadBalancerIP",
                "loadBalancerSourceRanges",
                "sessionAffinityConfig",
                "trafficDistribution",
            ],
            Flattened::ServicePort => &["appProtocol"],
        }
    }

    /// The flattened struct (and whether it is a list of them) a field holds, if any.
    /// `initContainers` and `startupProbe` are kept verbatim but are still checked.
    fn nested(self, field: &str) -> Option<(Flattened, bool)> {
        match (self, field) {
            (Flattened::PodSpec, "containers" | "initContainers") => {
                Some((Flattened::Container, true))
            }
            (Flattened::Container, "ports") => Some((Flattened::ContainerPort, true)),
            (Flattened::Container, "readinessProbe" | "livenessProbe" | "startupProbe") => {
                Some((Flattened::Probe, false))
            }
            (Flattened::ServiceSpec, "ports") => Some((Flattened::ServicePort, true)),
            _ => None,
        }
    }

    /// A required number the API server reads as 0 when missing (Go's zero value), so
    /// validation can say `Required value` instead of the decoder failing.
    fn required_number(self) -> Option<&'static str> {
        match self {
            Flattened::ContainerPort => Some("containerPort"),
            Flattened::ServicePort => Some("port"),
            _ => None,
        }
    }
}

/// Where each simulated kind keeps its flattened structs.
pub fn flattened_root(kind: Kind) -> Option<(&'static [&'static str], Flattened)> {
    match kind {
        Kind::Pod => Some((&["spec"], Flattened::PodSpec)),
        Kind::Deployment | Kind::ReplicaSet => {
            Some((&["spec", "template", "spec"], Flattened::PodSpec))
        }
        Kind::Service => Some((&["spec"], Flattened::ServiceSpec)),
        _ => None,
    }
}

/// Checks the flattened structs of an object of `kind` (given as JSON, without
/// `apiVersion` and `kind`), removing unknown fields from it.
pub fn check_object(kind: Kind, object: &mut Value) -> Issues {
    let mut issues = Issues::default();
    if let Some((root, flattened)) = flattened_root(kind) {
        let mut value = Some(object);
        for key in root {
            value = value.and_then(|v| v.get_mut(*key));
        }
        if let Some(value) = value {
            let mut path = root.iter().map(|k| Segment::Key(k.to_string())).collect();
            check(flattened, value, &mut path, &mut issues);
        }
    }
    issues
}

/// Whether an unknown field at `path` is one Kubernetes does define but kubeplay's typed
/// structs leave out; it is dropped without a warning, as it changes nothing here.
pub fn unmodeled(path: &[Segment]) -> bool {
    let key = |i: usize| match path.get(i) {
        Some(Segment::Key(k)) => k.as_str(),
        _ => "",
    };
    let n = path.len();
    let last = if n > 0 { key(n - 1) } else { "" };
    let parent = if n > 1 { key(n - 2) } else { "" };
    key(0) == "status"
        || (parent == "metadata" && matches!(last, "managedFields" | "selfLink"))
        || (parent == "resources" && last == "claims")
        || (n == 1
            && matches!(
                last,
                "eventTime" | "series" | "action" | "related" | "reportingController"
            ))
        || (key(0) == "spec"
            && n == 2
            && matches!(
                last,
                "providerID" | "podCIDRs" | "configSource" | "externalID"
            ))
        || (key(0) == "subsets" && matches!(last, "hostname" | "appProtocol"))
        || (key(0) == "endpoints" && matches!(last, "hints" | "deprecatedTopology"))
}

fn check(flattened: Flattened, value: &mut Value, path: &mut Vec<Segment>, issues: &mut Issues) {
    let Value::Object(map) = value else {
        check_struct(flattened, value, path, issues);
        return;
    };
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        path.push(Segment::Key(key.clone()));
        let field = map.get_mut(&key);
        match (flattened.nested(&key), field) {
            (Some((inner, true)), Some(Value::Array(items))) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(Segment::Index(i));
                    check(inner, item, path, issues);
                    path.pop();
                }
            }
            (Some((inner, false)), Some(v)) => check(inner, v, path, issues),
            (Some((inner, true)), Some(v)) => check_list_type(inner, v, path, issues),
            (None, Some(v)) if flattened.typed().contains(&key.as_str()) => {
                check_field(flattened, &key, v, path, issues)
            }
            (None, _) if flattened.kept().contains(&key.as_str()) => {}
            (None, _) => {
                issues.unknown.push(path.clone());
                map.remove(&key);
            }
            (Some(_), None) => {}
        }
        path.pop();
    }
    if let Some(field) = flattened.required_number() {
        map.entry(field).or_insert(Value::from(0));
    }
}

/// A list field that is not a list: let serde word the type error.
fn check_list_type(inner: Flattened, value: &Value, path: &[Segment], issues: &mut Issues) {
    use super::kinds::{Container, ContainerPort, ServicePort};
    match inner {
        Flattened::Container => check_type::<Vec<Container>>(value, path, issues),
        Flattened::ContainerPort => check_type::<Vec<ContainerPort>>(value, path, issues),
        _ => check_type::<Vec<ServicePort>>(value, path, issues),
    }
}

/// A struct given as something other than a mapping: let serde word the type error.
fn check_struct(flattened: Flattened, value: &Value, path: &[Segment], issues: &mut Issues) {
    use super::kinds::{Container, ContainerPort, PodSpec, Probe, ServicePort, ServiceSpec};
    match flattened {
        Flattened::PodSpec => check_type::<PodSpec>(value, path, issues),
        Flattened::Container => check_type::<Container>(value, path, issues),
        Flattened::Probe => check_type::<Probe>(value, path, issues),
        Flattened::ContainerPort => check_type::<ContainerPort>(value, path, issues),
        Flattened::ServiceSpec => check_type::<ServiceSpec>(value, path, issues),
        Flattened::ServicePort => check_type::<ServicePort>(value, path, issues),
    }
}

/// Checks one typed field against the type kinds.rs gives it.
fn check_field(
    flattened: Flattened,
    key: &str,
    value: &Value,
    path: &[Segment],
    issues: &mut Issues,
) {
    use Flattened::*;
    match (flattened, key) {
        (PodSpec, "terminationGracePeriodSeconds") => check_type::<i64>(value, path, issues),
        (PodSpec, "nodeSelector") | (ServiceSpec, "selector") => {
            check_type::<StringMap>(value, path, issues)
        }
        (PodSpec, "tolerations") => check_type::<Vec<Toleration>>(value, path, issues),
        (PodSpec, "securityContext") => {}
        (PodSpec, "enableServiceLinks") | (ServiceSpec, "publishNotReadyAddresses") => {
            check_type::<bool>(value, path, issues)
        }
        (PodSpec, "priority")
        | (Probe, _)
        | (ContainerPort, "containerPort")
        | (ServicePort, "port" | "nodePort") => check_type::<i32>(value, path, issues),
        (Container, "resources") => check_type::<ResourceRequirements>(value, path, issues),
        (ServiceSpec, "clusterIPs" | "externalIPs" | "ipFamilies") => {
            check_type::<Vec<String>>(value, path, issues)
        }
        (ServicePort, "targetPort") => check_type::<IntOrString>(value, path, issues),
        _ => check_type::<String>(value, path, issues),
    }
}

/// Checks that `value` decodes as `T`; only the issues matter.
fn check_type<T: DeserializeOwned>(value: &Value, path: &[Segment], issues: &mut Issues) {
    check_as::<T>(value, path, issues);
}

/// Deserializes `value` as `T`, recording a type error and unknown fields under `path`.
/// Gives the value back when it decoded.
pub fn check_as<T: DeserializeOwned>(
    value: &Value,
    path: &[Segment],
    issues: &mut Issues,
) -> Option<T> {
    let mut unknown = Vec::new();
    let decoded = decode::decode::<T>(value, &mut unknown);
    if let Err(e) = &decoded {
        let mut at = path.to_vec();
        at.extend(e.path.iter().cloned());
        issues.errors.push((at, e.message.clone()));
    }
    for p in unknown {
        let mut at = path.to_vec();
        at.extend(p);
        if !unmodeled(&at) {
            issues.unknown.push(at);
        }
    }
    decoded.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::{
        Container, ContainerPort, PodSpec, Probe, ServicePort, ServiceSpec,
    };
    use crate::engine::locate::format_path;
    use serde::Serialize;
    use serde_json::json;

    /// The typed lists must match kinds.rs: serialize a struct with every field set and
    /// compare its keys.
    #[test]
    fn typed_lists_match_the_structs() {
        fn keys<T: Serialize>(t: &T) -> Vec<String> {
            let mut k: Vec<String> = serde_json::to_value(t)
                .unwrap()
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            k.sort();
            k
        }
        fn sorted(flattened: Flattened) -> Vec<String> {
            let mut k: Vec<String> = flattened.typed().iter().map(|s| s.to_string()).collect();
            k.sort();
            k
        }
        let full: Value = json!({
            "containers": [], "restartPolicy": "x", "terminationGracePeriodSeconds": 1, "nodeName": "x",
            "nodeSelector": {"a": "b"}, "tolerations": [{}], "schedulerName": "x", "dnsPolicy": "x",
            "serviceAccountName": "x", "securityContext": {}, "enableServiceLinks": true, "preemptionPolicy": "x", "priority": 0
        });
        let pod: PodSpec = serde_json::from_value(full).unwrap();
        assert_eq!(keys(&pod), sorted(Flattened::PodSpec));
        let probe = Probe {
            initial_delay_seconds: Some(1),
            period_seconds: Some(1),
            timeout_seconds: Some(1),
            success_threshold: Some(1),
            failure_threshold: Some(1),
            ..Default::default()
        };
        assert_eq!(keys(&probe), sorted(Flattened::Probe));
        let container: Container = serde_json::from_value(json!({
            "name": "x", "image": "x", "imagePullPolicy": "x", "ports": [{"containerPort": 1}], "resources": {},
            "readinessProbe": {}, "livenessProbe": {}, "terminationMessagePath": "x", "terminationMessagePolicy": "x"
        }))
        .unwrap();
        assert_eq!(keys(&container), sorted(Flattened::Container));
        let port: ContainerPort =
            serde_json::from_value(json!({"containerPort": 1, "name": "x", "protocol": "x"}))
                .unwrap();
        assert_eq!(keys(&port), sorted(Flattened::ContainerPort));
        let service: ServiceSpec = serde_json::from_value(json!({
            "type": "x", "selector": {"a": "b"}, "ports": [{"port": 1}], "clusterIP": "x", "clusterIPs": ["x"],
            "externalIPs": ["x"], "externalName": "x", "sessionAffinity": "x", "internalTrafficPolicy": "x",
            "ipFamilies": ["x"], "ipFamilyPolicy": "x", "externalTrafficPolicy": "x", "publishNotReadyAddresses": true
        }))
        .unwrap();
        assert_eq!(keys(&service), sorted(Flattened::ServiceSpec));
        let sport: ServicePort = serde_json::from_value(
            json!({"name": "x", "protocol": "x", "port": 1, "targetPort": 1, "nodePort": 1}),
        )
        .unwrap();
        assert_eq!(keys(&sport), sorted(Flattened::ServicePort));
    }

    #[test]
    fn unknown_and_mistyped_fields_get_exact_paths() {
        struct Case {
            kind: Kind,
            object: Value,
            errors: &'static [&'static str],
            unknown: &'static [&'static str],
        }
        let cases = [
            Case {
                kind: Kind::Pod,
                object: json!({"spec": {"containers": [{"name": "a", "image": "nginx", "imagePullPolicyy": "Always",
                    "ports": [{"containerPort": "http"}], "volumeMounts": [], "resources": {"limit": {}}}],
                    "volumes": [], "restartPolicyy": "Never"}}),
                errors: &["spec.containers[0].ports[0].containerPort: invalid type: string \"http\", expected i32"],
                unknown: &["spec.containers[0].imagePullPolicyy", "spec.containers[0].resources.limit", "spec.restartPolicyy"],
            },
            Case {
                kind: Kind::Deployment,
                object: json!({"spec": {"template": {"spec": {"initContainers": [{"name": "i", "imagee": "x",
                    "startupProbe": {"periodSecond": 1}}], "containers": [{"name": "a", "readinessProbe": {"periodSeconds": "10s"}}]}}}}),
                errors: &["spec.template.spec.containers[0].readinessProbe.periodSeconds: invalid type: string \"10s\", expected i32"],
 unknown: &["spec.template.spec.initContainers[0].imagee", "spec.template.spec.initContainers[0].startupProbe.periodSecond"],
            },
            Case {
                kind: Kind::Service,
                object: json!({"spec": {"ports": [{"targetPort": "http", "portt": 80}], "selector": {"app": 1}, "loadBalancerIP": "1.2.3.4"}}),
                errors: &["spec.selector.app: invalid type: integer `1`, expected a string"],
                unknown: &["spec.ports[0].portt"],
            },
        ];
        for case in cases {
            let mut object = case.object;
            let issues = check_object(case.kind, &mut object);
            let errors: Vec<String> = issues
                .errors
                .iter()
                .map(|(p, m)| format!("{}: {m}", format_path(p)))
                .collect();
            let mut unknown: Vec<String> = issues.unknown.iter().map(|p| format_path(p)).collect();
            unknown.sort();
            assert_eq!(errors, case.errors);
            assert_eq!(unknown, case.unknown);
        }
    }

    #[test]
    fn unknown_fields_are_removed_and_missing_ports_read_as_zero() {
        let mut object =
            json!({"spec": {"ports": [{"name": "web", "portt": 80}], "sessionAffinityConfig": {}}});
        check_object(Kind::Service, &mut object);
        assert_eq!(
            object,
            json!({"spec": {"ports": [{"name": "web", "port": 0}], "sessionAffinityConfig": {}}})
        );
    }
}
