//! `kubectl get` output: the tables of kubectl's printers
//! (`pkg/printers/internalversion/printers.go`), the pod STATUS, READY and RESTARTS
//! columns as `printPod` computes them, and the column aligner that every kubectl
//! table and every `describe` goes through (Go's `text/tabwriter`).
//!
//! Everything here is a pure function of objects and `now`; nothing reads a clock.

use crate::engine::kinds::{
    ContainerStatus, Deployment, DiscoveryEndpoint, DiscoveryEndpointPort, Endpoints, Event,
    HorizontalPodAutoscaler, Namespace, Node, Pod, ReplicaSet, Service,
};
use crate::engine::meta::{LabelSelector, StringMap};
use crate::engine::object::{Generic, KindInfo, Object};
use crate::engine::sort;
use crate::engine::store::Store;
use crate::engine::time::{human_duration, SimTime};
use serde_json::Value;

/// How `kubectl get` decorates its table (the flags that change columns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// `-o wide`: the extra columns each kind defines.
    pub wide: bool,
    /// `--show-labels`: a last LABELS column.
    pub show_labels: bool,
    /// `-A`: a first NAMESPACE column (namespaced kinds only).
    pub all_namespaces: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-L key,...`: one column per label key, headed by the key's last path segment.
    pub label_columns: Vec<String>,
    /// `--sort-by`: the objects come in the order to print them (events too).
    pub sorted: bool,
}

/// Column settings of Go's `text/tabwriter`, which aligns every kubectl table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabConfig {
    /// Minimal width of a column, padding included.
    pub min_width: usize,
    /// Spaces added after the widest cell of a column.
    pub padding: usize,
}

impl TabConfig {
    /// `kubectl get` (cli-runtime's `GetNewTabWriter`): minimum width 6, padding 3.
    pub const GET: TabConfig = TabConfig {
        min_width: 6,
        padding: 3,
    };
    /// `kubectl describe` (`tabbedString`): minimum width 0, padding 2.
    pub const DESCRIBE: TabConfig = TabConfig {
        min_width: 0,
        padding: 2,
    };
}

/// The `kubectl get` table for `objects` of one kind, headers included, each line ending
/// in a newline; empty when there are no objects (the caller then prints
/// [`no_resources`]). Events are sorted by last timestamp, as `kubectl events` and
/// `describe` order them; every other kind keeps the order given.
///
/// ```text
/// NAME                  READY   STATUS    RESTARTS   AGE
/// web-7c9f8d6b5-x2k4q   1/1     Running   0          42s
/// ```
///
/// `_store` is unused today: every column kubectl prints comes from the object itself.
pub fn table(
    kind: &KindInfo,
    objects: &[Object],
    _store: &Store,
    now: SimTime,
    opts: &TableOptions,
) -> String {
    render_table(kind, objects, now, opts, None)
}

/// [`table`] with each name written `kind/name` (`pod/web-x2k4q`,
/// `deployment.apps/web`), as `kubectl get all` and `get` over several kinds print.
pub fn table_with_kind(
    kind: &KindInfo,
    objects: &[Object],
    _store: &Store,
    now: SimTime,
    opts: &TableOptions,
) -> String {
    render_table(kind, objects, now, opts, Some(kind.qualified()))
}

/// What kubectl prints (to stderr) when `get` finds nothing: `No resources found in
/// default namespace.` for a namespaced listing, `No resources found` otherwise.
pub fn no_resources(ns: Option<&str>) -> String {
    match ns {
        Some(ns) => format!("No resources found in {ns} namespace.\n"),
        None => "No resources found\n".to_string(),
    }
}

/// The pod's STATUS column: `Running`, `ContainerCreating`, `ImagePullBackOff`,
/// `CrashLoopBackOff`, `Completed`, `Init:0/1`, `Terminating`, `Unknown`, ...
pub fn pod_status(pod: &Pod) -> String {
    summarize_pod(pod, init_container_statuses(pod)).reason
}

/// The pod's READY column: ready containers over all containers (`1/1`).
pub fn pod_ready(pod: &Pod) -> String {
    let s = summarize_pod(pod, init_container_statuses(pod));
    format!("{}/{}", s.ready, s.total)
}

/// The pod's RESTARTS column: `0`, or `2 (14s ago)` measured from the latest
/// `lastState.terminated.finishedAt`.
pub fn pod_restarts(pod: &Pod, now: SimTime) -> String {
    let s = summarize_pod(pod, init_container_statuses(pod));
    match s.last_restart {
        Some(at) if s.restarts != 0 => format!("{} ({} ago)", s.restarts, duration_since(at, now)),
        _ => s.restarts.to_string(),
    }
}

/// An AGE cell: the time since an RFC 3339 timestamp as kubectl's `HumanDuration` writes
/// it; `<unknown>` without a timestamp, `<invalid>` when it lies over a second ahead.
pub fn age(timestamp: Option<&str>, now: SimTime) -> String {
    match timestamp.and_then(SimTime::parse_rfc3339) {
        Some(at) => duration_since(at, now),
        None => "<unknown>".to_string(),
    }
}

/// The OBJECT column of an event: `pod/web-x2k4q`, or just the kind when unnamed.
pub fn event_object_ref(event: &Event) -> String {
    let r = &event.involved_object;
    let kind = r.kind.to_ascii_lowercase();
    if r.name.is_empty() {
        kind
    } else {
        format!("{kind}/{}", r.name)
    }
}

