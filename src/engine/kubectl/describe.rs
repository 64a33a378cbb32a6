//! `kubectl describe`: the sectioned text of kubectl's describers
//! (`k8s.io/kubectl/pkg/describe/describe.go`) for every kind kubeplay stores, each with
//! the object's Events at the end, oldest first.
//!
//! Text is written as kubectl's `PrefixWriter` writes it (two spaces per level, cells
//! separated by tabs) and aligned by [`align_tabs`] with describe's tabwriter settings,
//! so quirks such as the realignment after `IPs:` come out as a real cluster prints them.

use super::print::{
    age, align_tabs, event_last_seen, format_labels, hpa_metric_specs, init_containers,
    join_host_port, node_roles, scalar, secret_keys, selector_string, service_cluster_ips,
    service_type, TabConfig,
};
use crate::engine::controllers::endpointslice::LABEL_SERVICE_NAME;
use crate::engine::kinds::{
    Condition, Container, ContainerState, ContainerStatus, Deployment, EndpointSlice, Endpoints,
    Event, HorizontalPodAutoscaler, Namespace, Node, Pod, PodTemplateSpec, Probe, ReplicaSet,
    Service, Taint, Toleration,
};
use crate::engine::meta::{ObjectMeta, StringMap};
use crate::engine::object::{Generic, Object};
use crate::engine::quantity::Quantity;
use crate::engine::sort;
use crate::engine::store::Store;
use crate::engine::time::SimTime;
use serde_json::Value;
use std::collections::BTreeMap;

/// `kubectl describe` output for one object, ending in a newline.
///
/// Pods, ReplicaSets, Deployments, Nodes, Services, Endpoints, EndpointSlices, Namespaces, HPAs,
/// ConfigMaps and Secrets get their own describers; any other kind gets kubectl's generic
/// one (every field, nested by indentation). Events are the store's Events whose
/// `involvedObject.uid` is the object's uid, sorted by last timestamp.
pub fn describe(obj: &Object, store: &Store, now: SimTime) -> String {
    let text = match obj {
        Object::Pod(p) => describe_pod(p, store, now),
        Object::ReplicaSet(rs) => describe_replica_set(rs, store, now),
        Object::Deployment(d) => describe_deployment(d, store, now),
        Object::Node(n) => describe_node(n, store, now),
        Object::Service(s) => describe_service(s, store, now),
        Object::Endpoints(e) => describe_endpoints(e, store, now),
        Object::EndpointSlice(e) => describe_endpoint_slice(e, store, now),
        Object::Namespace(ns) => describe_namespace(ns, store),
        Object::HorizontalPodAutoscaler(h) => describe_hpa(h, store, now),
        Object::Other(g) if g.kind == "ConfigMap" => describe_config_map(g, store, now),
        Object::Other(g) if g.kind == "Secret" => describe_secret(g),
        Object::Event(_) | Object::Other(_) => describe_generic(obj, store, now),
    };
    align_tabs(&text, TabConfig::DESCRIBE)
}

/// Go's zero time as `describe` prints an unset timestamp.
const ZERO_TIME: &str = "Mon, 01 Jan 0001 00:00:00 +0000";

/// Formats an RFC 3339 timestamp as Go's `time.RFC1123Z`, which every describer uses:
/// `2025-01-01T00:00:42Z` -> `Wed, 01 Jan 2025 00:00:42 +0000`.
pub fn rfc1123z(timestamp: Option<&str>) -> String {
    let Some(ts) = timestamp else {
        return ZERO_TIME.to_string();
    };
    let num = |r: std::ops::Range<usize>| ts.get(r).and_then(|s| s.parse::<i64>().ok());
    let parsed = (|| {
        let b = ts.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !ts.ends_with('Z') {
            return None;
        }
        Some((
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        ))
    })();
    let Some((y, mo, d, h, mi, s)) = parsed else {
        return ts.to_string();
    };
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // 1970-01-01 was a Thursday.
    let weekday = DAYS[(days_from_civil(y, mo, d) + 4).rem_euclid(7) as usize];
    let month = MONTHS
        .get((mo - 1).clamp(0, 11) as usize)
        .copied()
        .unwrap_or("Jan");
    format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} +0000")
}

// ---------------------------------------------------------------------------------------
// The writer

const L0: usize = 0;
const L1: usize = 1;
const L2: usize = 2;
const L3: usize = 3;

/// kubectl's `PrefixWriter`: text at an indent level of two spaces per level.
#[derive(Default)]
struct Out(String);

impl Out {
    fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
    }
}

macro_rules! w {
    ($out:expr, $level:expr, $($arg:tt)*) => {
        $out.write($level, &format!($($arg)*))
    };
}

// ---------------------------------------------------------------------------------------
// Pods

fn describe_pod(pod: &Pod, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &pod.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    // The Priority and ServiceAccount admission plugins always set these fields.
    w!(o, L0, "Priority:\t{}\n", pod.spec.priority.unwrap_or(0));
    if let Some(class) = pod
        .spec
        .extra
        .get("priorityClassName")
        .and_then(Value::as_str)
    {
        w!(o, L0, "Priority Class Name:\t{class}\n");
    }
    w!(
        o,
        L0,
        "Service Account:\t{}\n",
        pod.spec
            .service_account_name
            .as_deref()
            .unwrap_or("default")
    );
    match pod.spec.node_name.as_deref() {
        Some(node) if !node.is_empty() => {
            w!(
                o,
                L0,
                "Node:\t{node}/{}\n",
                pod.status.host_ip.as_deref().unwrap_or("")
            );
        }
        _ => o.write(L0, "Node:\t<none>\n"),
    }
    if let Some(start) = &pod.status.start_time {
        w!(o, L0, "Start Time:\t{}\n", rfc1123z(Some(start)));
    }
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    if m.is_deleting() && !pod.is_terminal() {
        w!(
            o,
            L0,
            "Status:\tTerminating (lasts {})\n",
            age(m.deletion_timestamp.as_deref(), now)
        );
        w!(
            o,
            L0,
            "Termination Grace Period:\t{}s\n",
            m.deletion_grace_period_seconds.unwrap_or(30)
        );
    } else {
        w!(o, L0, "Status:\t{}\n", pod.phase());
    }
    if let Some(reason) = pod.status.reason.as_deref().filter(|r| !r.is_empty()) {
        w!(o, L0, "Reason:\t{reason}\n");
    }
    if let Some(message) = pod.status.message.as_deref().filter(|r| !r.is_empty()) {
        w!(o, L0, "Message:\t{message}\n");
    }
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    w!(o, L0, "IP:\t{ip}\n");
    if ip.is_empty() {
        o.write(L0, "IPs:\t<none>\n");
    } else {
        // The kubelet reports podIPs alongside podIP; kubeplay's pods are single-stack.
        o.write(L0, "IPs:\n");
        w!(o, L1, "IP:\t{ip}\n");
    }
    if let Some(owner) = controlled_by(m) {
        w!(o, L0, "Controlled By:\t{owner}\n");
    }
    let inits = init_container_specs(pod);
    if !inits.is_empty() {
        describe_containers(&mut o, "Init Containers", &inits, &[], "", Some(pod));
    }
    describe_containers(
        &mut o,
        "Containers",
        &pod.spec.containers,
        &pod.status.container_statuses,
        "",
        Some(pod),
    );
    let gates = readiness_gates(pod);
    if !gates.is_empty() {
        o.write(L0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let status = pod
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == g)
                .map_or("<none>", |c| &*c.status);
            w!(o, L1, "{g} \t{status} \n");
        }
    }
    if !pod.status.conditions.is_empty() {
        o.write(L0, "Conditions:\n  Type\tStatus\n");
        for c in &pod.status.conditions {
            w!(o, L1, "{} \t{} \n", c.type_, c.status);
        }
    }
    describe_volumes(&mut o, pod.spec.extra.get("volumes"), "");
    w!(
        o,
        L0,
        "QoS Class:\t{}\n",
        pod.status
            .qos_class
            .clone()
            .unwrap_or_else(|| qos_class(pod))
    );
    labels_multiline(&mut o, "Node-Selectors", &pod.spec.node_selector);
    tolerations_multiline(&mut o, "Tolerations", &pod.spec.tolerations);
    describe_events(&mut o, &events_for(store, m, "Pod"), now);
    o.0
}

fn describe_containers(
    o: &mut Out,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    space: &str,
    pod: Option<&Pod>,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w!(o, L0, "{space}{label}:{none}\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let status = statuses.iter().find(|s| s.name == c.name);
        w!(o, L1, "{name_indent}{}:\n", c.name);
        if let Some(s) = status {
            w!(
                o,
                L2,
                "Container ID:\t{}\n",
                s.container_id.as_deref().unwrap_or("")
            );
        }
        w!(o, L2, "Image:\t{}\n", c.image);
        if let Some(s) = status {
            w!(o, L2, "Image ID:\t{}\n", s.image_id);
        }
        let ports = container_ports(c, |_| None);
        let host_ports = container_ports(c, |p| {
            p.extra.get("hostPort").and_then(Value::as_i64).or(Some(0))
        });
        for (title, value) in [("Port", ports), ("Host Port", host_ports)] {
            if value.contains(',') {
                w!(o, L2, "{title}s:\t{value}\n");
            } else {
                w!(o, L2, "{title}:\t{}\n", or_none(&value));
            }
        }
        for (title, key) in [("Command", "command"), ("Args", "args")] {
            let items = string_list(c.extra.get(key));
            if !items.is_empty() {
                w!(o, L2, "{title}:\n");
                for line in items.iter().flat_map(|i| i.split('\n')) {
                    w!(o, L3, "{line}\n");
                }
            }
        }
        if let Some(s) = status {
            describe_state(o, "State", &s.state);
            if let Some(last) = s.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                describe_state(o, "Last State", last);
            }
            w!(
                o,
                L2,
                "Ready:\t{}\n",
                if s.ready { "True" } else { "False" }
            );
            w!(o, L2, "Restart Count:\t{}\n", s.restart_count);
        }
        describe_resources(o, &c.resources.limits, &c.resources.requests);
        let startup: Option<Probe> = c
            .extra
            .get("startupProbe")
            .and_then(|v| crate::engine::decode::from_value(v).ok());
        for (title, probe) in [
            ("Liveness", c.liveness_probe.as_ref()),
            ("Readiness", c.readiness_probe.as_ref()),
            ("Startup", startup.as_ref()),
        ] {
            if let Some(p) = probe {
                w!(o, L2, "{title}:\t{}\n", describe_probe(p));
            }
        }
        describe_env_from(o, c);
        describe_env(o, c, pod);
        describe_mounts(o, c);
    }
}

