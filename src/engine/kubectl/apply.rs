//! `kubectl apply`, `kubectl create -f`, `create deployment`, `create namespace`, and
//! the one path every manifest takes into the cluster ([`apply_object`]), which
//! `kubectl replace` and `kubectl diff` use too.

use super::args::Args;
use super::dryrun::{self, DryRun};
use super::{check_flags, Input, Output};
use crate::engine::cluster::Cluster;
use crate::engine::diagnostic::Severity;
use crate::engine::explain::ObjRef;
use crate::engine::kinds::*;
use crate::engine::manifest::parse_manifests;
use crate::engine::meta::ObjectMeta;
use crate::engine::object::{Object, Resource};
use crate::engine::{defaults, validate};

/// The annotation kubectl keeps the last applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Whether objects that exist are updated (`apply`), refused (`create`) or required
/// (`replace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `kubectl apply`: create or update.
    Apply,
    /// `kubectl create`: create only.
    Create,
    /// `kubectl replace`: a full update of an object that must exist; what the
    /// manifest leaves out is gone, except what the server owns.
    Replace,
}

/// `kubectl apply -f FILE`.
pub fn apply(cluster: &mut Cluster, a: &Args, input: &Input, _server_side: bool) -> Output {
    if let Err(o) = check_flags(
        a,
        "apply",
        &[
            "--filename",
            "--namespace",
            "--recursive",
            "--validate",
            "--dry-run",
            "--record",
            "--output",
        ],
    ) {
        return o;
    }
    from_files(cluster, a, input, Mode::Apply)
}

/// `kubectl create -f FILE`, `create deployment`, `create namespace`.
pub fn create(cluster: &mut Cluster, a: &Args, input: &Input) -> Output {
    match a.positional.first().map(String::as_str) {
        None => {
            if a.get("--filename").is_none() {
                return Output::err("error: must specify one of -f and -k");
            }
            from_files(cluster, a, input, Mode::Create)
        }
        Some("deployment" | "deploy") => create_deployment(cluster, a),
        Some("namespace" | "ns") => create_namespace(cluster, a),
        Some("configmap" | "cm") => super::generate::configmap(cluster, a),
        Some("secret") => super::generate::secret(cluster, a),
        Some("service" | "svc") => super::generate::service(cluster, a),
        Some(other) => Output::err(format!("error: unknown command \"{other}\" for \"kubectl create\"\nRun 'kubectl create --help' for usage.")),
    }
}

fn from_files(cluster: &mut Cluster, a: &Args, input: &Input, mode: Mode) -> Output {
    let files = a.all("--filename");
    if files.is_empty() {
        return Output::err("error: must specify one of -f and -k");
    }
    let mut out = Output::ok("");
    for f in files {
        let text = match input.read(f) {
            Ok(t) => t,
            Err(e) => return Output::err(e),
        };
        let source = if f == "-" { "STDIN" } else { f };
        let r = apply_text(cluster, &text, source, a.get("--namespace"), mode);
        out.text.push_str(&r.text);
        out.ok &= r.ok;
    }
    out
}

/// Applies (or creates) every object in `text` as kubectl would, printing one line per
/// object (`deployment.apps/web configured`). Syntax errors apply nothing.
pub fn apply_text(
    cluster: &mut Cluster,
    text: &str,
    source: &str,
    ns_flag: Option<&str>,
    mode: Mode,
) -> Output {
    let parsed = parse_manifests(text);
    let mut out = Output::ok("");
    // A syntax error (no field path) means the text is not YAML: apply nothing, as kubectl does.
    let syntax: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.path.is_none())
        .collect();
    if !syntax.is_empty() {
        for d in syntax {
            out.push(&format!("error: error parsing {source}: {d}"));
        }
        out.ok = false;
        return out;
    }
    // A field error (a wrong type, a bad apiVersion) fails its own object; the rest apply.
    for d in parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        out.push(&format!("error: error validating \"{source}\": {d}"));
        out.ok = false;
    }
    if parsed.objects.is_empty() && out.ok {
        return Output::err("error: no objects passed to apply");
    }
    for po in parsed.objects {
        out.text.push_str(&notes(&parsed.diagnostics, po.document));
        match apply_object(cluster, po.object, source, ns_flag, mode) {
            Ok(line) => out.push(&line),
            Err(e) => {
                out.push(&e);
                out.ok = false;
            }
        }
    }
    out
}