/// Labels as kubectl prints them: `app=web,pod-template-hash=7c9f8d6b5`, or `<none>`.
pub fn format_labels(labels: &StringMap) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A label selector as kubectl prints it (`app=web,tier in (api,web)`): requirements
/// sorted by key, set values sorted; empty for an empty selector.
pub fn selector_string(selector: &LabelSelector) -> String {
    let mut reqs: Vec<(&str, String)> = selector
        .match_labels
        .iter()
        .map(|(k, v)| (k.as_str(), format!("{k}={v}")))
        .collect();
    for r in &selector.match_expressions {
        let mut values = r.values.clone();
        sort::sort(&mut values);
        values.dedup();
        let text = match r.operator.as_str() {
            "In" => format!("{} in ({})", r.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", r.key, values.join(",")),
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            _ => continue,
        };
        reqs.push((r.key.as_str(), text));
    }
    sort::sort_by(&mut reqs, |a, b| a.0.cmp(b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// A node's STATUS column: `Ready`, `NotReady`, `Unknown`, plus `,SchedulingDisabled`
/// when cordoned.
pub fn node_status(node: &Node) -> String {
    let mut status = match node.status.conditions.iter().find(|c| c.type_ == "Ready") {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.spec.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    status
}

/// A node's roles, from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels,
/// sorted and without duplicates.
pub fn node_roles(node: &Node) -> Vec<String> {
    let mut roles: Vec<String> = node
        .metadata
        .labels
        .iter()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role.to_string()),
            Some(_) => None,
            None => (k == "kubernetes.io/role" && !v.is_empty()).then(|| v.clone()),
        })
        .collect();
    sort::sort(&mut roles);
    roles.dedup();
    roles
}

/// A Service's PORT(S) column: `80/TCP`, `80:31234/TCP`, comma-joined, or `<none>`.
pub fn service_ports(svc: &Service) -> String {
    let ports: Vec<String> = svc
        .spec
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(np) if np > 0 => format!("{}:{np}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    }
}

/// A Service's EXTERNAL-IP column: `<none>`, the load balancer's addresses or
/// `<pending>`, the ExternalName target. Without `wide`, long LB lists are clipped to 16
/// characters as kubectl does.
pub fn service_external_ip(svc: &Service, wide: bool) -> String {
    let external = svc.spec.external_ips.join(",");
    match service_type(svc) {
        "ClusterIP" | "NodePort" => or_none(external),
        "LoadBalancer" => {
            let mut ips: Vec<String> = svc
                .status
                .load_balancer
                .ingress
                .iter()
                .filter_map(|i| i.ip.clone())
                .collect();
            sort::sort(&mut ips);
            ips.dedup();
            let mut lb = ips.join(",");
            if !wide && lb.chars().count() > 16 {
                lb = format!("{}...", lb.chars().take(13).collect::<String>());
            }
            match (lb.is_empty(), external.is_empty()) {
                (_, false) => [lb, external]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(","),
                (false, true) => lb,
                (true, true) => "<pending>".to_string(),
            }
        }
        "ExternalName" => svc.spec.external_name.clone().unwrap_or_default(),
        _ => "<unknown>".to_string(),
    }
}

/// An EndpointSlice's PORTS column (`formatDiscoveryPorts`): the port numbers (a name
/// where there is no number, `*` where there is neither), three at most then
/// ` + N more...`; `<unset>` without ports, as a placeholder slice prints.
pub fn format_discovery_ports(ports: &[DiscoveryEndpointPort]) -> String {
    let list = ports.iter().map(|p| match (p.port, &p.name) {
        (Some(n), _) => n.to_string(),
        (None, Some(name)) => name.clone(),
        (None, None) => "*".to_string(),
    });
    list_with_more_string(list)
}

/// An EndpointSlice's ENDPOINTS column (`formatDiscoveryEndpoints`): every address of
/// every endpoint, ready or not, three at most then ` + N more...`; `<unset>` for none.
pub fn format_discovery_endpoints(endpoints: &[DiscoveryEndpoint]) -> String {
    list_with_more_string(endpoints.iter().flat_map(|e| e.addresses.iter().cloned()))
}

/// `listWithMoreString` with kubectl's maximum of three: `a,b,c + 2 more...`.
fn list_with_more_string(items: impl Iterator<Item = String>) -> String {
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut count = 0usize;
    for item in items {
        if list.len() < MAX {
            list.push(item);
        }
        count += 1;
    }
    let joined = list.join(",");
    if count > MAX {
        format!("{joined} + {} more...", count - MAX)
    } else if joined.is_empty() {
        "<unset>".to_string()
    } else {
        joined
    }
}

/// An Endpoints object's ENDPOINTS column: `10.244.1.5:80,...`, at most three, then
/// ` + N more...`; `<none>` without subsets.
pub fn endpoints_summary(ep: &Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let (mut list, mut more, mut count) = (Vec::new(), false, 0usize);
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            // Headless services may list addresses without ports.
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(a.ip.clone());
            }
            continue;
        }
        for port in &ss.ports {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, &port.port.to_string()));
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

/// An HPA's TARGETS column: `cpu: 45%/80%`, `cpu: <unknown>/80%` before metrics arrive,
/// two metrics at most then ` + N more...`. Without metrics the API server's default
/// (CPU at 80%) applies.
pub fn hpa_targets(hpa: &HorizontalPodAutoscaler) -> String {
    let specs = hpa_metric_specs(hpa);
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let statuses = &hpa.status.current_metrics;
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| hpa_target(spec, statuses.get(i)))
        .collect();
    const MAX: usize = 2;
    if list.len() > MAX {
        format!("{} + {} more...", list[..MAX].join(", "), list.len() - MAX)
    } else {
        list.join(", ")
    }
}

/// The metrics an HPA scales on, as the API server stores them: `spec.metrics`, or the
/// v1 `targetCPUUtilizationPercentage`, or the default CPU 80% utilization.
pub fn hpa_metric_specs(hpa: &HorizontalPodAutoscaler) -> Vec<Value> {
    if !hpa.spec.metrics.is_empty() {
        return hpa.spec.metrics.clone();
    }
    let target = hpa.spec.target_cpu_utilization_percentage.unwrap_or(80);
    vec![serde_json::json!({
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}
    })]
}

/// Aligns tab-separated text as Go's `text/tabwriter` does: a column spans the
/// consecutive lines that have a tab-terminated cell at that position, is as wide as its
/// widest cell plus `padding` (at least `min_width`), and the last cell of a line is
/// never padded. kubectl's tables and `describe` output depend on exactly this (for
/// instance the realignment after `IPs:` in `describe pod`).
pub fn align_tabs(text: &str, config: TabConfig) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut aligner = Aligner {
        lines: &lines,
        config,
        widths: Vec::new(),
        out: String::with_capacity(text.len() * 2),
    };
    aligner.format(0, lines.len());
    aligner.out
}

// ---------------------------------------------------------------------------------------
// Tables

