//! The API server's defaults: what a real cluster fills in before it stores an object,
//! so `kubectl get -o yaml` shows the same fields here as there.
//!
//! Mirrors `pkg/apis/core/v1/defaults.go`, `pkg/apis/apps/v1/defaults.go` and
//! `pkg/apis/autoscaling/v2/defaults.go`. Defaults never overwrite what the user wrote,
//! so applying them twice changes nothing. Pod-only steps that the API server runs when
//! a pod is created (its `SetDefaults_Pod` and the ServiceAccount, Priority and
//! DefaultTolerationSeconds admission plugins) are in [`admit_pod`], which the cluster
//! calls for every new pod, including the ones controllers create from templates.

use super::kinds::*;
use super::object::Object;
use super::quantity::IntOrString;
use serde_json::{json, Value};

/// `default`, the namespace objects land in when none is given.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Fills in the API server's defaults. Namespaced kinds without a namespace get
/// `default` (the caller sets `-n` first when given).
pub fn apply_defaults(obj: &mut Object) {
    let namespaced = obj.info().is_none_or(|k| k.namespaced);
    if namespaced && obj.meta().namespace.is_empty() {
        obj.meta_mut().namespace = DEFAULT_NAMESPACE.to_string();
    }
    match obj {
        Object::Pod(pod) => {
            set_defaults_pod_spec(&mut pod.spec);
            set_defaults_pod(pod);
        }
        Object::ReplicaSet(rs) => {
            rs.spec.replicas.get_or_insert(1);
            set_defaults_pod_spec(&mut rs.spec.template.spec);
        }
        Object::Deployment(d) => set_defaults_deployment(d),
        Object::Service(svc) => set_defaults_service(&mut svc.spec),
        Object::HorizontalPodAutoscaler(hpa) => set_defaults_hpa(&mut hpa.spec),
        Object::Namespace(ns) => {
            // SetDefaults_Namespace labels every named namespace with its own name, and
            // the namespace strategy adds the `kubernetes` finalizer on create.
            if !ns.metadata.name.is_empty() {
                ns.metadata.labels.insert(
                    "kubernetes.io/metadata.name".into(),
                    ns.metadata.name.clone(),
                );
            }
            if !ns.spec.finalizers.iter().any(|f| f == "kubernetes") {
                ns.spec.finalizers.push("kubernetes".into());
            }
        }
        // `SetDefaults_EndpointPort`: an unnamed port is named "" and speaks TCP.
        Object::EndpointSlice(slice) => {
            for port in &mut slice.ports {
                port.name.get_or_insert_with(String::new);
                port.protocol.get_or_insert_with(|| "TCP".into());
            }
        }
        Object::Node(_) | Object::Endpoints(_) | Object::Event(_) | Object::Other(_) => {}
    }
}

/// What the API server adds to every new pod: `SetDefaults_Pod` (requests default to
/// limits, service links on) and the admission plugins that run on pod creation:
/// ServiceAccount (`default`), Priority (0, `PreemptLowerPriority`) and
/// DefaultTolerationSeconds (300 s tolerations for not-ready and unreachable nodes,
/// which is why pods leave a failed node after five minutes).
///
/// Not modeled: the ServiceAccount plugin's projected `kube-api-access-xxxxx` token
/// volume, whose name suffix is random.
pub fn admit_pod(pod: &mut Pod) {
    set_defaults_pod_spec(&mut pod.spec);
    set_defaults_pod(pod);
    let spec = &mut pod.spec;
    let account = spec
        .service_account_name
        .get_or_insert_with(|| "default".into())
        .clone();
    // The deprecated `serviceAccount` field is still filled in and shown by the server.
    spec.extra
        .entry("serviceAccount".into())
        .or_insert(Value::from(account));
    if !spec.extra.contains_key("priorityClassName") {
        spec.priority.get_or_insert(0);
    }
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        // The plugin's own test: same key or no key, and NoExecute or no effect.
        let tolerated = spec.tolerations.iter().any(|t| {
            let covers_key = t.key.as_deref().is_none_or(|k| k.is_empty() || k == key);
            let covers_effect = t
                .effect
                .as_deref()
                .is_none_or(|e| e.is_empty() || e == "NoExecute");
            covers_key && covers_effect
        });
        if !tolerated {
            spec.tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
            });
        }
    }
}