/// The warnings and notes about one document, a line each, as they print before its
/// result.
fn notes(diagnostics: &[crate::engine::diagnostic::Diagnostic], document: usize) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().filter(|d| d.document == document) {
        match d.severity {
            Severity::Warning => out.push_str(&format!("Warning: {}\n", d.message)),
            Severity::Notice => out.push_str(&format!("Note: {}\n", d.message)),
            Severity::Error => {}
        }
    }
    out
}

fn display_name(obj: &Object) -> String {
    let kind = obj
        .info()
        .map_or_else(|| obj.kind_name().to_ascii_lowercase(), |k| k.qualified());
    format!("{kind}/{}", obj.meta().name)
}

/// Applies one object: defaults, validation, then create or update.
pub fn apply_object(
    cluster: &mut Cluster,
    mut obj: Object,
    source: &str,
    ns_flag: Option<&str>,
    mode: Mode,
) -> Result<String, String> {
    let namespaced = obj.info().is_none_or(|k| k.namespaced);
    let kind = obj.kind_name().to_string();
    if namespaced {
        let own = obj.meta().namespace.clone();
        match (own.is_empty(), ns_flag) {
            (false, Some(flag)) if flag != own => {
                return Err(format!("error: the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."));
            }
            (true, flag) => {
                // Without `-n`, the current context's namespace, as kubectl does.
                let ns = flag.or(cluster.kubeconfig.namespace()).unwrap_or("default");
                obj.meta_mut().namespace = ns.to_string();
            }
            _ => {}
        }
    } else {
        obj.meta_mut().namespace.clear();
    }
    let ns = obj.meta().namespace.clone();
    let name = obj.meta().name.clone();
    if name.is_empty() && obj.meta().generate_name.is_none() {
        return Err(format!("error: error when retrieving current configuration of:\nResource: \"{kind}\", Name: \"\", Namespace: \"{ns}\"\nfrom server for: \"{source}\": resource name may not be empty"));
    }
    let plural = obj.info().map_or(kind.clone(), |k| k.qualified_plural());
    if mode == Mode::Replace && cluster.store.get_object(&kind, &ns, &name).is_none() {
        return Err(format!("Error from server (NotFound): error when replacing \"{source}\": {plural} \"{name}\" not found"));
    }
    if namespaced {
        match cluster.store.get::<Namespace>("", &ns) {
            None => return Err(format!("Error from server (NotFound): error when creating \"{source}\": namespaces \"{ns}\" not found")),
            Some(n) if n.metadata.is_deleting() => {
                return Err(format!("Error from server (Forbidden): error when creating \"{source}\": {} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", obj.info().map_or(kind.clone(), |k| k.qualified_plural())));
            }
            Some(_) => {}
        }
    }
    let user_set_replicas = replicas_written(&obj);
    let mut applied = obj.clone();
    applied.meta_mut().annotations.remove(LAST_APPLIED);
    let mut applied_value = applied.to_api_value();
    if let Some(map) = applied_value.as_object_mut() {
        // The manifest had no status; the typed form adds an empty one.
        if map
            .get("status")
            .is_some_and(|s| s.as_object().is_some_and(|o| o.is_empty()))
        {
            map.remove("status");
        }
        // Each EndpointSlice endpoint's conditions are a struct Go always writes, so
        // the typed form adds `conditions: {}` where the manifest had none.
        if let Some(serde_json::Value::Array(endpoints)) = map.get_mut("endpoints") {
            for ep in endpoints
                .iter_mut()
                .filter_map(serde_json::Value::as_object_mut)
            {
                if ep
                    .get("conditions")
                    .is_some_and(|c| c.as_object().is_some_and(|o| o.is_empty()))
                {
                    ep.remove("conditions");
                }
            }
        }
    }
    // kubectl ends the annotation with a newline, which YAML output shows as a block.
    let last_applied = serde_json::to_string(&applied_value).unwrap_or_default() + "\n";
    if mode == Mode::Apply {
        obj.meta_mut()
            .annotations
            .insert(LAST_APPLIED.into(), last_applied);
    }
    defaults::apply_defaults(&mut obj);
    let existing = cluster.store.get_object(&kind, &ns, &name);
    // A create is validated as a create; only then does the store find the name taken.
    let against = if mode == Mode::Create {
        None
    } else {
        existing.as_ref()
    };
    let errors = validate::validate(&obj, against);
    if !errors.is_empty() {
        return Err(validate::format_invalid(&kind, &name, &errors));
    }
    let shown = display_name(&obj);
    match existing {
        Some(_) if mode == Mode::Create => Err(format!(
            "Error from server (AlreadyExists): error when creating \"{source}\": {} \"{name}\" already exists",
            obj.info().map_or(kind.clone(), |k| k.qualified_plural())
        )),
        Some(old) if mode == Mode::Replace => {
            let stale = &obj.meta().resource_version;
            if !stale.is_empty() && *stale != old.meta().resource_version {
                return Err(format!("Error from server (Conflict): error when replacing \"{source}\": Operation cannot be fulfilled on {plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"));
            }
            cluster.update(replace_into(old, obj));
            cluster.explain("kubectl", ObjRef::new(&kind, &ns, &name), format!("kubectl replace wrote a whole new desired state for {kind} {name}: fields the manifest leaves out are gone (apply would have kept them); controllers now work to make the cluster match it."));
            Ok(format!("{shown} replaced"))
        }
        Some(old) => {
            if old.meta().is_deleting() {
                return Err(format!("Error from server (Conflict): error when applying patch to {shown}: object is being deleted"));
            }
            let merged = merge_into(old.clone(), obj, user_set_replicas);
            if merged == old {
                return Ok(format!("{shown} unchanged"));
            }
            cluster.update(merged);
            cluster.explain("kubectl", ObjRef::new(&kind, &ns, &name), format!("kubectl apply changed the desired state of {kind} {name}; controllers now work to make the cluster match it."));
            Ok(format!("{shown} configured"))
        }
        None => {
            if let Object::Pod(p) = &mut obj {
                p.status = PodStatus { phase: Some("Pending".into()), ..Default::default() };
            }
            let created = cluster.create(obj);
            cluster.explain("kubectl", ObjRef::new(&kind, &ns, &created.meta().name), format!("kubectl created {kind} {}; it is now part of the desired state.", created.meta().name));
            Ok(format!("{} created", display_name(&created)))
        }
    }
}