fn render_table(
    kind: &KindInfo,
    objects: &[Object],
    now: SimTime,
    opts: &TableOptions,
    kind_prefix: Option<String>,
) -> String {
    if objects.is_empty() {
        return String::new();
    }
    let mut text = String::new();
    for cells in table_cells(kind, objects, now, opts, kind_prefix) {
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    align_tabs(&text, TabConfig::GET)
}

/// The cells of [`table`], header first (unless `--no-headers`), before alignment:
/// what `get --watch` prints one row at a time.
pub fn table_cells(
    kind: &KindInfo,
    objects: &[Object],
    now: SimTime,
    opts: &TableOptions,
    kind_prefix: Option<String>,
) -> Vec<Vec<String>> {
    let mut ordered: Vec<&Object> = objects.iter().collect();
    if kind.kind == "Event" && !opts.sorted {
        // Ties within a second keep the order the events were first recorded in: the
        // hex suffix of an event's name grows with the time and order of creation.
        sort::sort_by_key(&mut ordered, |o| match o {
            Object::Event(e) => (
                event_last_seen(e),
                e.metadata.name.rsplit('.').next().map(str::to_string),
            ),
            _ => (None, None),
        });
    }
    let with_namespace = opts.all_namespaces && kind.namespaced;
    let name_column = match kind.kind {
        "Event" if opts.wide => Some(9),
        "Event" => None,
        _ => Some(0),
    };
    let ctx = RowCtx {
        now,
        wide: opts.wide,
    };

    let mut lines: Vec<Vec<String>> = Vec::with_capacity(objects.len() + 1);
    if !opts.no_headers {
        let mut header: Vec<String> = Vec::new();
        if with_namespace {
            header.push("NAMESPACE".into());
        }
        header.extend(columns(kind.kind, opts.wide).into_iter().map(String::from));
        header.extend(
            opts.label_columns
                .iter()
                .map(|l| l.rsplit('/').next().unwrap_or("").to_ascii_uppercase()),
        );
        if opts.show_labels {
            header.push("LABELS".into());
        }
        lines.push(header);
    }
    for obj in ordered {
        let meta = obj.meta();
        let mut row: Vec<String> = Vec::new();
        if with_namespace {
            row.push(meta.namespace.clone());
        }
        let mut cells = cells(obj, &ctx);
        if let (Some(prefix), Some(i)) = (&kind_prefix, name_column) {
            if let Some(cell) = cells.get_mut(i) {
                *cell = format!("{prefix}/{cell}");
            }
        }
        row.extend(cells);
        row.extend(
            opts.label_columns
                .iter()
                .map(|k| meta.labels.get(k).cloned().unwrap_or_default()),
        );
        if opts.show_labels {
            row.push(format_labels(&meta.labels));
        }
        lines.push(row);
    }
    lines
        .into_iter()
        .map(|line| line.iter().map(|c| clean_cell(c)).collect())
        .collect()
}

/// Aligns table rows printed at different times, as kubectl's watch does: its
/// tabwriter remembers each column's widest cell across flushes, so a later, longer
/// cell (`ContainerCreating`) widens that column from then on and shorter ones keep
/// the width already shown.
#[derive(Debug, Clone, Default)]
pub struct RememberedWidths {
    widths: Vec<usize>,
}

impl RememberedWidths {
    /// `rows` aligned with every row seen so far, one line each.
    pub fn lines(&mut self, rows: &[Vec<String>]) -> String {
        let config = TabConfig::GET;
        for row in rows {
            // The last cell of a row is never padded, so it never sets a width.
            for (j, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
                let w = (cell.chars().count() + config.padding).max(config.min_width);
                match self.widths.get_mut(j) {
                    Some(old) => *old = (*old).max(w),
                    None => self.widths.push(w),
                }
            }
        }
        let mut out = String::new();
        for row in rows {
            for (j, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if j + 1 < row.len() {
                    let pad = self.widths[j].saturating_sub(cell.chars().count());
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push('\n');
        }
        out
    }
}

struct RowCtx {
    now: SimTime,
    wide: bool,
}

fn columns(kind: &str, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        "Pod" => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        "ReplicaSet" => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "Deployment" => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        "Service" => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        "Endpoints" => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        "EndpointSlice" => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        "Node" => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        "Namespace" => (&["NAME", "STATUS", "AGE"], &[]),
        "Event" if wide => {
            return vec![
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ]
        }
        "Event" => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        "HorizontalPodAutoscaler" => (
            &[
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE",
            ],
            &[],
        ),
        "ConfigMap" => (&["NAME", "DATA", "AGE"], &[]),
        "Secret" => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        "ServiceAccount" => (&["NAME", "SECRETS", "AGE"], &[]),
        _ => (&["NAME", "AGE"], &[]),
    };
    let mut cols = base.to_vec();
    if wide {
        cols.extend_from_slice(extra);
    }
    cols
}

fn cells(obj: &Object, ctx: &RowCtx) -> Vec<String> {
    match obj {
        Object::Pod(p) => pod_cells(p, ctx),
        Object::ReplicaSet(rs) => replica_set_cells(rs, ctx),
        Object::Deployment(d) => deployment_cells(d, ctx),
        Object::Service(s) => service_cells(s, ctx),
        Object::Endpoints(e) => vec![
            e.metadata.name.clone(),
            endpoints_summary(e),
            ctx.age(&e.metadata.creation_timestamp),
        ],
        Object::Node(n) => node_cells(n, ctx),
        Object::Namespace(ns) => namespace_cells(ns, ctx),
        Object::Event(e) => event_cells(e, ctx),
        Object::HorizontalPodAutoscaler(h) => hpa_cells(h, ctx),
        Object::EndpointSlice(s) => vec![
            s.metadata.name.clone(),
            s.address_type.clone(),
            format_discovery_ports(&s.ports),
            format_discovery_endpoints(&s.endpoints),
            ctx.age(&s.metadata.creation_timestamp),
        ],
        Object::Other(g) => generic_cells(g, ctx),
    }
}

impl RowCtx {
    fn age(&self, ts: &Option<String>) -> String {
        age(ts.as_deref(), self.now)
    }
}

fn pod_cells(pod: &Pod, ctx: &RowCtx) -> Vec<String> {
    let s = summarize_pod(pod, init_container_statuses(pod));
    let restarts = match s.last_restart {
        Some(at) if s.restarts != 0 => {
            format!("{} ({} ago)", s.restarts, duration_since(at, ctx.now))
        }
        _ => s.restarts.to_string(),
    };
    let mut row = vec![
        pod.metadata.name.clone(),
        format!("{}/{}", s.ready, s.total),
        s.reason,
        restarts,
        ctx.age(&pod.metadata.creation_timestamp),
    ];
    if ctx.wide {
        row.push(or_none(pod.status.pod_ip.clone().unwrap_or_default()));
        row.push(or_none(pod.spec.node_name.clone().unwrap_or_default()));
        // The scheduler here never preempts, so no pod is ever nominated to a node.
        row.push("<none>".to_string());
        row.push(readiness_gates(pod));
    }
    row
}

fn replica_set_cells(rs: &ReplicaSet, ctx: &RowCtx) -> Vec<String> {
    let mut row = vec![
        rs.metadata.name.clone(),
        rs.replicas().to_string(),
        rs.status.replicas.to_string(),
        rs.status.ready_replicas.to_string(),
        ctx.age(&rs.metadata.creation_timestamp),
    ];
    if ctx.wide {
        let (names, images) = container_cells(&rs.spec.template.spec.containers);
        row.extend([names, images, or_none(selector_string(&rs.spec.selector))]);
    }
    row
}

fn deployment_cells(d: &Deployment, ctx: &RowCtx) -> Vec<String> {
    let mut row = vec![
        d.metadata.name.clone(),
        format!("{}/{}", d.status.ready_replicas, d.replicas()),
        d.status.updated_replicas.to_string(),
        d.status.available_replicas.to_string(),
        ctx.age(&d.metadata.creation_timestamp),
    ];
    if ctx.wide {
        let (names, images) = container_cells(&d.spec.template.spec.containers);
        row.extend([names, images, selector_string(&d.spec.selector)]);
    }
    row
}

fn service_cells(svc: &Service, ctx: &RowCtx) -> Vec<String> {
    let mut row = vec![
        svc.metadata.name.clone(),
        service_type(svc).to_string(),
        service_cluster_ips(svc)
            .first()
            .cloned()
            .unwrap_or_else(|| "<none>".to_string()),
        service_external_ip(svc, ctx.wide),
        service_ports(svc),
        ctx.age(&svc.metadata.creation_timestamp),
    ];
    if ctx.wide {
        row.push(format_labels(&svc.spec.selector));
    }
    row
}

fn node_cells(node: &Node, ctx: &RowCtx) -> Vec<String> {
    let roles = node_roles(node);
    let info = |k: &str| node.status.node_info.get(k).cloned().unwrap_or_default();
    let mut row = vec![
        node.metadata.name.clone(),
        node_status(node),
        if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        },
        ctx.age(&node.metadata.creation_timestamp),
        info("kubeletVersion"),
    ];
    if ctx.wide {
        let address = |t: &str| {
            node.status
                .addresses
                .iter()
                .find(|a| a.type_ == t)
                .map_or("<none>".to_string(), |a| a.address.clone())
        };
        let unknown = |s: String| {
            if s.is_empty() {
                "<unknown>".to_string()
            } else {
                s
            }
        };
        row.extend([
            address("InternalIP"),
            address("ExternalIP"),
            unknown(info("osImage")),
            unknown(info("kernelVersion")),
            unknown(info("containerRuntimeVersion")),
        ]);
    }
    row
}

fn namespace_cells(ns: &Namespace, ctx: &RowCtx) -> Vec<String> {
    vec![
        ns.metadata.name.clone(),
        ns.status
            .phase
            .clone()
            .unwrap_or_else(|| "Active".to_string()),
        ctx.age(&ns.metadata.creation_timestamp),
    ]
}

fn event_cells(e: &Event, ctx: &RowCtx) -> Vec<String> {
    let first = ctx.age(&e.first_timestamp);
    let last = match &e.last_timestamp {
        Some(_) => ctx.age(&e.last_timestamp),
        None => first.clone(),
    };
    let message = e.message.trim().to_string();
    if !ctx.wide {
        return vec![
            last,
            e.type_.to_string(),
            e.reason.clone(),
            event_object_ref(e),
            message,
        ];
    }
    let component = e
        .source
        .component
        .clone()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| e.reporting_component.clone())
        .into_owned();
    let instance = e
        .source
        .host
        .clone()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| e.reporting_instance.clone());
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last,
        e.type_.to_string(),
        e.reason.clone(),
        event_object_ref(e),
        e.involved_object.field_path.clone().unwrap_or_default(),
        source,
        message,
        first,
        e.count.max(1).to_string(),
        e.metadata.name.clone(),
    ]
}