/// `SetDefaults_Pod`: only for pods, not templates.
fn set_defaults_pod(pod: &mut Pod) {
    for container in &mut pod.spec.containers {
        let resources = &mut container.resources;
        for (name, limit) in &resources.limits {
            resources
                .requests
                .entry(name.clone())
                .or_insert_with(|| limit.clone());
        }
    }
    pod.spec.enable_service_links.get_or_insert(true);
}

/// apps/v1 `SetDefaults_Deployment`, plus its pod template.
fn set_defaults_deployment(d: &mut Deployment) {
    let spec = &mut d.spec;
    spec.replicas.get_or_insert(1);
    let strategy = &mut spec.strategy;
    let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if kind == "RollingUpdate" {
        let rolling = strategy.rolling_update.get_or_insert_with(Default::default);
        rolling
            .max_unavailable
            .get_or_insert_with(|| IntOrString::Str("25%".into()));
        rolling
            .max_surge
            .get_or_insert_with(|| IntOrString::Str("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    set_defaults_pod_spec(&mut spec.template.spec);
}

/// `SetDefaults_PodSpec` and, for each container, `SetDefaults_Container`,
/// `SetDefaults_ContainerPort` and `SetDefaults_Probe`.
pub fn set_defaults_pod_spec(spec: &mut PodSpec) {
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.security_context.get_or_insert_with(|| json!({}));
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    for container in &mut spec.containers {
        set_defaults_container(container);
    }
    // Init containers are kept as written (JSON), but the server defaults them alike.
    if let Some(Value::Array(init)) = spec.extra.get_mut("initContainers") {
        for container in init.iter_mut() {
            set_defaults_container_json(container);
        }
    }
    if let Some(Value::Array(volumes)) = spec.extra.get_mut("volumes") {
        volumes.iter_mut().for_each(set_defaults_volume);
    }
}

fn set_defaults_container(c: &mut Container) {
    if c.image_pull_policy.is_none() {
        c.image_pull_policy = Some(default_pull_policy(&c.image).into());
    }
    c.termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".into());
    c.termination_message_policy
        .get_or_insert_with(|| "File".into());
    for port in &mut c.ports {
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
    for probe in [&mut c.readiness_probe, &mut c.liveness_probe]
        .into_iter()
        .flatten()
    {
        set_defaults_probe(probe);
    }
    if let Some(probe) = c.extra.get_mut("startupProbe") {
        set_defaults_probe_json(probe);
    }
}

/// `Always` for `:latest` or no tag (the image parser reads no tag as `latest`),
/// `IfNotPresent` otherwise, including a digest without a tag.
///
/// `nginx` -> Always; `nginx:1.27` -> IfNotPresent; `localhost:5000/app` -> Always;
/// `nginx@sha256:ab..` -> IfNotPresent.
pub fn default_pull_policy(image: &str) -> &'static str {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, t)| t);
    match (tag, digest) {
        (Some("latest"), _) | (None, None) => "Always",
        _ => "IfNotPresent",
    }
}

fn set_defaults_probe(p: &mut Probe) {
    p.timeout_seconds.get_or_insert(1);
    p.period_seconds.get_or_insert(10);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
    if let Some(get) = p.extra.get_mut("httpGet") {
        set_defaults_http_get(get);
    }
}

fn set_defaults_http_get(get: &mut Value) {
    if let Value::Object(map) = get {
        map.entry("path").or_insert(json!("/"));
        map.entry("scheme").or_insert(json!("HTTP"));
    }
}

/// The same defaults for a container kept as JSON (an init container).
fn set_defaults_container_json(c: &mut Value) {
    let Value::Object(map) = c else { return };
    let image = map
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    map.entry("imagePullPolicy")
        .or_insert(json!(default_pull_policy(&image)));
    map.entry("terminationMessagePath")
        .or_insert(json!("/dev/termination-log"));
    map.entry("terminationMessagePolicy")
        .or_insert(json!("File"));
    map.entry("resources").or_insert(json!({}));
    if let Some(Value::Array(ports)) = map.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            port.entry("protocol").or_insert(json!("TCP"));
        }
    }
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        if let Some(p) = map.get_mut(probe) {
            set_defaults_probe_json(p);
        }
    }
}

fn set_defaults_probe_json(p: &mut Value) {
    let Value::Object(map) = p else { return };
    for (field, value) in [
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ] {
        map.entry(field).or_insert(json!(value));
    }
    if let Some(get) = map.get_mut("httpGet") {
        set_defaults_http_get(get);
    }
}