fn container_ports(
    c: &Container,
    host: impl Fn(&crate::engine::kinds::ContainerPort) -> Option<i64>,
) -> String {
    c.ports
        .iter()
        .map(|p| {
            let number = host(p).unwrap_or(i64::from(p.container_port));
            let mut s = format!("{number}/{}", p.protocol.as_deref().unwrap_or("TCP"));
            if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
                s = format!("{s} ({name})");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_state(o: &mut Out, title: &str, state: &ContainerState) {
    if let Some(r) = &state.running {
        w!(o, L2, "{title}:\tRunning\n");
        w!(o, L3, "Started:\t{}\n", rfc1123z(r.started_at.as_deref()));
    } else if let Some(wt) = &state.waiting {
        w!(o, L2, "{title}:\tWaiting\n");
        if let Some(reason) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w!(o, L3, "Reason:\t{reason}\n");
        }
    } else if let Some(t) = &state.terminated {
        w!(o, L2, "{title}:\tTerminated\n");
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w!(o, L3, "Reason:\t{reason}\n");
        }
        w!(o, L3, "Exit Code:\t{}\n", t.exit_code);
        w!(o, L3, "Started:\t{}\n", rfc1123z(t.started_at.as_deref()));
        w!(o, L3, "Finished:\t{}\n", rfc1123z(t.finished_at.as_deref()));
    } else {
        w!(o, L2, "{title}:\tWaiting\n");
    }
}

fn describe_resources(
    o: &mut Out,
    limits: &BTreeMap<String, Quantity>,
    requests: &BTreeMap<String, Quantity>,
) {
    for (title, list) in [("Limits", limits), ("Requests", requests)] {
        if !list.is_empty() {
            w!(o, L2, "{title}:\n");
        }
        for (name, q) in list {
            w!(o, L3, "{name}:\t{}\n", quantity_string(name, q));
        }
    }
}

/// A probe as `DescribeProbe` prints it: `http-get http://:80/ delay=0s timeout=1s
/// period=10s successThreshold=1 failureThreshold=3`, with the API server's defaults.
fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s successThreshold={} failureThreshold={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    let text = |v: &Value| scalar(v).unwrap_or_default();
    if let Some(exec) = p.extra.get("exec") {
        return format!(
            "exec [{}] {attrs}",
            string_list(exec.get("command")).join(" ")
        );
    }
    if let Some(http) = p.extra.get("httpGet") {
        let scheme = http
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("HTTP")
            .to_ascii_lowercase();
        let host = text(&http["host"]);
        let port = text(&http["port"]);
        let host = if port.is_empty() {
            host
        } else {
            join_host_port(&host, &port)
        };
        let mut path = text(&http["path"]);
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            path.insert(0, '/');
        }
        return format!("http-get {scheme}://{host}{path} {attrs}");
    }
    if let Some(tcp) = p.extra.get("tcpSocket") {
        return format!(
            "tcp-socket {}:{} {attrs}",
            text(&tcp["host"]),
            text(&tcp["port"])
        );
    }
    if let Some(grpc) = p.extra.get("grpc") {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            text(&grpc["port"]),
            text(&grpc["service"])
        );
    }
    format!("unknown {attrs}")
}

fn describe_env_from(o: &mut Out, c: &Container) {
    let Some(list) = c
        .extra
        .get("envFrom")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    else {
        return;
    };
    o.write(L2, "Environment Variables from:\n");
    for e in list {
        let (from, source) = match (e.get("configMapRef"), e.get("secretRef")) {
            (Some(r), _) => ("ConfigMap", r),
            (None, Some(r)) => ("Secret", r),
            (None, None) => ("", &Value::Null),
        };
        let name = source.get("name").and_then(Value::as_str).unwrap_or("");
        let optional = source
            .get("optional")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match e
            .get("prefix")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
        {
            None => w!(o, L3, "{name}\t{from}\tOptional: {optional}\n"),
            Some(prefix) => w!(
                o,
                L3,
                "{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"
            ),
        }
    }
}

fn describe_env(o: &mut Out, c: &Container, pod: Option<&Pod>) {
    let env = c
        .extra
        .get("env")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let none = if env.is_empty() { "\t<none>" } else { "" };
    w!(o, L2, "Environment:{none}\n");
    for e in &env {
        let name = e.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(from) = e.get("valueFrom") else {
            let value = e.get("value").and_then(Value::as_str).unwrap_or("");
            for (i, line) in value.split('\n').enumerate() {
                if i == 0 {
                    w!(o, L3, "{name}:\t{line}\n");
                } else {
                    w!(o, L3, "\t{line}\n");
                }
            }
            continue;
        };
        let text = |v: &Value| scalar(v).unwrap_or_default();
        if let Some(f) = from.get("fieldRef") {
            let api = f.get("apiVersion").and_then(Value::as_str).unwrap_or("v1");
            let path = text(&f["fieldPath"]);
            let value = pod.map(|p| pod_field(p, &path)).unwrap_or_default();
            w!(o, L3, "{name}:\t{value} ({api}:{path})\n");
        } else if let Some(r) = from.get("resourceFieldRef") {
            let resource = text(&r["resource"]);
            let value = container_resource_value(c, &resource);
            w!(o, L3, "{name}:\t{value} ({resource})\n");
        } else if let Some(r) = from.get("secretKeyRef") {
            let optional = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
            w!(
                o,
                L3,
                "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {optional}\n",
                text(&r["key"]),
                text(&r["name"])
            );
        } else if let Some(r) = from.get("configMapKeyRef") {
            let optional = r.get("optional").and_then(Value::as_bool).unwrap_or(false);
            w!(
                o,
                L3,
                "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {optional}\n",
                text(&r["key"]),
                text(&r["name"])
            );
        }
    }
}

/// The value a downward-API `fieldRef` resolves to for this pod.
fn pod_field(pod: &Pod, path: &str) -> String {
    let m = &pod.metadata;
    let quoted_key = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .map(String::from)
    };
    match path {
        "metadata.name" => m.name.clone(),
        "metadata.namespace" => m.namespace.clone(),
        "metadata.uid" => m.uid.clone(),
        "spec.nodeName" => pod.spec.node_name.clone().unwrap_or_default(),
        "spec.serviceAccountName" => pod.spec.service_account_name.clone().unwrap_or_default(),
        "status.podIP" | "status.podIPs" => pod.status.pod_ip.clone().unwrap_or_default(),
        "status.hostIP" | "status.hostIPs" => pod.status.host_ip.clone().unwrap_or_default(),
        _ => {
            if let Some(k) = quoted_key("metadata.labels['") {
                m.labels.get(&k).cloned().unwrap_or_default()
            } else if let Some(k) = quoted_key("metadata.annotations['") {
                m.annotations.get(&k).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    }
}

/// What a `resourceFieldRef` shows: the container's own request or limit, or `node
/// allocatable` for an unset limit.
fn container_resource_value(c: &Container, resource: &str) -> String {
    let (list, name) = match resource.split_once('.') {
        Some(("limits", n)) => (&c.resources.limits, n),
        Some(("requests", n)) => (&c.resources.requests, n),
        _ => return String::new(),
    };
    match list.get(name) {
        Some(q) => quantity_string(name, q),
        None if resource.starts_with("limits.") && matches!(name, "cpu" | "memory") => {
            "node allocatable".to_string()
        }
        None => "0".to_string(),
    }
}

fn describe_mounts(o: &mut Out, c: &Container) {
    let mut mounts = c
        .extra
        .get("volumeMounts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    w!(o, L2, "Mounts:{none}\n");
    let path = |m: &Value| {
        m.get("mountPath")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    sort::sort_by_key(&mut mounts, path);
    for m in &mounts {
        let mut flags = vec![
            if m.get("readOnly").and_then(Value::as_bool).unwrap_or(false) {
                "ro"
            } else {
                "rw"
            }
            .to_string(),
        ];
        if let Some(sub) = m
            .get("subPath")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            flags.push(format!("path={sub:?}"));
        }
        let name = m.get("name").and_then(Value::as_str).unwrap_or("");
        w!(o, L3, "{} from {name} ({})\n", path(m), flags.join(","));
    }
}

fn describe_volumes(o: &mut Out, volumes: Option<&Value>, space: &str) {
    let volumes = volumes
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if volumes.is_empty() {
        w!(o, L0, "{space}Volumes:\t<none>\n");
        return;
    }
    w!(o, L0, "{space}Volumes:\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    let text = |v: &Value| scalar(v).unwrap_or_default();
    for v in &volumes {
        w!(o, L1, "{name_indent}{}:\n", text(&v["name"]));
        let flag = |src: &Value, key: &str| src.get(key).and_then(Value::as_bool).unwrap_or(false);
        if let Some(src) = v.get("emptyDir") {
            let limit = scalar(&src["sizeLimit"]).unwrap_or_else(|| "<unset>".into());
            w!(
                o,
                L2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}\n",
                text(&src["medium"])
            );
        } else if let Some(src) = v.get("configMap") {
            w!(
                o,
                L2,
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                text(&src["name"]),
                flag(src, "optional")
            );
        } else if let Some(src) = v.get("secret") {
            w!(
                o,
                L2,
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                text(&src["secretName"]),
                flag(src, "optional")
            );
        } else if let Some(src) = v.get("hostPath") {
            let kind = scalar(&src["type"]).unwrap_or_else(|| "<none>".into());
            w!(o, L2, "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{kind}\n", text(&src["path"]));
        } else if let Some(src) = v.get("persistentVolumeClaim") {
            w!(
                o,
                L2,
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                text(&src["claimName"]),
                flag(src, "readOnly")
            );
        } else {
            o.write(L1, "<unknown>\n");
        }
    }
}

/// The pod's QoS class as the API server computes it when `status.qosClass` is unset:
/// Guaranteed when every container limits cpu and memory and requests equal limits,
/// BestEffort when nothing is requested or limited, Burstable otherwise.
fn qos_class(pod: &Pod) -> String {
    let mut requests: BTreeMap<&str, i64> = BTreeMap::new();
    let mut limits: BTreeMap<&str, i64> = BTreeMap::new();
    let mut guaranteed = true;
    let inits = init_container_specs(pod);
    for c in pod.spec.containers.iter().chain(inits.iter()) {
        for (name, q) in &c.resources.requests {
            if matches!(name.as_str(), "cpu" | "memory") && q.millis() != 0 {
                *requests.entry(name.as_str()).or_default() += q.millis();
            }
        }
        let mut found = 0;
        for (name, q) in &c.resources.limits {
            if matches!(name.as_str(), "cpu" | "memory") && q.millis() != 0 {
                found += 1;
                *limits.entry(name.as_str()).or_default() += q.millis();
            }
        }
        if found < 2 {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort".to_string();
    }
    if guaranteed
        && requests.iter().all(|(k, v)| limits.get(k) == Some(v))
        && requests.len() == limits.len()
    {
        return "Guaranteed".to_string();
    }
    "Burstable".to_string()
}

fn readiness_gates(pod: &Pod) -> Vec<String> {
    pod.spec
        .extra
        .get("readinessGates")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|g| g.get("conditionType").and_then(Value::as_str))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The pod's init containers, parsed from `spec.initContainers` where kubeplay keeps them.
fn init_container_specs(pod: &Pod) -> Vec<Container> {
    let Some(list) = pod
        .spec
        .extra
        .get("initContainers")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|v| crate::engine::decode::from_value(v).ok())
        .collect()
}

// ---------------------------------------------------------------------------------------
// ReplicaSets and Deployments

fn describe_replica_set(rs: &ReplicaSet, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &rs.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    w!(
        o,
        L0,
        "Selector:\t{}\n",
        or_none(&selector_string(&rs.spec.selector))
    );
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    if let Some(owner) = controlled_by(m) {
        w!(o, L0, "Controlled By:\t{owner}\n");
    }
    w!(
        o,
        L0,
        "Replicas:\t{} current / {} desired\n",
        rs.status.replicas,
        rs.replicas()
    );
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for pod in store.list_in::<Pod>(&m.namespace) {
        if !is_controlled_by(&pod.metadata, m, "ReplicaSet")
            || !rs.spec.selector.matches(&pod.metadata.labels)
        {
            continue;
        }
        match pod.phase() {
            "Running" => running += 1,
            "Pending" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    o.write(L0, "Pods Status:\t");
    w!(
        o,
        L0,
        "{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"
    );
    describe_pod_template(&mut o, &rs.spec.template);
    conditions_with_reason(&mut o, &rs.status.conditions);
    describe_events(&mut o, &events_for(store, m, "ReplicaSet"), now);
    o.0
}

fn describe_pod_template(o: &mut Out, template: &PodTemplateSpec) {
    o.write(L0, "Pod Template:\n");
    labels_multiline(o, "  Labels", &template.metadata.labels);
    if !template.metadata.annotations.is_empty() {
        annotations_multiline(o, "  Annotations", &template.metadata.annotations);
    }
    if let Some(sa) = template
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w!(o, L1, "Service Account:\t{sa}\n");
    }
    let inits: Vec<Container> = template
        .spec
        .extra
        .get("initContainers")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|v| crate::engine::decode::from_value(v).ok())
                .collect()
        })
        .unwrap_or_default();
    if !inits.is_empty() {
        describe_containers(o, "Init Containers", &inits, &[], "  ", None);
    }
    describe_containers(o, "Containers", &template.spec.containers, &[], "  ", None);
    describe_volumes(o, template.spec.extra.get("volumes"), "  ");
    if let Some(class) = template
        .spec
        .extra
        .get("priorityClassName")
        .and_then(Value::as_str)
    {
        w!(o, L1, "Priority Class Name:\t{class}\n");
    }
    labels_multiline(o, "  Node-Selectors", &template.spec.node_selector);
    tolerations_multiline(o, "  Tolerations", &template.spec.tolerations);
}