fn hpa_cells(h: &HorizontalPodAutoscaler, ctx: &RowCtx) -> Vec<String> {
    let r = &h.spec.scale_target_ref;
    vec![
        h.metadata.name.clone(),
        format!("{}/{}", r.kind, r.name),
        hpa_targets(h),
        // The API server defaults minReplicas to 1, so an unset value reads as 1.
        h.spec.min_replicas.unwrap_or(1).to_string(),
        h.spec.max_replicas.to_string(),
        h.status.current_replicas.to_string(),
        ctx.age(&h.metadata.creation_timestamp),
    ]
}

fn generic_cells(g: &Generic, ctx: &RowCtx) -> Vec<String> {
    let name = g.metadata.name.clone();
    let age = ctx.age(&g.metadata.creation_timestamp);
    let len_of = |key: &str| match g.rest.get(key) {
        Some(Value::Object(m)) => m.len(),
        Some(Value::Array(a)) => a.len(),
        _ => 0,
    };
    match g.kind.as_str() {
        "ConfigMap" => vec![
            name,
            (len_of("data") + len_of("binaryData")).to_string(),
            age,
        ],
        "Secret" => {
            let type_ = g
                .rest
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("Opaque")
                .to_string();
            vec![name, type_, secret_keys(g).len().to_string(), age]
        }
        "ServiceAccount" => vec![name, len_of("secrets").to_string(), age],
        _ => vec![name, age],
    }
}

/// The keys a Secret holds once the API server has merged `stringData` into `data`.
pub(crate) fn secret_keys(g: &Generic) -> Vec<String> {
    let mut keys: Vec<String> = ["data", "stringData"]
        .iter()
        .filter_map(|k| g.rest.get(*k).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
    sort::sort(&mut keys);
    keys.dedup();
    keys
}

fn readiness_gates(pod: &Pod) -> String {
    let gates: Vec<String> = pod
        .spec
        .extra
        .get("readinessGates")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|g| g.get("conditionType").and_then(Value::as_str))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if gates.is_empty() {
        return "<none>".to_string();
    }
    let ready = gates
        .iter()
        .filter(|g| {
            pod.status
                .conditions
                .iter()
                .find(|c| &c.type_ == *g)
                .is_some_and(|c| c.status == "True")
        })
        .count();
    format!("{ready}/{}", gates.len())
}

fn container_cells(containers: &[crate::engine::kinds::Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

fn hpa_target(spec: &Value, status: Option<&Value>) -> String {
    let text = |v: &Value| scalar(v);
    match spec.get("type").and_then(Value::as_str).unwrap_or("") {
        t @ ("Resource" | "ContainerResource") => {
            let key = if t == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let src = &spec[key];
            let name = text(&src["name"]).unwrap_or_default();
            let current = status
                .map(|s| &s[key])
                .filter(|c| !c.is_null())
                .map(|c| &c["current"]);
            if let Some(avg) = text(&src["target"]["averageValue"]) {
                let cur = current
                    .and_then(|c| text(&c["averageValue"]))
                    .unwrap_or_else(|| "<unknown>".into());
                format!("{name}: {cur}/{avg}")
            } else {
                let cur = current
                    .and_then(|c| text(&c["averageUtilization"]))
                    .map_or_else(|| "<unknown>".to_string(), |u| format!("{u}%"));
                let target = text(&src["target"]["averageUtilization"])
                    .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                format!("{name}: {cur}/{target}")
            }
        }
        "Pods" => {
            let cur = status
                .and_then(|s| text(&s["pods"]["current"]["averageValue"]))
                .unwrap_or_else(|| "<unknown>".into());
            format!(
                "{cur}/{}",
                text(&spec["pods"]["target"]["averageValue"]).unwrap_or_default()
            )
        }
        t @ ("Object" | "External") => {
            let key = if t == "Object" { "object" } else { "external" };
            let current = status.map(|s| &s[key]["current"]);
            if let Some(avg) = text(&spec[key]["target"]["averageValue"]) {
                let cur = current
                    .and_then(|c| text(&c["averageValue"]))
                    .unwrap_or_else(|| "<unknown>".into());
                format!("{cur}/{avg} (avg)")
            } else {
                let cur = current
                    .and_then(|c| text(&c["value"]))
                    .unwrap_or_else(|| "<unknown>".into());
                format!(
                    "{cur}/{}",
                    text(&spec[key]["target"]["value"]).unwrap_or_default()
                )
            }
        }
        _ => "<unknown type>".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Pods

/// What `printPod` works out for one pod; STATUS, READY and RESTARTS all come from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodSummary {
    pub(crate) ready: usize,
    pub(crate) total: usize,
    pub(crate) reason: String,
    pub(crate) restarts: i64,
    pub(crate) last_restart: Option<SimTime>,
}

/// An init container as the STATUS column sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InitContainer {
    pub(crate) name: String,
    /// A sidecar (`restartPolicy: Always`): it keeps running and counts toward READY.
    pub(crate) restartable: bool,
}

/// The pod's init containers, kept verbatim in `spec.initContainers`.
pub(crate) fn init_containers(pod: &Pod) -> Vec<InitContainer> {
    pod.spec
        .extra
        .get("initContainers")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|c| InitContainer {
                    name: c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    restartable: c.get("restartPolicy").and_then(Value::as_str) == Some("Always"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The init containers' statuses. The engine's `PodStatus` does not model
/// `initContainerStatuses` yet, so there are none; [`summarize_pod`] already handles them.
fn init_container_statuses(_pod: &Pod) -> &'static [ContainerStatus] {
    &[]
}

/// `printPod`'s walk: reason from phase (or `status.reason`), then the first unfinished
/// init container, then the regular containers from last to first so the first
/// container's state wins, then deletion.
pub(crate) fn summarize_pod(pod: &Pod, init_statuses: &[ContainerStatus]) -> PodSummary {
    let inits = init_containers(pod);
    let is_sidecar = |name: &str| inits.iter().any(|c| c.name == name && c.restartable);
    let total = pod.spec.containers.len() + inits.iter().filter(|c| c.restartable).count();
    let mut ready = 0;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<SimTime> = None;
    let mut last_sidecar_restart: Option<SimTime> = None;

    let mut reason = match pod.status.reason.as_deref() {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => pod.phase().to_string(),
    };
    if pod
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    for (i, cs) in init_statuses.iter().enumerate() {
        restarts += i64::from(cs.restart_count);
        last_restart = later(last_restart, last_terminated_at(cs));
        let sidecar = is_sidecar(&cs.name);
        if sidecar {
            sidecar_restarts += i64::from(cs.restart_count);
            last_sidecar_restart = later(last_sidecar_restart, last_terminated_at(cs));
        }
        let terminated = cs.state.terminated.as_ref();
        let waiting_reason = cs
            .state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.as_deref())
            .unwrap_or("");
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = terminated {
            match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => format!("Init:ExitCode:{}", t.exit_code),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", inits.len())
        };
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for cs in pod.status.container_statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            last_restart = later(last_restart, last_terminated_at(cs));
            let waiting_reason = cs
                .state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.as_deref())
                .unwrap_or("");
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if let Some(t) = &cs.state.terminated {
                reason = match t.reason.as_deref() {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ => format!("ExitCode:{}", t.exit_code),
                };
            } else if cs.ready && cs.state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        // A finished container beside a running one: the pod is still up.
        if reason == "Completed" && has_running {
            reason = if pod.is_ready() {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    if pod.metadata.is_deleting() && pod.status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".to_string();
    } else if pod.metadata.is_deleting() && !pod.is_terminal() {
        reason = "Terminating".to_string();
    }
    PodSummary {
        ready,
        total,
        reason,
        restarts,
        last_restart,
    }
}

fn condition_true(pod: &Pod, type_: &str) -> bool {
    pod.status
        .conditions
        .iter()
        .any(|c| c.type_ == type_ && c.status == "True")
}

fn last_terminated_at(cs: &ContainerStatus) -> Option<SimTime> {
    cs.last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| t.finished_at.as_deref())
        .and_then(SimTime::parse_rfc3339)
}

fn later(a: Option<SimTime>, b: Option<SimTime>) -> Option<SimTime> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

// ---------------------------------------------------------------------------------------
// Small shared helpers

/// `HumanDuration` of `now - at`, with Go's tolerance of one second in the future.
pub(crate) fn duration_since(at: SimTime, now: SimTime) -> String {
    if at > now {
        // Go truncates toward zero, so up to 1.999 s ahead still reads as now.
        return if (at.0 - now.0) / 1000 > 1 {
            "<invalid>".to_string()
        } else {
            "0s".to_string()
        };
    }
    human_duration(now.since(at))
}

/// The time an event was last seen, for ordering: its last timestamp, else its first.
pub(crate) fn event_last_seen(e: &Event) -> Option<SimTime> {
    e.last_timestamp
        .as_deref()
        .and_then(SimTime::parse_rfc3339)
        .or_else(|| {
            e.first_timestamp
                .as_deref()
                .and_then(SimTime::parse_rfc3339)
        })
}

/// `spec.type`, defaulted as the API server does.
pub(crate) fn service_type(svc: &Service) -> &str {
    svc.spec.type_.as_deref().unwrap_or("ClusterIP")
}

/// `spec.clusterIPs`, or the single `spec.clusterIP` when only that is set.
pub(crate) fn service_cluster_ips(svc: &Service) -> Vec<String> {
    if !svc.spec.cluster_ips.is_empty() {
        return svc.spec.cluster_ips.clone();
    }
    svc.spec.cluster_ip.iter().cloned().collect()
}

/// `net.JoinHostPort`: brackets around IPv6 hosts.
pub(crate) fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A JSON scalar as Go's `%v` prints it; `None` for null, objects and arrays.
pub(crate) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".to_string()
    } else {
        s
    }
}

/// A cell as kubectl writes it: a line break cuts the value and adds `...`, and a tab
/// must not split the cell.
fn clean_cell(cell: &str) -> String {
    let cut = match cell.find(['\n', '\r', '\x0c']) {
        Some(i) => format!("{}...", &cell[..i]),
        None => cell.to_string(),
    };
    cut.replace('\t', " ")
}

struct Aligner<'a> {
    lines: &'a [Vec<&'a str>],
    config: TabConfig,
    widths: Vec<usize>,
    out: String,
}