fn replicas_written(obj: &Object) -> bool {
    match obj {
        Object::Deployment(d) => d.spec.replicas.is_some(),
        Object::ReplicaSet(r) => r.spec.replicas.is_some(),
        _ => true,
    }
}

/// The live object after an apply: the user's desired fields over what the server owns
/// (identity, status, allocated addresses, and replicas when the manifest leaves them out).
fn merge_into(old: Object, new: Object, user_set_replicas: bool) -> Object {
    fn meta(old: &ObjectMeta, new: &ObjectMeta) -> ObjectMeta {
        let mut m = old.clone();
        m.labels = new.labels.clone();
        let previously: Vec<String> = old
            .annotations
            .get(LAST_APPLIED)
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| {
                v.pointer("/metadata/annotations")
                    .and_then(|a| a.as_object())
                    .map(|a| a.keys().cloned().collect())
            })
            .unwrap_or_default();
        m.annotations.retain(|k, _| !previously.contains(k));
        m.annotations.extend(new.annotations.clone());
        m
    }
    match (old, new) {
        (Object::Deployment(o), Object::Deployment(n)) => {
            let mut d = Deployment {
                metadata: meta(&o.metadata, &n.metadata),
                spec: n.spec,
                status: o.status,
            };
            if !user_set_replicas {
                d.spec.replicas = o.spec.replicas;
            }
            Object::Deployment(d)
        }
        (Object::ReplicaSet(o), Object::ReplicaSet(n)) => {
            let mut r = ReplicaSet {
                metadata: meta(&o.metadata, &n.metadata),
                spec: n.spec,
                status: o.status,
            };
            if !user_set_replicas {
                r.spec.replicas = o.spec.replicas;
            }
            Object::ReplicaSet(r)
        }
        (Object::Service(o), Object::Service(mut n)) => {
            keep_allocated(&o, &mut n);
            Object::Service(Service {
                metadata: meta(&o.metadata, &n.metadata),
                spec: n.spec,
                status: o.status,
            })
        }
        (Object::Pod(o), Object::Pod(n)) => {
            let mut p = o.clone();
            p.metadata = meta(&o.metadata, &n.metadata);
            for (c, nc) in p.spec.containers.iter_mut().zip(&n.spec.containers) {
                c.image = nc.image.clone();
            }
            Object::Pod(p)
        }
        (Object::Namespace(o), Object::Namespace(n)) => Object::Namespace(Namespace {
            metadata: meta(&o.metadata, &n.metadata),
            spec: o.spec,
            status: o.status,
        }),
        (Object::Node(o), Object::Node(n)) => Object::Node(Node {
            metadata: meta(&o.metadata, &n.metadata),
            spec: n.spec,
            status: o.status,
        }),
        (Object::HorizontalPodAutoscaler(o), Object::HorizontalPodAutoscaler(n)) => {
            Object::HorizontalPodAutoscaler(HorizontalPodAutoscaler {
                metadata: meta(&o.metadata, &n.metadata),
                spec: n.spec,
                status: o.status,
            })
        }
        (Object::Other(o), Object::Other(n)) => {
            let mut g = n.clone();
            g.metadata = meta(&o.metadata, &n.metadata);
            Object::Other(g)
        }
        (_, n) => n,
    }
}