/// ConfigMap, Secret, projected and downward API volumes default to mode 0644 (420).
fn set_defaults_volume(volume: &mut Value) {
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if let Some(Value::Object(map)) = volume.get_mut(source) {
            map.entry("defaultMode").or_insert(json!(420));
        }
    }
}

/// `SetDefaults_Service`, plus the single-stack IP family the service allocator sets.
fn set_defaults_service(spec: &mut ServiceSpec) {
    let kind = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
    let affinity = spec
        .session_affinity
        .get_or_insert_with(|| "None".into())
        .clone();
    match affinity.as_str() {
        "None" => {
            spec.extra.remove("sessionAffinityConfig");
        }
        "ClientIP" => {
            let timeout = spec
                .extra
                .get("sessionAffinityConfig")
                .and_then(|c| c.pointer("/clientIP/timeoutSeconds"))
                .cloned();
            if timeout.is_none() {
                spec.extra.insert(
                    "sessionAffinityConfig".into(),
                    json!({"clientIP": {"timeoutSeconds": 10800}}),
                );
            }
        }
        _ => {}
    }
    for port in &mut spec.ports {
        port.protocol.get_or_insert_with(|| "TCP".into());
        let unset = matches!(&port.target_port, None | Some(IntOrString::Int(0)))
            || port.target_port == Some(IntOrString::Str(String::new()));
        if unset {
            port.target_port = Some(IntOrString::Int(port.port));
        }
    }
    let externally_accessible = kind == "LoadBalancer"
        || kind == "NodePort"
        || (kind == "ClusterIP" && !spec.external_ips.is_empty());
    if externally_accessible {
        spec.external_traffic_policy
            .get_or_insert_with(|| "Cluster".into());
    }
    if matches!(kind.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        spec.internal_traffic_policy
            .get_or_insert_with(|| "Cluster".into());
        spec.ip_family_policy
            .get_or_insert_with(|| "SingleStack".into());
        if spec.ip_families.is_empty() {
            spec.ip_families.push("IPv4".into());
        }
    }
    if kind == "LoadBalancer" {
        spec.extra
            .entry("allocateLoadBalancerNodePorts".into())
            .or_insert(json!(true));
    }
}