impl Aligner<'_> {
    /// Go's `Writer.format`: finds each block of lines that share the next column, fixes
    /// its width, and recurses for the columns to its right.
    fn format(&mut self, line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut start = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 < self.lines[this].len() {
                self.write_lines(start, this);
                start = this;
                let mut width = self.config.min_width;
                while this < line1 && column + 1 < self.lines[this].len() {
                    width =
                        width.max(self.lines[this][column].chars().count() + self.config.padding);
                    this += 1;
                }
                self.widths.push(width);
                self.format(start, this);
                self.widths.pop();
                start = this;
            }
            this += 1;
        }
        self.write_lines(start, line1);
    }

    fn write_lines(&mut self, from: usize, to: usize) {
        for i in from..to {
            for (j, cell) in self.lines[i].iter().enumerate() {
                self.out.push_str(cell);
                if let Some(&w) = self.widths.get(j) {
                    let pad = w.saturating_sub(cell.chars().count());
                    self.out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i + 1 < self.lines.len() {
                self.out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn watch_columns_widen_and_remember() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let mut w = RememberedWidths::default();
        let first = w.lines(&[
            row(&["NAME", "STATUS", "AGE"]),
            row(&["web-1", "Pending", "0s"]),
        ]);
        assert_eq!(first, "NAME    STATUS    AGE\nweb-1   Pending   0s\n");
        // A longer cell widens its column from then on; a shorter one keeps the width.
        assert_eq!(
            w.lines(&[row(&["web-1", "ContainerCreating", "1s"])]),
            "web-1   ContainerCreating   1s\n"
        );
        assert_eq!(
            w.lines(&[row(&["web-1", "Running", "2s"])]),
            "web-1   Running             2s\n"
        );
    }

    use super::*;
    use crate::engine::kinds::*;
    use crate::engine::meta::{ObjectMeta, OwnerReference};
    use crate::engine::object::kind_info;

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

    fn waiting(reason: &str) -> ContainerState {
        ContainerState {
            waiting: Some(StateWaiting {
                reason: Some(reason.into()),
                message: None,
            }),
            ..Default::default()
        }
    }

    fn running(since: u64) -> ContainerState {
        ContainerState {
            running: Some(StateRunning {
                started_at: Some(t(since)),
            }),
            ..Default::default()
        }
    }

    fn terminated(code: i32, reason: Option<&str>, finished: u64) -> ContainerState {
        ContainerState {
            terminated: Some(StateTerminated {
                exit_code: code,
                reason: reason.map(String::from),
                started_at: Some(t(0)),
                finished_at: Some(t(finished)),
            }),
            ..Default::default()
        }
    }

    fn status(name: &str, state: ContainerState, ready: bool, restarts: i32) -> ContainerStatus {
        ContainerStatus {
            name: name.into(),
            state,
            ready,
            restart_count: restarts,
            image: "nginx".into(),
            ..Default::default()
        }
    }

    fn cond(type_: &'static str, status: &'static str) -> Condition {
        Condition {
            type_: type_.into(),
            status: status.into(),
            ..Default::default()
        }
    }

    /// A pod with one container per status, in phase `phase`.
    fn pod(phase: &str, statuses: Vec<ContainerStatus>) -> Pod {
        let containers = statuses
            .iter()
            .map(|s| Container {
                name: s.name.clone(),
                image: "nginx".into(),
                ..Default::default()
            })
            .collect::<Vec<_>>();
        let containers = if containers.is_empty() {
            vec![Container {
                name: "web".into(),
                image: "nginx".into(),
                ..Default::default()
            }]
        } else {
            containers
        };
        Pod {
            metadata: meta("web-7c9f8d6b5-x2k4q", 0),
            spec: PodSpec {
                containers,
                node_name: Some("node-1".into()),
                ..Default::default()
            },
            status: PodStatus {
                phase: Some(phase.into()),
                container_statuses: statuses,
                ..Default::default()
            },
        }
    }

    fn ready_pod() -> Pod {
        let mut p = pod("Running", vec![status("web", running(5), true, 0)]);
        p.status.conditions = vec![cond("Ready", "True")];
        p.status.pod_ip = Some("10.244.1.5".into());
        p
    }

    #[test]
    fn pod_status_follows_print_pod() {
        struct Case {
            name: &'static str,
            pod: Pod,
            want: &'static str,
        }
        let mut terminating = ready_pod();
        terminating.metadata.deletion_timestamp = Some(t(40));
        let mut node_lost = ready_pod();
        node_lost.metadata.deletion_timestamp = Some(t(40));
        node_lost.status.reason = Some("NodeLost".into());
        let mut evicted = pod("Failed", vec![]);
        evicted.status.reason = Some("Evicted".into());
        let mut completed_deleting = pod(
            "Succeeded",
            vec![status("job", terminated(0, Some("Completed"), 9), false, 0)],
        );
        completed_deleting.metadata.deletion_timestamp = Some(t(40));
        let mut gated = pod("Pending", vec![]);
        gated.status.conditions = vec![Condition {
            reason: Some("SchedulingGated".into()),
            ..cond("PodScheduled", "False")
        }];
        let mut sidecar_done = pod(
            "Running",
            vec![
                status("main", terminated(0, Some("Completed"), 9), false, 0),
                status("helper", running(1), true, 0),
            ],
        );
        sidecar_done.status.conditions = vec![cond("Ready", "False")];

        let cases = vec![
            Case {
                name: "no statuses yet",
                pod: pod("Pending", vec![]),
                want: "Pending",
            },
            Case {
                name: "creating",
                pod: pod(
                    "Pending",
                    vec![status("web", waiting("ContainerCreating"), false, 0)],
                ),
                want: "ContainerCreating",
            },
            Case {
                name: "pull back-off",
                pod: pod(
                    "Pending",
                    vec![status("web", waiting("ImagePullBackOff"), false, 0)],
                ),
                want: "ImagePullBackOff",
            },
            Case {
                name: "crash loop",
                pod: pod(
                    "Running",
                    vec![status("web", waiting("CrashLoopBackOff"), false, 3)],
                ),
                want: "CrashLoopBackOff",
            },
            Case {
                name: "completed",
                pod: pod(
                    "Succeeded",
                    vec![status("job", terminated(0, Some("Completed"), 9), false, 0)],
                ),
                want: "Completed",
            },
            Case {
                name: "error exit",
                pod: pod(
                    "Failed",
                    vec![status("job", terminated(1, Some("Error"), 9), false, 0)],
                ),
                want: "Error",
            },
            Case {
                name: "terminated without reason",
                pod: pod(
                    "Failed",
                    vec![status("job", terminated(137, None, 9), false, 0)],
                ),
                want: "ExitCode:137",
            },
            Case {
                name: "running",
                pod: ready_pod(),
                want: "Running",
            },
            Case {
                name: "terminating",
                pod: terminating,
                want: "Terminating",
            },
            Case {
                name: "node lost",
                pod: node_lost,
                want: "Unknown",
            },
            Case {
                name: "evicted",
                pod: evicted,
                want: "Evicted",
            },
            Case {
                name: "terminal pods do not show Terminating",
                pod: completed_deleting,
                want: "Completed",
            },
            Case {
                name: "scheduling gated",
                pod: gated,
                want: "SchedulingGated",
            },
            Case {
                name: "first container wins",
                pod: pod(
                    "Running",
                    vec![
                        status("a", waiting("CrashLoopBackOff"), false, 1),
                        status("b", waiting("ErrImagePull"), false, 0),
                    ],
                ),
                want: "CrashLoopBackOff",
            },
            Case {
                name: "completed beside a running container",
                pod: sidecar_done,
                want: "NotReady",
            },
        ];
        for c in cases {
            assert_eq!(pod_status(&c.pod), c.want, "{}", c.name);
        }
    }

    #[test]
    fn init_containers_show_progress() {
        let mut p = pod(
            "Pending",
            vec![status("web", waiting("PodInitializing"), false, 0)],
        );
        p.spec.extra.insert(
            "initContainers".into(),
            serde_json::json!([{"name": "setup", "image": "busybox"}]),
        );
        let cases: Vec<(&str, ContainerState, &str)> = vec![
            ("running init", running(1), "Init:0/1"),
            (
                "init waiting to start",
                waiting("PodInitializing"),
                "Init:0/1",
            ),
            (
                "init crash loop",
                waiting("CrashLoopBackOff"),
                "Init:CrashLoopBackOff",
            ),
            ("init failed", terminated(1, Some("Error"), 3), "Init:Error"),
            (
                "init failed without reason",
                terminated(2, None, 3),
                "Init:ExitCode:2",
            ),
            (
                "init done",
                terminated(0, Some("Completed"), 3),
                "PodInitializing",
            ),
        ];
        for (name, state, want) in cases {
            let init = [status("setup", state, false, 0)];
            assert_eq!(summarize_pod(&p, &init).reason, want, "{name}");
        }
        let mut with_sidecar = ready_pod();
        with_sidecar.spec.extra.insert(
            "initContainers".into(),
            serde_json::json!([{"name": "proxy", "restartPolicy": "Always"}]),
        );
        let sidecar = [ContainerStatus {
            started: Some(true),
            ..status("proxy", running(1), true, 0)
        }];
        let s = summarize_pod(&with_sidecar, &sidecar);
        assert_eq!((s.reason.as_str(), s.ready, s.total), ("Running", 2, 2));
    }

    #[test]
    fn ready_and_restarts_columns() {
        assert_eq!(pod_ready(&ready_pod()), "1/1");
        let two = pod(
            "Running",
            vec![
                status("a", running(1), true, 0),
                status("b", waiting("CrashLoopBackOff"), false, 2),
            ],
        );
        assert_eq!(pod_ready(&two), "1/2");
        assert_eq!(
            pod_restarts(&two, SimTime::from_secs(60)),
            "2",
            "no lastState, no age"
        );

        let mut crashed = status("web", waiting("CrashLoopBackOff"), false, 2);
        crashed.last_state = Some(terminated(1, Some("Error"), 46));
        let p = pod("Running", vec![crashed]);
        assert_eq!(pod_restarts(&p, SimTime::from_secs(60)), "2 (14s ago)");
        assert_eq!(pod_restarts(&ready_pod(), SimTime::from_secs(60)), "0");
    }

    #[test]
    fn ages_follow_human_duration() {
        let now = SimTime::from_secs(1000);
        assert_eq!(age(Some(&t(958)), now), "42s");
        assert_eq!(age(Some(&t(1000 - 190)), now), "3m10s");
        assert_eq!(
            age(Some(&t(1001)), now),
            "0s",
            "one second ahead is tolerated"
        );
        assert_eq!(age(Some(&t(1005)), now), "<invalid>");
        assert_eq!(age(None, now), "<unknown>");
        assert_eq!(age(Some("yesterday"), now), "<unknown>");
    }

    #[test]
    fn tab_alignment_matches_go_tabwriter() {
        let text = "NAME\tREADY\tSTATUS\nweb-1\t1/1\tRunning\nlonger-name\t0/1\tPending\n";
        assert_eq!(
            align_tabs(text, TabConfig::GET),
            "NAME          READY   STATUS\nweb-1         1/1     Running\nlonger-name   0/1     Pending\n"
        );
        // Narrow columns still get the minimum width; the last cell is never padded.
        assert_eq!(
            align_tabs("a\tb\tc\nd\te\tf\n", TabConfig::GET),
            "a     b     c\nd     e     f\n"
        );
        // A line without tabs ends every column block: the next block aligns on its own.
        let describe = "Name:\tweb\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/web\n";
        assert_eq!(
            align_tabs(describe, TabConfig::DESCRIBE),
            "Name:       web\nNamespace:  default\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/web\n"
        );
        // Nested blocks: a second column spans only the lines that have it.
        let nested = "a\tb\tc\nlong\tx\nq\tr\ts\n";
        assert_eq!(
            align_tabs(nested, TabConfig::DESCRIBE),
            "a     b  c\nlong  x\nq     r  s\n"
        );
        assert_eq!(align_tabs("", TabConfig::GET), "");
    }

    fn store_with(objs: &[Object]) -> Store {
        let mut s = Store::default();
        for o in objs {
            s.put_object(o.clone());
        }
        s
    }

    fn get(kind: &str, objs: Vec<Object>, now: u64, opts: &TableOptions) -> String {
        let store = store_with(&objs);
        table(
            kind_info(kind).unwrap(),
            &objs,
            &store,
            SimTime::from_secs(now),
            opts,
        )
    }

    #[test]
    fn pods_table() {
        let mut other = pod(
            "Pending",
            vec![status("web", waiting("ContainerCreating"), false, 0)],
        );
        other.metadata = meta("web-7c9f8d6b5-abcde", 50);
        other.metadata.labels.insert("app".into(), "web".into());
        let objs = vec![Object::Pod(ready_pod()), Object::Pod(other)];
        assert_eq!(
            get("Pod", objs.clone(), 62, &TableOptions::default()),
            "NAME                  READY   STATUS              RESTARTS   AGE\n\
             web-7c9f8d6b5-x2k4q   1/1     Running             0          62s\n\
             web-7c9f8d6b5-abcde   0/1     ContainerCreating   0          12s\n"
        );
        let wide = TableOptions {
            wide: true,
            ..Default::default()
        };
        assert_eq!(
            get("Pod", objs.clone(), 62, &wide),
            "NAME                  READY   STATUS              RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n\
             web-7c9f8d6b5-x2k4q   1/1     Running             0          62s   10.244.1.5   node-1   <none>           <none>\n\
             web-7c9f8d6b5-abcde   0/1     ContainerCreating   0          12s   <none>       node-1   <none>           <none>\n"
        );
        let labelled = TableOptions {
            all_namespaces: true,
            show_labels: true,
            no_headers: true,
            ..Default::default()
        };
        assert_eq!(
            get("Pod", objs.clone(), 62, &labelled),
            "default   web-7c9f8d6b5-x2k4q   1/1   Running             0     62s   <none>\n\
             default   web-7c9f8d6b5-abcde   0/1   ContainerCreating   0     12s   app=web\n"
        );
        let columns = TableOptions {
            label_columns: vec!["app".into(), "example.com/tier".into()],
            ..Default::default()
        };
        assert_eq!(
            get("Pod", objs.clone(), 62, &columns)
                .lines()
                .next()
                .unwrap(),
            "NAME                  READY   STATUS              RESTARTS   AGE   APP   TIER"
        );
        let store = store_with(&objs);
        let all = table_with_kind(
            kind_info("Pod").unwrap(),
            &objs[..1],
            &store,
            SimTime::from_secs(62),
            &TableOptions::default(),
        );
        assert_eq!(all, "NAME                      READY   STATUS    RESTARTS   AGE\npod/web-7c9f8d6b5-x2k4q   1/1     Running   0          62s\n");
        assert_eq!(get("Pod", vec![], 62, &TableOptions::default()), "");
    }

    #[test]
    fn workload_tables() {
        let template = PodTemplateSpec {
            spec: PodSpec {
                containers: vec![Container {
                    name: "web".into(),
                    image: "nginx:1.27".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        };
        let mut selector = LabelSelector::default();
        selector.match_labels.insert("app".into(), "web".into());
        let d = Deployment {
            metadata: meta("web", 0),
            spec: DeploymentSpec {
                replicas: Some(3),
                selector: selector.clone(),
                template: template.clone(),
                ..Default::default()
            },
            status: DeploymentStatus {
                replicas: 3,
                updated_replicas: 3,
                ready_replicas: 2,
                available_replicas: 2,
                ..Default::default()
            },
        };
        let wide = TableOptions {
            wide: true,
            ..Default::default()
        };
        assert_eq!(
            get("Deployment", vec![Object::Deployment(d)], 300, &wide),
            "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n\
             web    2/3     3            2           5m    web          nginx:1.27   app=web\n"
        );
        let mut rs_selector = selector.clone();
        rs_selector
            .match_labels
            .insert("pod-template-hash".into(), "7c9f8d6b5".into());
        let rs = ReplicaSet {
            metadata: ObjectMeta {
                owner_references: vec![OwnerReference {
                    api_version: "apps/v1".into(),
                    kind: "Deployment".into(),
                    name: "web".into(),
                    uid: "uid-web".into(),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                }],
                ..meta("web-7c9f8d6b5", 0)
            },
            spec: ReplicaSetSpec {
                replicas: Some(3),
                selector: rs_selector,
                template,
                ..Default::default()
            },
            status: ReplicaSetStatus {
                replicas: 3,
                ready_replicas: 3,
                available_replicas: 3,
                ..Default::default()
            },
        };
        assert_eq!(
            get("ReplicaSet", vec![Object::ReplicaSet(rs)], 7300, &TableOptions::default()),
            "NAME            DESIRED   CURRENT   READY   AGE\nweb-7c9f8d6b5   3         3         3       121m\n"
        );
    }

    fn service(name: &str, type_: &str, ports: Vec<ServicePort>) -> Service {
        Service {
            metadata: meta(name, 0),
            spec: ServiceSpec {
                type_: Some(type_.into()),
                cluster_ip: Some("10.96.0.1".into()),
                cluster_ips: vec!["10.96.0.1".into()],
                ports,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn services_and_endpoints() {
        let port = |port, node_port| ServicePort {
            port,
            node_port,
            protocol: Some("TCP".into()),
            ..Default::default()
        };
        let mut web = service(
            "web",
            "NodePort",
            vec![port(80, Some(31234)), port(443, Some(31443))],
        );
        web.spec.selector.insert("app".into(), "web".into());
        let lb = service("front", "LoadBalancer", vec![port(80, Some(30080))]);
        let objs = vec![
            Object::Service(service("kubernetes", "ClusterIP", vec![port(443, None)])),
            Object::Service(web),
            Object::Service(lb),
        ];
        assert_eq!(
            get("Service", objs, 60, &TableOptions { wide: true, ..Default::default() }),
            "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)                      AGE   SELECTOR\n\
             kubernetes   ClusterIP      10.96.0.1    <none>        443/TCP                      60s   <none>\n\
             web          NodePort       10.96.0.1    <none>        80:31234/TCP,443:31443/TCP   60s   app=web\n\
             front        LoadBalancer   10.96.0.1    <pending>     80:30080/TCP                 60s   <none>\n"
        );

        let addr = |ip: &str| EndpointAddress {
            ip: ip.into(),
            ..Default::default()
        };
        let ep = Endpoints {
            metadata: meta("web", 0),
            subsets: vec![EndpointSubset {
                addresses: (1..=5).map(|i| addr(&format!("10.244.1.{i}"))).collect(),
                ports: vec![EndpointPort {
                    port: 80,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        assert_eq!(
            endpoints_summary(&ep),
            "10.244.1.1:80,10.244.1.2:80,10.244.1.3:80 + 2 more..."
        );
        let empty = Endpoints {
            metadata: meta("db", 0),
            subsets: vec![],
        };
        assert_eq!(
            get(
                "Endpoints",
                vec![Object::Endpoints(ep), Object::Endpoints(empty)],
                5,
                &TableOptions::default()
            ),
            "NAME   ENDPOINTS                                               AGE\n\
             web    10.244.1.1:80,10.244.1.2:80,10.244.1.3:80 + 2 more...   5s\n\
             db     <none>                                                  5s\n"
        );
    }

    fn node(name: &str, ready: &'static str, cordoned: bool) -> Node {
        let mut n = Node {
            metadata: meta(name, 0),
            ..Default::default()
        };
        n.metadata.namespace.clear();
        n.spec.unschedulable = cordoned;
        n.status.conditions = vec![cond("Ready", ready)];
        n.status
            .node_info
            .insert("kubeletVersion".into(), "v1.32.0".into());
        n.status.addresses = vec![NodeAddress {
            type_: "InternalIP".into(),
            address: "192.168.0.11".into(),
        }];
        n
    }

    #[test]
    fn nodes_and_namespaces() {
        let mut cp = node("control-plane", "True", false);
        cp.metadata
            .labels
            .insert("node-role.kubernetes.io/control-plane".into(), "".into());
        let objs = vec![
            Object::Node(cp),
            Object::Node(node("node-1", "True", true)),
            Object::Node(node("node-2", "Unknown", false)),
        ];
        assert_eq!(
            get(
                "Node",
                objs.clone(),
                3600 * 5,
                &TableOptions {
                    all_namespaces: true,
                    ..Default::default()
                }
            ),
            "NAME            STATUS                     ROLES           AGE   VERSION\n\
             control-plane   Ready                      control-plane   5h    v1.32.0\n\
             node-1          Ready,SchedulingDisabled   <none>          5h    v1.32.0\n\
             node-2          NotReady                   <none>          5h    v1.32.0\n",
            "nodes are cluster-scoped: -A adds no NAMESPACE column"
        );
        let wide = get(
            "Node",
            objs[1..2].to_vec(),
            60,
            &TableOptions {
                wide: true,
                ..Default::default()
            },
        );
        assert_eq!(
            wide.lines().nth(1).unwrap(),
            "node-1   Ready,SchedulingDisabled   <none>   60s   v1.32.0   192.168.0.11   <none>        <unknown>   <unknown>        <unknown>"
        );
        let ns = Namespace {
            metadata: meta("default", 0),
            status: NamespaceStatus {
                phase: Some("Active".into()),
            },
            ..Default::default()
        };
        assert_eq!(
            get(
                "Namespace",
                vec![Object::Namespace(ns)],
                90,
                &TableOptions::default()
            ),
            "NAME      STATUS   AGE\ndefault   Active   90s\n"
        );
    }

    fn event(
        name: &str,
        kind: &str,
        obj: &str,
        reason: &str,
        first: u64,
        last: u64,
        count: i32,
    ) -> Event {
        Event {
            metadata: meta(name, first),
            involved_object: ObjectReference {
                kind: kind.to_string().into(),
                name: obj.into(),
                namespace: "default".into(),
                ..Default::default()
            },
            reason: reason.into(),
            message: format!("{reason} happened "),
            type_: "Normal".into(),
            source: EventSource {
                component: Some("kubelet".into()),
                host: Some("node-1".into()),
            },
            first_timestamp: Some(t(first)),
            last_timestamp: Some(t(last)),
            count,
            ..Default::default()
        }
    }

    #[test]
    fn events_sorted_by_last_seen() {
        let objs = vec![
            Object::Event(event("a.1", "Pod", "web-abc", "Pulled", 10, 50, 3)),
            Object::Event(event(
                "b.1",
                "ReplicaSet",
                "web-7c9f",
                "SuccessfulCreate",
                5,
                5,
                1,
            )),
            Object::Event(event("c.1", "Pod", "web-abc", "Started", 20, 20, 1)),
        ];
        assert_eq!(
            get("Event", objs.clone(), 60, &TableOptions::default()),
            "LAST SEEN   TYPE     REASON             OBJECT                MESSAGE\n\
             55s         Normal   SuccessfulCreate   replicaset/web-7c9f   SuccessfulCreate happened\n\
             40s         Normal   Started            pod/web-abc           Started happened\n\
             10s         Normal   Pulled             pod/web-abc           Pulled happened\n"
        );
        let wide = get(
            "Event",
            objs[..1].to_vec(),
            60,
            &TableOptions {
                wide: true,
                ..Default::default()
            },
        );
        assert_eq!(
            wide,
            "LAST SEEN   TYPE     REASON   OBJECT        SUBOBJECT   SOURCE            MESSAGE           FIRST SEEN   COUNT   NAME\n\
             10s         Normal   Pulled   pod/web-abc               kubelet, node-1   Pulled happened   50s          3       a.1\n"
        );
    }

    #[test]
    fn hpa_targets_and_table() {
        let mut hpa = HorizontalPodAutoscaler {
            metadata: meta("web", 0),
            ..Default::default()
        };
        hpa.spec.scale_target_ref = CrossVersionObjectReference {
            kind: "Deployment".into(),
            name: "web".into(),
            api_version: None,
        };
        hpa.spec.min_replicas = Some(2);
        hpa.spec.max_replicas = 10;
        assert_eq!(
            hpa_targets(&hpa),
            "cpu: <unknown>/80%",
            "the API server's default metric"
        );
        hpa.spec.metrics = vec![
            serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}),
        ];
        hpa.status.current_metrics = vec![
            serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45, "averageValue": "225m"}}}),
        ];
        hpa.status.current_replicas = 3;
        assert_eq!(hpa_targets(&hpa), "cpu: 45%/80%");
        assert_eq!(
            get(
                "HorizontalPodAutoscaler",
                vec![Object::HorizontalPodAutoscaler(hpa.clone())],
                30,
                &TableOptions::default()
            ),
            "NAME   REFERENCE        TARGETS        MINPODS   MAXPODS   REPLICAS   AGE\n\
             web    Deployment/web   cpu: 45%/80%   2         10        3          30s\n"
        );
        let memory = serde_json::json!({"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}});
        hpa.spec.metrics.extend([memory.clone(), memory]);
        assert_eq!(
            hpa_targets(&hpa),
            "cpu: 45%/80%, memory: <unknown>/100Mi + 1 more..."
        );
    }

    #[test]
    fn generic_kinds() {
        let cm = Generic {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            metadata: meta("settings", 0),
            rest: [("data".to_string(), serde_json::json!({"a": "1", "b": "2"}))]
                .into_iter()
                .collect(),
        };
        assert_eq!(
            get(
                "ConfigMap",
                vec![Object::Other(cm)],
                10,
                &TableOptions::default()
            ),
            "NAME       DATA   AGE\nsettings   2      10s\n"
        );
        let secret = Generic {
            api_version: "v1".into(),
            kind: "Secret".into(),
            metadata: meta("creds", 0),
            rest: [(
                "stringData".to_string(),
                serde_json::json!({"password": "x"}),
            )]
            .into_iter()
            .collect(),
        };
        assert_eq!(
            get(
                "Secret",
                vec![Object::Other(secret)],
                10,
                &TableOptions::default()
            ),
            "NAME    TYPE     DATA   AGE\ncreds   Opaque   1      10s\n"
        );
        let ingress = Generic {
            api_version: "networking.k8s.io/v1".into(),
            kind: "Ingress".into(),
            metadata: meta("site", 0),
            rest: Default::default(),
        };
        assert_eq!(
            get(
                "Ingress",
                vec![Object::Other(ingress)],
                10,
                &TableOptions::default()
            ),
            "NAME   AGE\nsite   10s\n"
        );
        assert_eq!(
            no_resources(Some("default")),
            "No resources found in default namespace.\n"
        );
        assert_eq!(no_resources(None), "No resources found\n");
    }

    #[test]
    fn selectors_print_sorted() {
        let sel = LabelSelector {
            match_labels: [("tier".to_string(), "web".to_string())]
                .into_iter()
                .collect(),
            match_expressions: vec![crate::engine::meta::LabelSelectorRequirement {
                key: "app".into(),
                operator: "In".into(),
                values: vec!["web".into(), "api".into()],
            }],
        };
        assert_eq!(selector_string(&sel), "app in (api,web),tier=web");
        assert_eq!(selector_string(&LabelSelector::default()), "");
    }
}