/// The cluster IPs and node ports a Service manifest leaves out stay as allocated, as
/// the API server's `patchAllocatedValues` keeps them on an update.
fn keep_allocated(old: &Service, new: &mut Service) {
    if new.spec.cluster_ip.is_none() {
        new.spec.cluster_ip = old.spec.cluster_ip.clone();
        new.spec.cluster_ips = old.spec.cluster_ips.clone();
    }
    for p in &mut new.spec.ports {
        if p.node_port.is_none() {
            p.node_port = old
                .spec
                .ports
                .iter()
                .find(|q| q.port == p.port)
                .and_then(|q| q.node_port);
        }
    }
}

/// The stored object after a replace: the manifest whole, with what only the server
/// writes (identity, resource version, generation, status, a Service's allocated
/// addresses and node ports) kept from the live object. A pod's spec is immutable but
/// for its images, which is all a replace changes there.
fn replace_into(old: Object, mut new: Object) -> Object {
    {
        let (o, n) = (old.meta(), new.meta_mut());
        n.uid = o.uid.clone();
        n.creation_timestamp = o.creation_timestamp.clone();
        n.resource_version = o.resource_version.clone();
        n.generation = o.generation;
        n.deletion_timestamp = o.deletion_timestamp.clone();
        n.deletion_grace_period_seconds = o.deletion_grace_period_seconds;
    }
    let new_meta = new.meta().clone();
    let mut merged = match (old, new) {
        (Object::Deployment(o), Object::Deployment(n)) => Object::Deployment(Deployment {
            status: o.status,
            ..n
        }),
        (Object::ReplicaSet(o), Object::ReplicaSet(n)) => Object::ReplicaSet(ReplicaSet {
            status: o.status,
            ..n
        }),
        (Object::Service(o), Object::Service(mut n)) => {
            keep_allocated(&o, &mut n);
            Object::Service(Service {
                status: o.status,
                ..n
            })
        }
        (o @ Object::Pod(_), n @ Object::Pod(_)) => merge_into(o, n, true),
        (Object::Namespace(o), Object::Namespace(n)) => Object::Namespace(Namespace {
            spec: o.spec,
            status: o.status,
            ..n
        }),
        (Object::Node(o), Object::Node(n)) => Object::Node(Node {
            status: o.status,
            ..n
        }),
        (Object::HorizontalPodAutoscaler(o), Object::HorizontalPodAutoscaler(n)) => {
            Object::HorizontalPodAutoscaler(HorizontalPodAutoscaler {
                status: o.status,
                ..n
            })
        }
        (_, n) => n,
    };
    // merge_into keeps the old metadata; a replace takes the manifest's.
    *merged.meta_mut() = new_meta;
    merged
}