fn describe_deployment(d: &Deployment, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &d.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    w!(
        o,
        L0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(m.creation_timestamp.as_deref())
    );
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(o, L0, "Selector:\t{}\n", selector_string(&d.spec.selector));
    let s = &d.status;
    w!(
        o,
        L0,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
        d.replicas(),
        s.updated_replicas,
        s.replicas,
        s.available_replicas,
        s.unavailable_replicas
    );
    let strategy = d.spec.strategy.type_.as_deref().unwrap_or("RollingUpdate");
    w!(o, L0, "StrategyType:\t{strategy}\n");
    w!(
        o,
        L0,
        "MinReadySeconds:\t{}\n",
        d.spec.min_ready_seconds.unwrap_or(0)
    );
    if strategy == "RollingUpdate" {
        // The API server fills in 25%/25% when rollingUpdate is left out.
        let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
        let pct = |v: Option<crate::engine::quantity::IntOrString>| {
            v.map_or_else(|| "25%".to_string(), |v| v.to_string())
        };
        w!(
            o,
            L0,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            pct(ru.max_unavailable),
            pct(ru.max_surge)
        );
    }
    describe_pod_template(&mut o, &d.spec.template);
    conditions_with_reason(&mut o, &d.status.conditions);
    let (old, new) = deployment_replica_sets(d, store);
    if !old.is_empty() || new.is_some() {
        w!(o, L0, "OldReplicaSets:\t{}\n", replica_sets_by_labels(&old));
        w!(
            o,
            L0,
            "NewReplicaSet:\t{}\n",
            replica_sets_by_labels(&new.into_iter().collect::<Vec<_>>())
        );
    }
    describe_events(&mut o, &events_for(store, m, "Deployment"), now);
    o.0
}

/// The Deployment's ReplicaSets as kubectl finds them: those it controls, oldest first;
/// the new one is the oldest whose template equals the Deployment's, ignoring the
/// `pod-template-hash` label.
fn deployment_replica_sets<'a>(
    d: &Deployment,
    store: &'a Store,
) -> (Vec<&'a ReplicaSet>, Option<&'a ReplicaSet>) {
    let mut owned: Vec<&ReplicaSet> = store
        .replicasets
        .values()
        .filter(|rs| rs.metadata.namespace == d.metadata.namespace)
        .filter(|rs| is_controlled_by(&rs.metadata, &d.metadata, "Deployment"))
        .collect();
    sort::sort_by(&mut owned, |a, b| {
        let created = |rs: &ReplicaSet| {
            rs.metadata
                .creation_timestamp
                .as_deref()
                .and_then(SimTime::parse_rfc3339)
        };
        created(a)
            .cmp(&created(b))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
    let without_hash = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove("pod-template-hash");
        t
    };
    let wanted = without_hash(&d.spec.template);
    let new = owned
        .iter()
        .copied()
        .find(|rs| without_hash(&rs.spec.template) == wanted);
    let old = owned
        .into_iter()
        .filter(|rs| new.is_none_or(|n| n.metadata.name != rs.metadata.name))
        .collect();
    (old, new)
}

fn replica_sets_by_labels(list: &[&ReplicaSet]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name,
                rs.status.replicas,
                rs.replicas()
            )
        })
        .collect();
    if parts.is_empty() {
        "<none>".to_string()
    } else {
        parts.join(", ")
    }
}