/// autoscaling/v2 `SetDefaults_HorizontalPodAutoscaler`: at least one replica, and CPU
/// at 80% when no metric is given (unless the autoscaling/v1 target is set).
fn set_defaults_hpa(spec: &mut HpaSpec) {
    spec.min_replicas.get_or_insert(1);
    if spec.metrics.is_empty() && spec.target_cpu_utilization_percentage.is_none() {
        spec.metrics.push(json!({
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::manifest::parse_manifests;

    fn parse_one(text: &str) -> Object {
        let mut parsed = parse_manifests(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.objects.remove(0).object
    }

    fn yaml_of(obj: &Object) -> serde_json::Value {
        obj.to_api_value()
    }

    #[test]
    fn a_deployment_gets_what_the_api_server_adds() {
        let mut obj = parse_one("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: 80\n        readinessProbe:\n          httpGet: {port: 80}\n");
        apply_defaults(&mut obj);
        let v = yaml_of(&obj);
        let want = json!({
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
        });
        for (k, w) in want.as_object().unwrap() {
            assert_eq!(&v["spec"][k], w, "spec.{k}");
        }
        let pod = &v["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Always");
        assert_eq!(pod["terminationGracePeriodSeconds"], 30);
        assert_eq!(pod["dnsPolicy"], "ClusterFirst");
        assert_eq!(pod["schedulerName"], "default-scheduler");
        assert_eq!(pod["securityContext"], json!({}));
        let c = &pod["containers"][0];
        assert_eq!(c["imagePullPolicy"], "Always");
        assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(c["terminationMessagePolicy"], "File");
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(c["resources"], json!({}));
        assert_eq!(
            c["readinessProbe"],
            json!({"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3})
        );
        assert_eq!(v["metadata"]["namespace"], "default");
        // Pod-only fields stay off templates.
        assert_eq!(pod.get("enableServiceLinks"), None);
    }

    #[test]
    fn defaults_are_idempotent_and_keep_what_was_written() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: shop\nspec:\n  type: LoadBalancer\n  sessionAffinity: ClientIP\n  ports:\n  - port: 80\n    targetPort: http\n  - port: 443\n";
        let mut once = parse_one(text);
        apply_defaults(&mut once);
        let mut twice = once.clone();
        apply_defaults(&mut twice);
        assert_eq!(once, twice);
        let v = yaml_of(&once);
        assert_eq!(v["metadata"]["namespace"], "shop");
        assert_eq!(v["spec"]["ports"][0]["targetPort"], "http");
        assert_eq!(v["spec"]["ports"][1]["targetPort"], 443);
        assert_eq!(v["spec"]["ports"][1]["protocol"], "TCP");
        assert_eq!(v["spec"]["externalTrafficPolicy"], "Cluster");
        assert_eq!(v["spec"]["internalTrafficPolicy"], "Cluster");
        assert_eq!(v["spec"]["ipFamilyPolicy"], "SingleStack");
        assert_eq!(v["spec"]["ipFamilies"], json!(["IPv4"]));
        assert_eq!(v["spec"]["allocateLoadBalancerNodePorts"], true);
        assert_eq!(
            v["spec"]["sessionAffinityConfig"],
            json!({"clientIP": {"timeoutSeconds": 10800}})
        );
    }

    #[test]
    fn pull_policy_follows_the_tag() {
        struct Case {
            image: &'static str,
            want: &'static str,
        }
        let cases = [
            Case {
                image: "nginx",
                want: "Always",
            },
            Case {
                image: "nginx:latest",
                want: "Always",
            },
            Case {
                image: "nginx:1.27",
                want: "IfNotPresent",
            },
            Case {
                image: "localhost:5000/app",
                want: "Always",
            },
            Case {
                image: "localhost:5000/app:v2",
                want: "IfNotPresent",
            },
            Case {
                image: "nginx@sha256:0123abcd",
                want: "IfNotPresent",
            },
            Case {
                image: "gcr.io/kuar-demo/kuard-amd64:blue",
                want: "IfNotPresent",
            },
        ];
        for case in cases {
            assert_eq!(default_pull_policy(case.image), case.want, "{}", case.image);
        }
    }

    #[test]
    fn admission_completes_a_pod() {
        let Object::Pod(mut pod) = parse_one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources:\n      limits: {cpu: 500m}\n  tolerations:\n  - key: node.kubernetes.io/unreachable\n    operator: Exists\n    effect: NoExecute\n    tolerationSeconds: 60\n") else {
            panic!("not a pod")
        };
        admit_pod(&mut pod);
        let mut again = pod.clone();
        admit_pod(&mut again);
        assert_eq!(pod, again);
        let spec = &pod.spec;
        assert_eq!(spec.service_account_name.as_deref(), Some("default"));
        assert_eq!(spec.extra["serviceAccount"], "default");
        assert_eq!(
            (spec.priority, spec.preemption_policy.as_deref()),
            (Some(0), Some("PreemptLowerPriority"))
        );
        assert_eq!(spec.enable_service_links, Some(true));
        assert_eq!(
            spec.containers[0].resources.requests["cpu"].as_str(),
            "500m"
        );
        let tolerations: Vec<(Option<&str>, Option<i64>)> = spec
            .tolerations
            .iter()
            .map(|t| (t.key.as_deref(), t.toleration_seconds))
            .collect();
        assert_eq!(
            tolerations,
            [
                (Some("node.kubernetes.io/unreachable"), Some(60)),
                (Some("node.kubernetes.io/not-ready"), Some(300))
            ]
        );
    }

    #[test]
    fn other_kinds_get_their_defaults() {
        let mut ns = parse_one("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n");
        apply_defaults(&mut ns);
        let v = yaml_of(&ns);
        assert_eq!(
            v["metadata"]["labels"]["kubernetes.io/metadata.name"],
            "shop"
        );
        assert_eq!(v["metadata"].get("namespace"), None);
        assert_eq!(v["spec"]["finalizers"], json!(["kubernetes"]));
        let mut hpa = parse_one("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n");
        apply_defaults(&mut hpa);
        let v = yaml_of(&hpa);
        assert_eq!(v["spec"]["minReplicas"], 1);
        assert_eq!(
            v["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            80
        );
        let mut rs = parse_one("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: r\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: i\n        image: busybox\n      volumes:\n      - name: v\n        configMap: {name: c}\n");
        apply_defaults(&mut rs);
        let v = yaml_of(&rs);
        assert_eq!(v["spec"]["replicas"], 1);
        assert_eq!(
            v["spec"]["template"]["spec"]["initContainers"][0]["imagePullPolicy"],
            "Always"
        );
        assert_eq!(
            v["spec"]["template"]["spec"]["volumes"][0]["configMap"]["defaultMode"],
            420
        );
    }
}