/// The container name kubectl derives from an image (`gcr.io/x/kuard-amd64:blue` -> `kuard-amd64`).
pub fn container_name_for(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last).to_string()
}

fn create_deployment(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "create deployment",
        &[
            "--image",
            "--replicas",
            "--port",
            "--namespace",
            "--dry-run",
            "--output",
        ],
    ) {
        return o;
    }
    let Some(name) = a.positional.get(1) else {
        return Output::err("error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples");
    };
    let images = a.all("--image");
    if images.is_empty() {
        return Output::err("error: required flag(s) \"image\" not set");
    }
    let replicas = match a.int("--replicas") {
        Ok(r) => r.unwrap_or(1) as i32,
        Err(e) => return Output::err(e),
    };
    let port = match a.int("--port") {
        Ok(p) => p.map(|p| p as i32),
        Err(e) => return Output::err(e),
    };
    let labels: crate::engine::meta::StringMap = [("app".to_string(), name.clone())].into();
    let containers = images
        .iter()
        .map(|img| Container {
            name: container_name_for(img),
            image: img.to_string(),
            ports: container_ports(port),
            ..Default::default()
        })
        .collect();
    let d = Deployment {
        metadata: ObjectMeta {
            name: name.clone(),
            labels: labels.clone(),
            ..Default::default()
        },
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: crate::engine::meta::LabelSelector {
                match_labels: labels.clone(),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels,
                    ..Default::default()
                },
                spec: PodSpec {
                    containers,
                    ..Default::default()
                },
            },
            ..Default::default()
        },
        status: DeploymentStatus::default(),
    };
    create_generated(
        cluster,
        d.into_object().to_api_value(),
        a,
        a.get("--namespace"),
        "created",
    )
}

/// `kubectl run NAME --image=IMAGE`: one bare Pod, labelled `run=NAME` unless
/// `--labels` says otherwise, its one container named after the pod.
pub fn run_pod(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "run",
        &[
            "--image",
            "--port",
            "--labels",
            "--restart",
            "--namespace",
            "--output",
        ],
    ) {
        return o;
    }
    let Some(name) = a.positional.first() else {
        return Output::err(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples",
        );
    };
    let Some(image) = a.get("--image") else {
        return Output::err("error: required flag(s) \"image\" not set");
    };
    let port = match a.int("--port") {
        Ok(p) => p.map(|p| p as i32),
        Err(e) => return Output::err(e),
    };
    let restart = a.get("--restart").unwrap_or("Always");
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return Output::err(format!("error: invalid restart policy: {restart}"));
    }
    let labels: crate::engine::meta::StringMap = match a.get("--labels") {
        None => [("run".to_string(), name.clone())].into(),
        Some(text) => {
            let mut labels = crate::engine::meta::StringMap::new();
            for pair in text.split(',') {
                match pair.split_once('=') {
                    Some((k, v)) if !k.is_empty() => {
                        labels.insert(k.to_string(), v.to_string());
                    }
                    _ => return Output::err(format!("error: invalid label spec: {pair}")),
                }
            }
            labels
        }
    };
    let pod = Pod {
        metadata: ObjectMeta {
            name: name.clone(),
            labels,
            ..Default::default()
        },
        spec: PodSpec {
            containers: vec![Container {
                name: name.clone(),
                image: image.to_string(),
                ports: container_ports(port),
                ..Default::default()
            }],
            restart_policy: Some(restart.to_string()),
            dns_policy: Some("ClusterFirst".to_string()),
            ..Default::default()
        },
        ..Default::default()
    };
    create_generated(
        cluster,
        pod.into_object().to_api_value(),
        a,
        a.get("--namespace"),
        "created",
    )
}