fn conditions_with_reason(o: &mut Out, conditions: &[Condition]) {
    if conditions.is_empty() {
        return;
    }
    o.write(L0, "Conditions:\n  Type\tStatus\tReason\n");
    o.write(L1, "----\t------\t------\n");
    for c in conditions {
        w!(
            o,
            L1,
            "{} \t{}\t{}\n",
            c.type_,
            c.status,
            c.reason.as_deref().unwrap_or("")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Nodes

fn describe_node(node: &Node, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &node.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    let roles = node_roles(node);
    w!(
        o,
        L0,
        "Roles:\t{}\n",
        if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        }
    );
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(
        o,
        L0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(m.creation_timestamp.as_deref())
    );
    taints_multiline(&mut o, "Taints", &node.spec.taints);
    w!(o, L0, "Unschedulable:\t{}\n", node.spec.unschedulable);
    // kubeplay has no Lease objects: the kubelet's lease is renewed with each heartbeat,
    // so the Ready condition's heartbeat stands in for its renew time.
    o.write(L0, "Lease:\n");
    w!(o, L1, "HolderIdentity:\t{}\n", m.name);
    o.write(L1, "AcquireTime:\t<unset>\n");
    let heartbeat = node
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .and_then(|c| c.last_heartbeat_time.as_deref());
    w!(
        o,
        L1,
        "RenewTime:\t{}\n",
        heartbeat.map_or_else(|| "<unset>".to_string(), |h| rfc1123z(Some(h)))
    );
    if !node.status.conditions.is_empty() {
        o.write(
            L0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        o.write(
            L1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in &node.status.conditions {
            w!(
                o,
                L1,
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                c.type_,
                c.status,
                rfc1123z(c.last_heartbeat_time.as_deref()),
                rfc1123z(c.last_transition_time.as_deref()),
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            );
        }
    }
    o.write(L0, "Addresses:\n");
    for a in &node.status.addresses {
        w!(o, L1, "{}:\t{}\n", a.type_, a.address);
    }
    for (title, list) in [
        ("Capacity", &node.status.capacity),
        ("Allocatable", &node.status.allocatable),
    ] {
        if !list.is_empty() {
            w!(o, L0, "{title}:\n");
            for (name, q) in list {
                w!(o, L0, "  {name}:\t{}\n", quantity_string(name, q));
            }
        }
    }
    let info = |k: &str| node.status.node_info.get(k).cloned().unwrap_or_default();
    o.write(L0, "System Info:\n");
    for (title, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ] {
        w!(o, L0, "  {title}:\t{}\n", info(key));
    }
    if let Some(cidr) = node.spec.pod_cidr.as_deref().filter(|c| !c.is_empty()) {
        // The node IPAM controller sets podCIDRs alongside podCIDR.
        w!(o, L0, "PodCIDR:\t{cidr}\n");
        w!(o, L0, "PodCIDRs:\t{cidr}\n");
    }
    describe_node_resources(&mut o, node, store, now);
    describe_events(&mut o, &events_for(store, m, "Node"), now);
    o.0
}

fn describe_node_resources(o: &mut Out, node: &Node, store: &Store, now: SimTime) {
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| {
            p.spec.node_name.as_deref() == Some(node.metadata.name.as_str()) && !p.is_terminal()
        })
        .collect();
    let allocatable = if node.status.allocatable.is_empty() {
        &node.status.capacity
    } else {
        &node.status.allocatable
    };
    let alloc = |name: &str| allocatable.get(name).map_or(0, |q| amount(name, q));
    let pct = |value: i64, total: i64| {
        if total == 0 {
            0
        } else {
            (value as f64 / total as f64 * 100.0) as i64
        }
    };
    w!(o, L0, "Non-terminated Pods:\t({} in total)\n", pods.len());
    o.write(
        L1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    o.write(
        L1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let (cpu, mem) = (alloc("cpu"), alloc("memory"));
    for p in &pods {
        let (cr, cl) = (
            pod_amount(p, Side::Requests, "cpu"),
            pod_amount(p, Side::Limits, "cpu"),
        );
        let (mr, ml) = (
            pod_amount(p, Side::Requests, "memory"),
            pod_amount(p, Side::Limits, "memory"),
        );
        w!(
            o,
            L1,
            "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
            p.metadata.namespace,
            p.metadata.name,
            amount_string("cpu", cr),
            pct(cr, cpu),
            amount_string("cpu", cl),
            pct(cl, cpu),
            amount_string("memory", mr),
            pct(mr, mem),
            amount_string("memory", ml),
            pct(ml, mem),
            age(p.metadata.creation_timestamp.as_deref(), now)
        );
    }
    o.write(
        L0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    o.write(L1, "Resource\tRequests\tLimits\n");
    o.write(L1, "--------\t--------\t------\n");
    let total =
        |side: Side, name: &str| pods.iter().map(|p| pod_amount(p, side, name)).sum::<i64>();
    let mut rows: Vec<String> = vec!["cpu".into(), "memory".into(), "ephemeral-storage".into()];
    rows.extend(
        allocatable
            .keys()
            .filter(|k| k.starts_with("hugepages-"))
            .cloned(),
    );
    for name in &rows {
        let (req, lim, all) = (
            total(Side::Requests, name),
            total(Side::Limits, name),
            alloc(name),
        );
        w!(
            o,
            L1,
            "{name}\t{} ({}%)\t{} ({}%)\n",
            amount_string(name, req),
            pct(req, all),
            amount_string(name, lim),
            pct(lim, all)
        );
    }
    let standard = |k: &str| {
        matches!(k, "cpu" | "memory" | "ephemeral-storage" | "pods") || k.starts_with("hugepages-")
    };
    for name in allocatable.keys().filter(|k| !standard(k)) {
        let (req, lim) = (total(Side::Requests, name), total(Side::Limits, name));
        w!(
            o,
            L1,
            "{name}\t{}\t{}\n",
            amount_string(name, req),
            amount_string(name, lim)
        );
    }
}

#[derive(Clone, Copy)]
enum Side {
    Requests,
    Limits,
}

/// A pod's total request or limit of one resource, as kubectl's `PodRequests` sums it:
/// regular containers and sidecars add up, and a bigger plain init container wins.
fn pod_amount(pod: &Pod, side: Side, name: &str) -> i64 {
    let of = |c: &Container| {
        let list = match side {
            Side::Requests => &c.resources.requests,
            Side::Limits => &c.resources.limits,
        };
        list.get(name).map_or(0, |q| amount(name, q))
    };
    let sidecars: Vec<String> = init_containers(pod)
        .into_iter()
        .filter(|c| c.restartable)
        .map(|c| c.name)
        .collect();
    let inits = init_container_specs(pod);
    let running: i64 = pod.spec.containers.iter().map(of).sum::<i64>()
        + inits
            .iter()
            .filter(|c| sidecars.contains(&c.name))
            .map(of)
            .sum::<i64>();
    let init_max = inits
        .iter()
        .filter(|c| !sidecars.contains(&c.name))
        .map(of)
        .max()
        .unwrap_or(0);
    running.max(init_max)
}

/// A quantity in the unit kubectl compares: millicores for cpu, whole units otherwise.
fn amount(name: &str, q: &Quantity) -> i64 {
    if name == "cpu" {
        q.millis()
    } else {
        q.value()
    }
}

/// A quantity written back as Kubernetes' canonical `Quantity.String()` does.
fn quantity_string(name: &str, q: &Quantity) -> String {
    match name {
        "cpu" | "memory" | "ephemeral-storage" | "storage" => amount_string(name, amount(name, q)),
        n if n.starts_with("hugepages-") => amount_string(name, amount(name, q)),
        _ => q.as_str().to_string(),
    }
}

/// `500m`, `2`; `128Mi`, `1G`, `0`: the canonical text of an amount from [`amount`].
fn amount_string(name: &str, value: i64) -> String {
    if name == "cpu" {
        return Quantity::from_millis(value).as_str().to_string();
    }
    if value == 0 {
        return "0".to_string();
    }
    const BINARY: [(&str, i64); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    const DECIMAL: [(&str, i64); 5] = [
        ("P", 1_000_000_000_000_000),
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1000),
    ];
    for (suffix, unit) in BINARY.iter().chain(DECIMAL.iter()) {
        if value % unit == 0 {
            return format!("{}{suffix}", value / unit);
        }
    }
    value.to_string()
}

// ---------------------------------------------------------------------------------------
// Services and Endpoints

fn describe_service(svc: &Service, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &svc.metadata;
    let type_ = service_type(svc);
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(o, L0, "Selector:\t{}\n", format_labels(&svc.spec.selector));
    w!(o, L0, "Type:\t{type_}\n");
    // The API server sets the IP family fields on every service but ExternalName.
    let external_name = type_ == "ExternalName";
    if let Some(policy) = svc
        .spec
        .ip_family_policy
        .clone()
        .or_else(|| (!external_name).then(|| "SingleStack".to_string()))
    {
        w!(o, L0, "IP Family Policy:\t{policy}\n");
    }
    let families = if svc.spec.ip_families.is_empty() && !external_name {
        vec!["IPv4".to_string()]
    } else {
        svc.spec.ip_families.clone()
    };
    w!(o, L0, "IP Families:\t{}\n", or_none(&families.join(",")));
    let ips = service_cluster_ips(svc);
    w!(
        o,
        L0,
        "IP:\t{}\n",
        svc.spec
            .cluster_ip
            .clone()
            .or_else(|| ips.first().cloned())
            .unwrap_or_default()
    );
    w!(o, L0, "IPs:\t{}\n", or_none(&ips.join(",")));
    if !svc.spec.external_ips.is_empty() {
        w!(
            o,
            L0,
            "External IPs:\t{}\n",
            svc.spec.external_ips.join(",")
        );
    }
    if let Some(name) = svc.spec.external_name.as_deref().filter(|n| !n.is_empty()) {
        w!(o, L0, "External Name:\t{name}\n");
    }
    if !svc.status.load_balancer.ingress.is_empty() {
        let list: Vec<String> = svc
            .status
            .load_balancer
            .ingress
            .iter()
            .map(|i| i.ip.clone().unwrap_or_default())
            .collect();
        w!(o, L0, "LoadBalancer Ingress:\t{}\n", list.join(", "));
    }
    // kubectl 1.32 lists the Service's EndpointSlices by label (whoever manages them),
    // in the order the API server returns them: by name.
    let slices: Vec<&EndpointSlice> = store
        .list_in::<EndpointSlice>(&m.namespace)
        .filter(|s| s.metadata.labels.get(LABEL_SERVICE_NAME) == Some(&m.name))
        .collect();
    for p in &svc.spec.ports {
        let name = p
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "<unset>".to_string());
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        w!(o, L0, "Port:\t{name}\t{}/{proto}\n", p.port);
        let target = p
            .target_port
            .as_ref()
            .map_or_else(|| p.port.to_string(), |t| t.to_string());
        w!(o, L0, "TargetPort:\t{target}/{proto}\n");
        if let Some(node_port) = p.node_port.filter(|n| *n != 0) {
            w!(o, L0, "NodePort:\t{name}\t{node_port}/{proto}\n");
        }
        w!(
            o,
            L0,
            "Endpoints:\t{}\n",
            format_endpoint_slices(&slices, p.name.as_deref().unwrap_or(""))
        );
    }
    w!(
        o,
        L0,
        "Session Affinity:\t{}\n",
        svc.spec.session_affinity.as_deref().unwrap_or("None")
    );
    let node_ports = matches!(type_, "NodePort" | "LoadBalancer");
    if let Some(policy) = svc
        .spec
        .external_traffic_policy
        .clone()
        .or_else(|| node_ports.then(|| "Cluster".to_string()))
    {
        w!(o, L0, "External Traffic Policy:\t{policy}\n");
    }
    if let Some(policy) = svc
        .spec
        .internal_traffic_policy
        .clone()
        .or_else(|| (!external_name).then(|| "Cluster".to_string()))
    {
        w!(o, L0, "Internal Traffic Policy:\t{policy}\n");
    }
    describe_events(&mut o, &events_for(store, m, "Service"), now);
    o.0
}

/// The `Endpoints:` line of `describe svc` for one port (`formatEndpointSlices`): the
/// ready addresses of the Service's slices with that port, three at most then
/// ` + N more...`. No slice gives `<none>`; slices without ready endpoints (the
/// placeholder of a Service that selects no ready pod) an empty line. A slice without
/// ports (headless) lists bare addresses. An endpoint with no `ready` condition counts as
/// ready, as the API says consumers should read "unknown".
fn format_endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let (mut list, mut more, mut count) = (Vec::new(), false, 0usize);
    for slice in slices {
        let ports: Vec<Option<i32>> = if slice.ports.is_empty() {
            vec![None]
        } else {
            slice
                .ports
                .iter()
                .filter(|p| p.name.as_deref().unwrap_or("") == port_name)
                // kubectl dereferences the number; a hand-written slice may lack one,
                // and then the bare address is listed rather than failing.
                .map(|p| p.port)
                .collect()
        };
        for port in ports {
            for ep in &slice.endpoints {
                // kubectl marks "more" before it skips a not-ready endpoint.
                if list.len() == MAX {
                    more = true;
                }
                if ep.conditions.ready == Some(false) {
                    continue;
                }
                let Some(addr) = ep.addresses.first() else {
                    continue;
                };
                if !more {
                    list.push(match port {
                        Some(p) => join_host_port(addr, &p.to_string()),
                        None => addr.clone(),
                    });
                }
                count += 1;
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count.saturating_sub(MAX))
    } else {
        joined
    }
}

fn describe_endpoints(ep: &Endpoints, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &ep.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    o.write(L0, "Subsets:\n");
    for ss in &ep.subsets {
        let ips = |list: &[crate::engine::kinds::EndpointAddress]| {
            or_none(
                &list
                    .iter()
                    .map(|a| a.ip.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            )
        };
        w!(o, L1, "Addresses:\t{}\n", ips(&ss.addresses));
        w!(
            o,
            L1,
            "NotReadyAddresses:\t{}\n",
            ips(&ss.not_ready_addresses)
        );
        if !ss.ports.is_empty() {
            o.write(L1, "Ports:\n");
            o.write(L2, "Name\tPort\tProtocol\n");
            o.write(L2, "----\t----\t--------\n");
            for p in &ss.ports {
                let name = p
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "<unset>".to_string());
                w!(
                    o,
                    L2,
                    "{name}\t{}\t{}\n",
                    p.port,
                    p.protocol.as_deref().unwrap_or("TCP")
                );
            }
        }
        o.write(L0, "\n");
    }
    describe_events(&mut o, &events_for(store, m, "Endpoints"), now);
    o.0
}

/// `describeEndpointSliceV1`: ports as a table, then each endpoint with its addresses,
/// Ready condition, hostname, pod, node and zone (`<unset>` where absent).
fn describe_endpoint_slice(slice: &EndpointSlice, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &slice.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(o, L0, "AddressType:\t{}\n", slice.address_type);
    let unset = |v: Option<String>| v.unwrap_or_else(|| "<unset>".to_string());
    if slice.ports.is_empty() {
        o.write(L0, "Ports: <unset>\n");
    } else {
        o.write(L0, "Ports:\n");
        o.write(L1, "Name\tPort\tProtocol\n");
        o.write(L1, "----\t----\t--------\n");
        for p in &slice.ports {
            w!(
                o,
                L1,
                "{}\t{}\t{}\n",
                unset(p.name.clone().filter(|n| !n.is_empty())),
                unset(p.port.map(|n| n.to_string())),
                p.protocol.as_deref().unwrap_or("TCP")
            );
        }
    }
    if slice.endpoints.is_empty() {
        o.write(L0, "Endpoints: <none>\n");
    } else {
        o.write(L0, "Endpoints:\n");
        for ep in &slice.endpoints {
            w!(
                o,
                L1,
                "- Addresses:\t{}\n",
                or_none(&ep.addresses.join(", "))
            );
            o.write(L2, "Conditions:\n");
            w!(
                o,
                L3,
                "Ready:\t{}\n",
                unset(ep.conditions.ready.map(|r| r.to_string()))
            );
            w!(o, L2, "Hostname:\t{}\n", unset(ep.hostname.clone()));
            if let Some(t) = &ep.target_ref {
                w!(o, L2, "TargetRef:\t{}/{}\n", t.kind, t.name);
            }
            w!(o, L2, "NodeName:\t{}\n", unset(ep.node_name.clone()));
            w!(o, L2, "Zone:\t{}\n", unset(ep.zone.clone()));
        }
    }
    describe_events(&mut o, &events_for(store, m, "EndpointSlice"), now);
    o.0
}

// ---------------------------------------------------------------------------------------
// Namespaces, HPAs, ConfigMaps, Secrets, everything else

fn describe_namespace(ns: &Namespace, store: &Store) -> String {
    let mut o = Out::default();
    let m = &ns.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(
        o,
        L0,
        "Status:\t{}\n",
        ns.status.phase.as_deref().unwrap_or("Active")
    );
    o.write(L0, "\n");
    let in_ns = |kind: &str| -> Vec<&Generic> {
        store
            .others
            .iter()
            .filter(|((k, n, _), _)| k == kind && *n == m.name)
            .map(|(_, g)| g)
            .collect()
    };
    let quotas = in_ns("ResourceQuota");
    if quotas.is_empty() {
        o.write(L0, "No resource quota.\n");
    } else {
        o.write(L0, "Resource Quotas\n");
        for q in quotas {
            w!(o, L1, "Name:\t{}\n", q.metadata.name);
            o.write(L1, "Resource\tUsed\tHard\n");
            o.write(L1, "--------\t---\t---\n");
            // Quotas are stored, not enforced: usage is whatever status says, else 0.
            let hard = q
                .rest
                .get("status")
                .and_then(|s| s.get("hard"))
                .or_else(|| q.rest.get("spec").and_then(|s| s.get("hard")));
            let used = q.rest.get("status").and_then(|s| s.get("used"));
            if let Some(Value::Object(hard)) = hard {
                for (name, value) in hard {
                    let used = used
                        .and_then(|u| scalar(&u[name]))
                        .unwrap_or_else(|| "0".into());
                    w!(
                        o,
                        L1,
                        "{name}\t{used}\t{}\n",
                        scalar(value).unwrap_or_default()
                    );
                }
            }
        }
    }
    o.write(L0, "\n");
    if in_ns("LimitRange").is_empty() {
        o.write(L0, "No LimitRange resource.\n");
    } else {
        o.write(L0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
        o.write(
            L0,
            " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
        );
        for lr in in_ns("LimitRange") {
            let limits = lr
                .rest
                .get("spec")
                .and_then(|s| s.get("limits"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for item in limits {
                let type_ = scalar(&item["type"]).unwrap_or_default();
                let mut names: Vec<String> = [
                    "max",
                    "min",
                    "default",
                    "defaultRequest",
                    "maxLimitRequestRatio",
                ]
                .iter()
                .filter_map(|k| item.get(*k).and_then(Value::as_object))
                .flat_map(|m| m.keys().cloned())
                .collect();
                sort::sort(&mut names);
                names.dedup();
                for name in names {
                    let cell = |k: &str| scalar(&item[k][&name]).unwrap_or_else(|| "-".into());
                    w!(
                        o,
                        L0,
                        " {type_}\t{name}\t{}\t{}\t{}\t{}\t{}\n",
                        cell("min"),
                        cell("max"),
                        cell("defaultRequest"),
                        cell("default"),
                        cell("maxLimitRequestRatio")
                    );
                }
            }
        }
    }
    o.0
}

fn describe_hpa(hpa: &HorizontalPodAutoscaler, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &hpa.metadata;
    let target = &hpa.spec.scale_target_ref;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(
        o,
        L0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(m.creation_timestamp.as_deref())
    );
    w!(o, L0, "Reference:\t{}/{}\n", target.kind, target.name);
    o.write(L0, "Metrics:\t( current / target )\n");
    let text = |v: &Value| scalar(v);
    let unknown = || "<unknown>".to_string();
    for (i, spec) in hpa_metric_specs(hpa).iter().enumerate() {
        let status = hpa.status.current_metrics.get(i);
        match spec.get("type").and_then(Value::as_str).unwrap_or("") {
            t @ ("Resource" | "ContainerResource") => {
                let key = if t == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let src = &spec[key];
                let name = text(&src["name"]).unwrap_or_default();
                if t == "Resource" {
                    w!(o, L1, "resource {name} on pods");
                } else {
                    w!(
                        o,
                        L1,
                        "resource {name} of container \"{}\" on pods",
                        text(&src["container"]).unwrap_or_default()
                    );
                }
                let current = status.map(|s| &s[key]["current"]);
                if let Some(avg) = text(&src["target"]["averageValue"]) {
                    let cur = current
                        .and_then(|c| text(&c["averageValue"]))
                        .unwrap_or_else(unknown);
                    w!(o, L0, ":\t{cur} / {avg}\n");
                } else {
                    let cur = current
                        .and_then(|c| {
                            let util = text(&c["averageUtilization"])?;
                            Some(format!(
                                "{util}% ({})",
                                text(&c["averageValue"]).unwrap_or_else(|| "0".into())
                            ))
                        })
                        .unwrap_or_else(unknown);
                    let goal = text(&src["target"]["averageUtilization"])
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    w!(o, L1, "(as a percentage of request):\t{cur} / {goal}\n");
                }
            }
            "Pods" => {
                let cur = status
                    .and_then(|s| text(&s["pods"]["current"]["averageValue"]))
                    .unwrap_or_else(unknown);
                let name = text(&spec["pods"]["metric"]["name"]).unwrap_or_default();
                w!(
                    o,
                    L1,
                    "\"{name}\" on pods:\t{cur} / {}\n",
                    text(&spec["pods"]["target"]["averageValue"]).unwrap_or_default()
                );
            }
            t @ ("Object" | "External") => {
                let key = if t == "Object" { "object" } else { "external" };
                let name = text(&spec[key]["metric"]["name"]).unwrap_or_default();
                let current = status.map(|s| &s[key]["current"]);
                let (label, field) = if spec[key]["target"].get("averageValue").is_some() {
                    ("target average value", "averageValue")
                } else {
                    ("target value", "value")
                };
                let cur = current
                    .and_then(|c| text(&c[field]))
                    .unwrap_or_else(unknown);
                let goal = text(&spec[key]["target"][field]).unwrap_or_default();
                if t == "Object" {
                    let obj = &spec[key]["describedObject"];
                    w!(
                        o,
                        L1,
                        "\"{name}\" on {}/{} ",
                        text(&obj["kind"]).unwrap_or_default(),
                        text(&obj["name"]).unwrap_or_default()
                    );
                    w!(o, L0, "({label}):\t{cur} / {goal}\n");
                } else {
                    w!(o, L1, "\"{name}\" ({label}):\t{cur} / {goal}\n");
                }
            }
            other => w!(o, L1, "<unknown metric type \"{other}\">\n"),
        }
    }
    w!(
        o,
        L0,
        "Min replicas:\t{}\n",
        hpa.spec.min_replicas.unwrap_or(1)
    );
    w!(o, L0, "Max replicas:\t{}\n", hpa.spec.max_replicas);
    if let Some(behavior) = &hpa.spec.behavior {
        o.write(L0, "Behavior:\n");
        for (title, key) in [("Scale Up", "scaleUp"), ("Scale Down", "scaleDown")] {
            let Some(rules) = behavior.get(key).filter(|r| r.is_object()) else {
                continue;
            };
            w!(o, L1, "{title}:\n");
            if let Some(window) = text(&rules["stabilizationWindowSeconds"]) {
                w!(o, L2, "Stabilization Window: {window} seconds\n");
            }
            let policies = rules
                .get("policies")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !policies.is_empty() {
                w!(
                    o,
                    L2,
                    "Select Policy: {}\n",
                    text(&rules["selectPolicy"]).unwrap_or_else(|| "Max".into())
                );
                o.write(L2, "Policies:\n");
                for p in policies {
                    let f = |k: &str| text(&p[k]).unwrap_or_default();
                    w!(
                        o,
                        L3,
                        "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                        f("type"),
                        f("value"),
                        f("periodSeconds")
                    );
                }
            }
        }
    }
    o.write(L0, &format!("{} pods:\t", target.kind));
    w!(
        o,
        L0,
        "{} current / {} desired\n",
        hpa.status.current_replicas,
        hpa.status.desired_replicas
    );
    if !hpa.status.conditions.is_empty() {
        o.write(L0, "Conditions:\n");
        o.write(L1, "Type\tStatus\tReason\tMessage\n");
        o.write(L1, "----\t------\t------\t-------\n");
        for c in &hpa.status.conditions {
            w!(
                o,
                L1,
                "{}\t{}\t{}\t{}\n",
                c.type_,
                c.status,
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            );
        }
    }
    describe_events(
        &mut o,
        &events_for(store, m, "HorizontalPodAutoscaler"),
        now,
    );
    o.0
}

fn describe_config_map(cm: &Generic, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = &cm.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    o.write(L0, "\nData\n====\n");
    if let Some(Value::Object(data)) = cm.rest.get("data") {
        for (k, v) in data {
            w!(o, L0, "{k}:\n----\n");
            w!(o, L0, "{}\n", scalar(v).unwrap_or_default());
            o.write(L0, "\n");
        }
    }
    o.write(L0, "\nBinaryData\n====\n");
    if let Some(Value::Object(data)) = cm.rest.get("binaryData") {
        for (k, v) in data {
            w!(
                o,
                L0,
                "{k}: {} bytes\n",
                base64_len(v.as_str().unwrap_or(""))
            );
        }
    }
    o.write(L0, "\n");
    describe_events(&mut o, &events_for(store, m, "ConfigMap"), now);
    o.0
}

fn describe_secret(secret: &Generic) -> String {
    let mut o = Out::default();
    let m = &secret.metadata;
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    w!(
        o,
        L0,
        "\nType:\t{}\n",
        secret
            .rest
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("Opaque")
    );
    o.write(L0, "\nData\n====\n");
    let field = |map: &str, k: &str| {
        secret
            .rest
            .get(map)
            .and_then(|d| d.get(k))
            .and_then(Value::as_str)
            .map(String::from)
    };
    for k in secret_keys(secret) {
        // stringData is merged into data by the API server; it counts as plain bytes.
        let len = match (field("stringData", &k), field("data", &k)) {
            (Some(s), _) => s.len(),
            (None, Some(d)) => base64_len(&d),
            (None, None) => 0,
        };
        w!(o, L0, "{k}:\t{len} bytes\n");
    }
    o.0
}

fn describe_generic(obj: &Object, store: &Store, now: SimTime) -> String {
    let mut o = Out::default();
    let m = obj.meta();
    w!(o, L0, "Name:\t{}\n", m.name);
    w!(o, L0, "Namespace:\t{}\n", m.namespace);
    labels_multiline(&mut o, "Labels", &m.labels);
    annotations_multiline(&mut o, "Annotations", &m.annotations);
    if let Value::Object(content) = obj.to_api_value() {
        let skip = [
            ".metadata.managedFields",
            ".metadata.name",
            ".metadata.namespace",
            ".metadata.labels",
            ".metadata.annotations",
        ];
        unstructured(&mut o, L0, &content, "", &skip);
    }
    describe_events(&mut o, &events_for(store, m, obj.kind_name()), now);
    o.0
}

/// kubectl's `printUnstructuredContent`: every field in sorted order, maps and lists
/// nested one level deeper, scalars as `Label:\tvalue`.
fn unstructured(
    o: &mut Out,
    level: usize,
    content: &serde_json::Map<String, Value>,
    prefix: &str,
    skip: &[&str],
) {
    let mut fields: Vec<&String> = content.keys().collect();
    sort::sort(&mut fields);
    for field in fields {
        let path = format!("{prefix}.{field}");
        if skip.contains(&path.as_str()) {
            continue;
        }
        match &content[field] {
            Value::Object(map) => {
                w!(o, level, "{}:\n", smart_label(field));
                unstructured(o, level + 1, map, &path, skip);
            }
            Value::Array(items) => {
                w!(o, level, "{}:\n", smart_label(field));
                for item in items {
                    match item {
                        Value::Object(map) => unstructured(o, level + 1, map, &path, skip),
                        other => w!(o, level + 1, "{}\n", go_value(other)),
                    }
                }
            }
            other => w!(o, level, "{}:\t{}\n", smart_label(field), go_value(other)),
        }
    }
}

/// A JSON value as Go's `%v` prints what the unstructured decoder produced.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        other => scalar(other).unwrap_or_default(),
    }
}

/// kubectl's `smartLabelFor`: `apiVersion` -> `API Version`, `creationTimestamp` ->
/// `Creation Timestamp`; names with characters other than letters and `-` unchanged.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let parts = camel_split(field);
    let mut merged: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let part = &parts[i];
        if let Some(next) = parts.get(i + 1) {
            let all_upper = part.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
            if part.chars().count() >= 2
                && all_upper
                && next.chars().next().is_some_and(char::is_uppercase)
            {
                merged.push(format!("{part}{next}"));
                i += 2;
                continue;
            }
        }
        merged.push(part.clone());
        i += 1;
    }
    merged
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            if ["API", "URL", "UID", "GUID"].contains(&p.to_uppercase().as_str()) {
                p.to_uppercase()
            } else if p.to_lowercase() == p {
                let mut c = p.chars();
                c.next()
                    .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `fatih/camelcase.Split`: runs of one character class (lower, upper, digit, other),
/// with an upper-case run handing its last letter to a following lower-case run.
fn camel_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if runs[i][0].is_uppercase() && runs[i + 1][0].is_lowercase() {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Shared sections

fn labels_multiline(o: &mut Out, title: &str, labels: &StringMap) {
    w!(o, L0, "{title}:\t");
    if labels.is_empty() {
        o.write(L0, "<none>\n");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            o.write(L0, "\t");
        }
        w!(o, L0, "{k}={v}\n");
    }
}

fn annotations_multiline(o: &mut Out, title: &str, annotations: &StringMap) {
    const MAX_LEN: usize = 140;
    w!(o, L0, "{title}:\t");
    let keys: Vec<&String> = annotations
        .keys()
        .filter(|k| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        o.write(L0, "<none>\n");
        return;
    }
    for (i, key) in keys.into_iter().enumerate() {
        if i != 0 {
            o.write(L0, "\t");
        }
        let value = annotations[key]
            .strip_suffix('\n')
            .unwrap_or(&annotations[key]);
        if value.len() + key.len() + 2 > MAX_LEN || value.contains('\n') {
            w!(o, L0, "{key}:\n");
            for line in value.split('\n') {
                w!(o, L0, "\t  {}\n", shorten(line, MAX_LEN - 2));
            }
        } else {
            w!(o, L0, "{key}: {value}\n");
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn tolerations_multiline(o: &mut Out, title: &str, tolerations: &[Toleration]) {
    w!(o, L0, "{title}:\t");
    if tolerations.is_empty() {
        o.write(L0, "<none>\n");
        return;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    sort::sort_by_key(&mut sorted, |t| t.key.clone().unwrap_or_default());
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            o.write(L0, "\t");
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let mut line = key.to_string();
        if !value.is_empty() {
            line.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            line.push_str(&format!(":{effect}"));
        }
        // `operator: Exists` with no value tolerates everything it names.
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            line.push_str(if key.is_empty() && effect.is_empty() {
                "op=Exists"
            } else {
                " op=Exists"
            });
        }
        if let Some(secs) = t.toleration_seconds {
            line.push_str(&format!(" for {secs}s"));
        }
        w!(o, L0, "{line}\n");
    }
}

fn taints_multiline(o: &mut Out, title: &str, taints: &[Taint]) {
    w!(o, L0, "{title}:\t");
    if taints.is_empty() {
        o.write(L0, "<none>\n");
        return;
    }
    let mut sorted: Vec<&Taint> = taints.iter().collect();
    sort::sort_by_key(&mut sorted, |t| format!("{},{}", t.effect, t.key));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            o.write(L0, "\t");
        }
        match t.value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => w!(o, L0, "{}={v}:{}\n", t.key, t.effect),
            None => w!(o, L0, "{}:{}\n", t.key, t.effect),
        }
    }
}

/// kubectl's `DescribeEvents`: `Events:  <none>`, or a Type/Reason/Age/From/Message
/// table where repeated events read `2m (x3 over 5m)`.
fn describe_events(o: &mut Out, events: &[&Event], now: SimTime) {
    if events.is_empty() {
        o.write(L0, "Events:\t<none>\n");
        return;
    }
    o.write(L0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    o.write(L1, "----\t------\t----\t----\t-------\n");
    for e in events {
        let first = age(e.first_timestamp.as_deref(), now);
        let interval = if e.count > 1 {
            format!(
                "{} (x{} over {first})",
                age(e.last_timestamp.as_deref(), now),
                e.count
            )
        } else {
            first
        };
        let source = e
            .source
            .component
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| e.reporting_component.clone());
        let mut message = e.message.trim().to_string();
        if let Some(path) = e
            .involved_object
            .field_path
            .as_deref()
            .filter(|p| !p.is_empty())
        {
            message = format!("{path}: {message}");
        }
        w!(
            o,
            L1,
            "{}\t{}\t{interval}\t{source}\t{message}\n",
            e.type_,
            e.reason
        );
    }
}

/// The Events about an object, oldest first: those whose `involvedObject.uid` is its uid
/// (and whose kind, when set, is its kind, as kubectl's field selector also asks).
/// Without uids (hand-made objects) namespace and name must match; a kubelet refers to
/// its Node by name, so Node events also match by name.
fn events_for<'a>(store: &'a Store, meta: &ObjectMeta, kind: &str) -> Vec<&'a Event> {
    let involves = |e: &Event| {
        let r = &e.involved_object;
        if !r.kind.is_empty() && r.kind != kind {
            return false;
        }
        if kind == "Node" && r.name == meta.name {
            return true;
        }
        if !meta.uid.is_empty() && !r.uid.is_empty() {
            return r.uid == meta.uid;
        }
        r.name == meta.name && r.namespace == meta.namespace
    };
    let mut events: Vec<&Event> = store.events.values().filter(|e| involves(e)).collect();
    // Stable, so events of the same second keep the store's order.
    sort::sort_by_key(&mut events, |e| event_last_seen(e));
    events
}

/// `Kind/name` of the controlling owner, as `Controlled By:` shows it.
fn controlled_by(meta: &ObjectMeta) -> Option<String> {
    meta.controller_ref()
        .map(|r| format!("{}/{}", r.kind, r.name))
}

/// Whether `owner` (of kind `kind`) is the controller of `dependent`: by uid, or by kind
/// and name when either side has no uid.
fn is_controlled_by(dependent: &ObjectMeta, owner: &ObjectMeta, kind: &str) -> bool {
    dependent.controller_ref().is_some_and(|r| {
        if !r.uid.is_empty() && !owner.uid.is_empty() {
            r.uid == owner.uid
        } else {
            r.kind == kind && r.name == owner.name
        }
    })
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(scalar).collect())
        .unwrap_or_default()
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".to_string()
    } else {
        s.to_string()
    }
}

/// Bytes encoded by a base64 string (Secret and ConfigMap binary data).
fn base64_len(s: &str) -> usize {
    let s = s.trim();
    let padding = s.bytes().rev().take_while(|b| *b == b'=').count();
    (s.len() / 4 * 3
        + match s.len() % 4 {
            2 => 1,
            3 => 2,
            _ => 0,
        })
    .saturating_sub(padding)
}

// Howard Hinnant's days-from-civil, for the weekday in RFC 1123 dates.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::*;
    use crate::engine::meta::{LabelSelector, OwnerReference};

    fn t(secs: u64) -> String {
        SimTime::from_secs(secs).rfc3339()
    }

    fn meta(name: &str, created: u64) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            uid: format!("uid-{name}"),
            creation_timestamp: Some(t(created)),
            ..Default::default()
        }
    }

    fn owner(kind: &str, name: &str) -> OwnerReference {
        OwnerReference {
            api_version: "apps/v1".into(),
            kind: kind.into(),
            name: name.into(),
            uid: format!("uid-{name}"),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }
    }

    fn event(
        name: &str,
        uid: &str,
        reason: &str,
        message: &str,
        first: u64,
        last: u64,
        count: i32,
    ) -> Event {
        Event {
            metadata: meta(name, first),
            involved_object: ObjectReference {
                kind: "Pod".into(),
                name: "x".into(),
                uid: uid.into(),
                ..Default::default()
            },
            reason: reason.into(),
            message: message.into(),
            type_: "Normal".into(),
            source: EventSource {
                component: Some("kubelet".into()),
                host: None,
            },
            first_timestamp: Some(t(first)),
            last_timestamp: Some(t(last)),
            count,
            ..Default::default()
        }
    }

    fn web_container() -> Container {
        Container {
            name: "web".into(),
            image: "nginx:1.27".into(),
            ports: vec![ContainerPort {
                container_port: 80,
                name: None,
                protocol: Some("TCP".into()),
                extra: Default::default(),
            }],
            ..Default::default()
        }
    }

    fn web_pod() -> Pod {
        let mut m = meta("web-7c9f8d6b5-x2k4q", 0);
        m.labels = [("app", "web"), ("pod-template-hash", "7c9f8d6b5")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        m.owner_references = vec![owner("ReplicaSet", "web-7c9f8d6b5")];
        let toleration = |key: &str| Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(300),
            value: None,
        };
        Pod {
            metadata: m,
            spec: PodSpec {
                containers: vec![web_container()],
                node_name: Some("node-1".into()),
                service_account_name: Some("default".into()),
                priority: Some(0),
                tolerations: vec![
                    toleration("node.kubernetes.io/unreachable"),
                    toleration("node.kubernetes.io/not-ready"),
                ],
                ..Default::default()
            },
            status: PodStatus {
                phase: Some("Running".into()),
                host_ip: Some("192.168.0.11".into()),
                pod_ip: Some("10.244.1.5".into()),
                start_time: Some(t(0)),
                qos_class: Some("BestEffort".into()),
                conditions: [
                    "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled",
                ]
                .iter()
                .map(|c| Condition {
                    type_: (*c).into(),
                    status: "True".into(),
                    ..Default::default()
                })
                .collect(),
                container_statuses: vec![ContainerStatus {
                    name: "web".into(),
                    state: ContainerState {
                        running: Some(StateRunning {
                            started_at: Some(t(4)),
                        }),
                        ..Default::default()
                    },
                    ready: true,
                    restart_count: 0,
                    image: "nginx:1.27".into(),
                    image_id: "docker.io/library/nginx@sha256:abc".into(),
                    container_id: Some("containerd://0123".into()),
                    started: Some(true),
                    last_state: None,
                }],
                ..Default::default()
            },
        }
    }

    #[test]
    fn describe_pod_matches_kubectl_layout() {
        let pod = web_pod();
        let mut store = Store::default();
        store.put(pod.clone());
        store.put(event(
            "x.1",
            "uid-web-7c9f8d6b5-x2k4q",
            "Scheduled",
            "Successfully assigned default/x to node-1",
            0,
            0,
            1,
        ));
        store.put(event(
            "x.2",
            "uid-web-7c9f8d6b5-x2k4q",
            "Pulled",
            "Container image \"nginx:1.27\" already present on machine",
            2,
            2,
            1,
        ));
        store.put(event(
            "x.3",
            "uid-other",
            "Pulled",
            "not about this pod",
            2,
            2,
            1,
        ));
        let got = describe(&Object::Pod(pod), &store, SimTime::from_secs(60));
        let want = "\
Name:             web-7c9f8d6b5-x2k4q
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/192.168.0.11
Start Time:       Wed, 01 Jan 2025 00:00:00 +0000
Labels:           app=web
                  pod-template-hash=7c9f8d6b5
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:           10.244.1.5
Controlled By:  ReplicaSet/web-7c9f8d6b5
Containers:
  web:
    Container ID:   containerd://0123
    Image:          nginx:1.27
    Image ID:       docker.io/library/nginx@sha256:abc
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 01 Jan 2025 00:00:04 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:                      <none>
QoS Class:                    BestEffort
Node-Selectors:               <none>
Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From     Message
  ----    ------     ----  ----     -------
  Normal  Scheduled  60s   kubelet  Successfully assigned default/x to node-1
  Normal  Pulled     58s   kubelet  Container image \"nginx:1.27\" already present on machine
";
        assert_eq!(got, want);
    }

    #[test]
    fn describe_pod_waiting_terminating_and_probes() {
        let mut pod = web_pod();
        pod.metadata.deletion_timestamp = Some(t(90));
        pod.metadata.deletion_grace_period_seconds = Some(30);
        pod.status.container_statuses[0].state = ContainerState {
            waiting: Some(StateWaiting {
                reason: Some("CrashLoopBackOff".into()),
                message: None,
            }),
            ..Default::default()
        };
        pod.status.container_statuses[0].last_state = Some(ContainerState {
            terminated: Some(StateTerminated {
                exit_code: 1,
                reason: Some("Error".into()),
                started_at: Some(t(40)),
                finished_at: Some(t(50)),
            }),
            ..Default::default()
        });
        pod.status.container_statuses[0].restart_count = 3;
        let c = &mut pod.spec.containers[0];
        c.readiness_probe = Some(Probe {
            extra: [(
                "httpGet".to_string(),
                serde_json::json!({"path": "/healthz", "port": 8080}),
            )]
            .into_iter()
            .collect(),
            ..Default::default()
        });
        c.resources
            .requests
            .insert("cpu".into(), Quantity::parse("0.25").unwrap());
        c.resources
            .limits
            .insert("memory".into(), Quantity::parse("128Mi").unwrap());
        c.extra.insert("env".into(), serde_json::json!([{"name": "MODE", "value": "blue"}, {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]));
        pod.status.qos_class = None;
        let got = describe(&Object::Pod(pod), &Store::default(), SimTime::from_secs(60));
        for line in [
            "Status:                    Terminating (lasts <invalid>)\n",
            "Termination Grace Period:  30s\n",
            "    State:          Waiting\n      Reason:       CrashLoopBackOff\n",
            "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n",
            "      Finished:     Wed, 01 Jan 2025 00:00:50 +0000\n    Ready:          True\n    Restart Count:  3\n",
            // Each tab-less line (`Requests:`) starts a new alignment block, as in kubectl.
            "    Limits:\n      memory:  128Mi\n    Requests:\n      cpu:      250m\n",
            "    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=10s successThreshold=1 failureThreshold=3\n",
            "    Environment:\n      MODE:  blue\n      POD:   web-7c9f8d6b5-x2k4q (v1:metadata.name)\n",
            "QoS Class:                    Burstable\n",
            "Events:                       <none>\n",
        ] {
            assert!(got.contains(line), "missing {line:?} in:\n{got}");
        }
    }

    fn template() -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: ObjectMeta {
                labels: [("app".to_string(), "web".to_string())]
                    .into_iter()
                    .collect(),
                ..Default::default()
            },
            spec: PodSpec {
                containers: vec![web_container()],
                ..Default::default()
            },
        }
    }

    fn replica_set(name: &str, hash: &str, created: u64, replicas: i32, image: &str) -> ReplicaSet {
        let mut tpl = template();
        tpl.metadata
            .labels
            .insert("pod-template-hash".into(), hash.into());
        tpl.spec.containers[0].image = image.into();
        let mut m = meta(name, created);
        m.labels = tpl.metadata.labels.clone();
        m.owner_references = vec![owner("Deployment", "web")];
        ReplicaSet {
            metadata: m,
            spec: ReplicaSetSpec {
                replicas: Some(replicas),
                selector: LabelSelector {
                    match_labels: tpl.metadata.labels.clone(),
                    ..Default::default()
                },
                template: tpl,
                ..Default::default()
            },
            status: ReplicaSetStatus {
                replicas,
                ready_replicas: replicas,
                available_replicas: replicas,
                ..Default::default()
            },
        }
    }

    #[test]
    fn describe_replica_set_counts_its_pods() {
        let rs = replica_set("web-7c9f8d6b5", "7c9f8d6b5", 0, 3, "nginx:1.27");
        let mut store = Store::default();
        store.put(rs.clone());
        for (i, phase) in ["Running", "Running", "Pending"].iter().enumerate() {
            let mut p = web_pod();
            p.metadata.name = format!("web-7c9f8d6b5-{i}");
            p.metadata.uid = format!("pod-{i}");
            p.status.phase = Some(phase.to_string());
            store.put(p);
        }
        let got = describe(&Object::ReplicaSet(rs), &store, SimTime::from_secs(60));
        let want = "\
Name:           web-7c9f8d6b5
Namespace:      default
Selector:       app=web,pod-template-hash=7c9f8d6b5
Labels:         app=web
                pod-template-hash=7c9f8d6b5
Annotations:    <none>
Controlled By:  Deployment/web
Replicas:       3 current / 3 desired
Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
           pod-template-hash=7c9f8d6b5
  Containers:
   web:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
        assert_eq!(got, want);
    }

    #[test]
    fn describe_deployment_finds_new_and_old_replica_sets() {
        let mut d = Deployment {
            metadata: meta("web", 0),
            spec: DeploymentSpec {
                replicas: Some(3),
                selector: LabelSelector {
                    match_labels: template().metadata.labels.clone(),
                    ..Default::default()
                },
                template: template(),
                ..Default::default()
            },
            status: DeploymentStatus {
                replicas: 3,
                updated_replicas: 3,
                ready_replicas: 3,
                available_replicas: 3,
                ..Default::default()
            },
        };
        d.spec.template.spec.containers[0].image = "nginx:1.28".into();
        d.metadata
            .annotations
            .insert("deployment.kubernetes.io/revision".into(), "2".into());
        d.status.conditions = vec![
            Condition {
                type_: "Available".into(),
                status: "True".into(),
                reason: Some("MinimumReplicasAvailable".into()),
                ..Default::default()
            },
            Condition {
                type_: "Progressing".into(),
                status: "True".into(),
                reason: Some("NewReplicaSetAvailable".into()),
                ..Default::default()
            },
        ];
        let mut store = Store::default();
        store.put(replica_set(
            "web-7c9f8d6b5",
            "7c9f8d6b5",
            0,
            0,
            "nginx:1.27",
        ));
        store.put(replica_set(
            "web-5d4f6c8b9",
            "5d4f6c8b9",
            30,
            3,
            "nginx:1.28",
        ));
        let mut scaled = event(
            "web.1",
            "uid-web",
            "ScalingReplicaSet",
            "Scaled up replica set web-5d4f6c8b9 to 1",
            30,
            30,
            1,
        );
        scaled.source.component = Some("deployment-controller".into());
        scaled.involved_object.kind = "Deployment".into();
        store.put(scaled);
        let got = describe(&Object::Deployment(d), &store, SimTime::from_secs(90));
        let want = "\
Name:                   web
Namespace:              default
CreationTimestamp:      Wed, 01 Jan 2025 00:00:00 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=web
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   web:
    Image:         nginx:1.28
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  web-7c9f8d6b5 (0/0 replicas created)
NewReplicaSet:   web-5d4f6c8b9 (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set web-5d4f6c8b9 to 1
";
        assert_eq!(got, want);
    }

    #[test]
    fn describe_node_sums_requests() {
        let mut node = Node {
            metadata: meta("node-1", 0),
            ..Default::default()
        };
        node.metadata.namespace.clear();
        node.metadata
            .labels
            .insert("kubernetes.io/hostname".into(), "node-1".into());
        node.spec.unschedulable = true;
        node.spec.taints = vec![Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        }];
        for (k, v) in [("cpu", "4"), ("memory", "8Gi"), ("pods", "110")] {
            node.status
                .capacity
                .insert(k.into(), Quantity::parse(v).unwrap());
            node.status
                .allocatable
                .insert(k.into(), Quantity::parse(v).unwrap());
        }
        node.status.conditions = vec![Condition {
            type_: "Ready".into(),
            status: "True".into(),
            reason: Some("KubeletReady".into()),
            message: Some("kubelet is posting ready status".into()),
            last_heartbeat_time: Some(t(50)),
            last_transition_time: Some(t(0)),
            ..Default::default()
        }];
        node.status.addresses = vec![
            NodeAddress {
                type_: "InternalIP".into(),
                address: "192.168.0.11".into(),
            },
            NodeAddress {
                type_: "Hostname".into(),
                address: "node-1".into(),
            },
        ];
        node.status
            .node_info
            .insert("kubeletVersion".into(), "v1.32.0".into());
        let mut store = Store::default();
        let mut pod = web_pod();
        pod.spec.containers[0]
            .resources
            .requests
            .insert("cpu".into(), Quantity::parse("100m").unwrap());
        pod.spec.containers[0]
            .resources
            .requests
            .insert("memory".into(), Quantity::parse("128Mi").unwrap());
        store.put(pod);
        let got = describe(&Object::Node(node), &store, SimTime::from_secs(60));
        for part in [
            "Roles:              <none>\n",
            "Taints:             node.kubernetes.io/unschedulable:NoSchedule\nUnschedulable:      true\nLease:\n  HolderIdentity:  node-1\n  AcquireTime:     <unset>\n  RenewTime:       Wed, 01 Jan 2025 00:00:50 +0000\n",
            // kubectl writes each condition cell with a trailing space, so these columns are one wider.
            "  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message\n",
            "  Ready   True    Wed, 01 Jan 2025 00:00:50 +0000   Wed, 01 Jan 2025 00:00:00 +0000   KubeletReady   kubelet is posting ready status\n",
            "Addresses:\n  InternalIP:  192.168.0.11\n  Hostname:    node-1\nCapacity:\n  cpu:     4\n  memory:  8Gi\n  pods:    110\n",
            "Non-terminated Pods:          (1 in total)\n",
            "  Namespace                   Name                   CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age\n",
            "  default                     web-7c9f8d6b5-x2k4q    100m (2%)     0 (0%)      128Mi (1%)       0 (0%)         60s\n",
            "  Resource           Requests    Limits\n  --------           --------    ------\n  cpu                100m (2%)   0 (0%)\n  memory             128Mi (1%)  0 (0%)\n  ephemeral-storage  0 (0%)      0 (0%)\nEvents:              <none>\n",
        ] {
            assert!(got.contains(part), "missing {part:?} in:\n{got}");
        }
    }

    #[test]
    fn describe_service_lists_ready_endpoints() {
        let svc = Service {
            metadata: meta("web", 0),
            spec: ServiceSpec {
                type_: Some("NodePort".into()),
                selector: [("app".to_string(), "web".to_string())]
                    .into_iter()
                    .collect(),
                ports: vec![ServicePort {
                    port: 80,
                    target_port: Some(crate::engine::quantity::IntOrString::Int(8080)),
                    node_port: Some(31234),
                    protocol: Some("TCP".into()),
                    ..Default::default()
                }],
                cluster_ip: Some("10.96.12.34".into()),
                cluster_ips: vec!["10.96.12.34".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        let mut store = Store::default();
        // Before any slice exists, kubectl says `<none>`.
        let got = describe(
            &Object::Service(svc.clone()),
            &store,
            SimTime::from_secs(60),
        );
        assert!(
            got.contains("\nEndpoints:                <none>\n"),
            "{got}"
        );
        // Two ready endpoints and one that is not: only the ready ones are listed.
        store.put(web_slice());
        let got = describe(&Object::Service(svc), &store, SimTime::from_secs(60));
        let want = "\
Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.12.34
IPs:                      10.96.12.34
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
NodePort:                 <unset>  31234/TCP
Endpoints:                10.244.1.5:8080,10.244.2.6:8080
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
";
        assert_eq!(got, want);
    }

    /// A slice of Service `web` as the controller writes it: port 8080, endpoints
    /// 10.244.1.5 and 10.244.2.6 ready, 10.244.3.7 terminating.
    fn web_slice() -> EndpointSlice {
        use crate::engine::kinds::{DiscoveryEndpoint, DiscoveryEndpointPort, EndpointConditions};
        let endpoint = |ip: &str, node: &str, ready: bool| DiscoveryEndpoint {
            addresses: vec![ip.into()],
            conditions: EndpointConditions {
                ready: Some(ready),
                serving: Some(true),
                terminating: Some(!ready),
            },
            target_ref: Some(crate::engine::kinds::ObjectReference {
                kind: "Pod".into(),
                namespace: "default".into(),
                name: format!("web-{node}"),
                ..Default::default()
            }),
            node_name: Some(node.into()),
            ..Default::default()
        };
        let mut slice = EndpointSlice {
            metadata: meta("web-x7k2p", 0),
            address_type: "IPv4".into(),
            endpoints: vec![
                endpoint("10.244.1.5", "node-1", true),
                endpoint("10.244.2.6", "node-2", true),
                endpoint("10.244.3.7", "node-3", false),
            ],
            ports: vec![DiscoveryEndpointPort {
                name: Some(String::new()),
                port: Some(8080),
                protocol: Some("TCP".into()),
                ..Default::default()
            }],
        };
        slice
            .metadata
            .labels
            .insert(LABEL_SERVICE_NAME.into(), "web".into());
        slice
    }

    #[test]
    fn describe_endpoint_slice_lists_each_endpoint() {
        let got = describe(
            &Object::EndpointSlice(web_slice()),
            &Store::default(),
            SimTime::from_secs(60),
        );
        let want = "\
Name:         web-x7k2p
Namespace:    default
Labels:       kubernetes.io/service-name=web
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  <unset>  8080  TCP
Endpoints:
  - Addresses:  10.244.1.5
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/web-node-1
    NodeName:   node-1
    Zone:       <unset>
  - Addresses:  10.244.2.6
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/web-node-2
    NodeName:   node-2
    Zone:       <unset>
  - Addresses:  10.244.3.7
    Conditions:
      Ready:    false
    Hostname:   <unset>
    TargetRef:  Pod/web-node-3
    NodeName:   node-3
    Zone:       <unset>
Events:         <none>
";
        assert_eq!(got, want);
        // The placeholder of a Service with no pods.
        let mut empty = web_slice();
        empty.endpoints.clear();
        empty.ports.clear();
        let got = describe(
            &Object::EndpointSlice(empty),
            &Store::default(),
            SimTime::ZERO,
        );
        assert!(
            // The lines without a tab end the tabwriter's column, so `Events:` is
            // aligned on its own.
            got.ends_with(
                "AddressType:  IPv4\nPorts: <unset>\nEndpoints: <none>\nEvents:  <none>\n"
            ),
            "{got}"
        );
    }

    #[test]
    fn describe_namespace_and_generic() {
        let mut ns = Namespace {
            metadata: meta("default", 0),
            ..Default::default()
        };
        ns.metadata.namespace.clear();
        ns.metadata
            .labels
            .insert("kubernetes.io/metadata.name".into(), "default".into());
        ns.status.phase = Some("Active".into());
        assert_eq!(
            describe(&Object::Namespace(ns), &Store::default(), SimTime::ZERO),
            "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
        );
        let mut ing = Generic {
            api_version: "networking.k8s.io/v1".into(),
            kind: "Ingress".into(),
            metadata: meta("site", 0),
            rest: Default::default(),
        };
        ing.rest.insert(
            "spec".into(),
            serde_json::json!({"ingressClassName": "nginx", "rules": [{"host": "example.com"}]}),
        );
        let got = describe(&Object::Other(ing), &Store::default(), SimTime::ZERO);
        let want = "\
Name:         site
Namespace:    default
Labels:       <none>
Annotations:  <none>
API Version:  networking.k8s.io/v1
Kind:         Ingress
Metadata:
  Creation Timestamp:  2025-01-01T00:00:00Z
  UID:                 uid-site
Spec:
  Ingress Class Name:  nginx
  Rules:
    Host:  example.com
Events:    <none>
";
        assert_eq!(got, want);
    }

    #[test]
    fn describe_hpa_and_config_map() {
        let mut hpa = HorizontalPodAutoscaler {
            metadata: meta("web", 0),
            ..Default::default()
        };
        hpa.spec.scale_target_ref = CrossVersionObjectReference {
            kind: "Deployment".into(),
            name: "web".into(),
            api_version: None,
        };
        hpa.spec.min_replicas = Some(1);
        hpa.spec.max_replicas = 10;
        hpa.status.current_replicas = 3;
        hpa.status.desired_replicas = 3;
        hpa.status.current_metrics = vec![
            serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45, "averageValue": "45m"}}}),
        ];
        let got = describe(
            &Object::HorizontalPodAutoscaler(hpa),
            &Store::default(),
            SimTime::ZERO,
        );
        let want = "\
Name:                                                  web
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Wed, 01 Jan 2025 00:00:00 +0000
Reference:                                             Deployment/web
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  45% (45m) / 80%
Min replicas:                                          1
Max replicas:                                          10
Deployment pods:                                       3 current / 3 desired
Events:                                                <none>
";
        assert_eq!(got, want);

        let mut cm = Generic {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            metadata: meta("settings", 0),
            rest: Default::default(),
        };
        cm.rest
            .insert("data".into(), serde_json::json!({"mode": "blue"}));
        assert_eq!(
            describe(&Object::Other(cm), &Store::default(), SimTime::ZERO),
            "Name:         settings\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nmode:\n----\nblue\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
        );
    }

    #[test]
    fn repeated_events_show_count_and_span() {
        let mut pod = web_pod();
        pod.metadata.uid = "p".into();
        let mut store = Store::default();
        let mut backoff = event(
            "b",
            "p",
            "BackOff",
            "Back-off restarting failed container web in pod x",
            10,
            280,
            5,
        );
        backoff.type_ = "Warning".into();
        backoff.involved_object.field_path = Some("spec.containers{web}".into());
        store.put(backoff);
        let got = describe(&Object::Pod(pod), &store, SimTime::from_secs(300));
        assert!(
            got.ends_with(
                "  Type     Reason   Age                  From     Message\n  ----     ------   ----                 ----     -------\n  Warning  BackOff  20s (x5 over 4m50s)  kubelet  spec.containers{web}: Back-off restarting failed container web in pod x\n"
            ),
            "{got}"
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(
            rfc1123z(Some("2025-03-01T01:02:03Z")),
            "Sat, 01 Mar 2025 01:02:03 +0000"
        );
        assert_eq!(rfc1123z(None), ZERO_TIME);
        for (field, want) in [
            ("apiVersion", "API Version"),
            ("creationTimestamp", "Creation Timestamp"),
            ("uid", "UID"),
            ("podCIDRs", "Pod CIDRs"),
            ("game.properties", "game.properties"),
        ] {
            assert_eq!(smart_label(field), want, "{field}");
        }
        assert_eq!(amount_string("memory", 192 << 20), "192Mi");
        assert_eq!(amount_string("memory", 1_000_000_000), "1G");
        assert_eq!(amount_string("cpu", 1500), "1500m");
        assert_eq!(base64_len("aGVsbG8="), 5);
    }
}