/// `kubectl create` of an object a generator wrote (`create deployment`, `run`,
/// `expose`, ...), printing `KIND/NAME VERB` (`created`, `exposed`), or the object in
/// `-o`'s format: as the client built it with `--dry-run=client` (nothing is sent), as
/// the API server stored it otherwise. Errors are worded without the source file a
/// generated object does not have. `ns_flag` is the namespace the command targets.
pub fn create_generated(
    cluster: &mut Cluster,
    object: serde_json::Value,
    a: &Args,
    ns_flag: Option<&str>,
    verb: &str,
) -> Output {
    let format = a.get("--output");
    // kubectl picks its printer before it sends anything: a bad -o creates nothing.
    if let Some(Err(o)) = format.map(dryrun::check_format) {
        return o;
    }
    if matches!(DryRun::of(a), Ok((DryRun::Client, _))) {
        let mut v = dryrun::client_value(object);
        let namespaced = v["kind"]
            .as_str()
            .and_then(crate::engine::object::kind_info)
            .is_none_or(|k| k.namespaced);
        // The client writes a namespace only when told one (`-n`), as kubectl does.
        if let Some(meta) = v["metadata"].as_object_mut() {
            meta.remove("namespace");
            if let (Some(ns), true) = (a.get("--namespace"), namespaced) {
                meta.insert("namespace".into(), ns.into());
            }
        }
        return match format {
            Some(f) => dryrun::print_object(&v, f),
            None => Output::ok(format!("{} {verb}\n", dryrun::display_name(&v))),
        };
    }
    let parsed = parse_manifests(&object.to_string());
    let Some(po) = parsed.objects.into_iter().next() else {
        let why = parsed
            .diagnostics
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Output::err(format!("error: {why}"));
    };
    let notes = notes(&parsed.diagnostics, po.document);
    match apply_object(cluster, po.object, "STDIN", ns_flag, Mode::Create) {
        Err(e) => Output::err(notes + &without_source(&e)),
        Ok(line) => {
            let Some(f) = format else {
                let (done, _) = line.rsplit_once(' ').unwrap_or((&line, ""));
                return Output::ok(format!("{notes}{done} {verb}\n"));
            };
            // Where apply_object put it: the flag's namespace, else `default`.
            let kind = object["kind"].as_str().unwrap_or_default();
            let name = object
                .pointer("/metadata/name")
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            let ns = match crate::engine::object::kind_info(kind) {
                Some(k) if !k.namespaced => "",
                _ => ns_flag
                    .or(cluster.kubeconfig.namespace())
                    .unwrap_or("default"),
            };
            let stored = cluster.store.get_object(kind, ns, name);
            match stored {
                Some(o) => dryrun::print_object(&o.to_api_value(), f),
                None => Output::ok(line + "\n"),
            }
        }
    }
}

/// An error of a create from stdin, as kubectl words it for a generated object.
pub fn without_source(error: &str) -> String {
    error.replace("error when creating \"STDIN\": ", "")
}

/// One container port, or none: `--port` of `create deployment` and `run`.
fn container_ports(port: Option<i32>) -> Vec<ContainerPort> {
    port.map(|p| {
        vec![ContainerPort {
            container_port: p,
            name: None,
            protocol: None,
            extra: Default::default(),
        }]
    })
    .unwrap_or_default()
}

fn create_namespace(cluster: &mut Cluster, a: &Args) -> Output {
    let Some(name) = a.positional.get(1) else {
        return Output::err("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples");
    };
    let ns = Namespace {
        metadata: ObjectMeta {
            name: name.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    create_generated(cluster, ns.into_object().to_api_value(), a, None, "created")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_follow_kubectl() {
        for (image, want) in [
            ("nginx", "nginx"),
            ("nginx:1.27", "nginx"),
            ("gcr.io/kuar-demo/kuard-amd64:blue", "kuard-amd64"),
            ("localhost:5000/app@sha256:ab", "app"),
        ] {
            assert_eq!(container_name_for(image), want);
        }
    }
}
