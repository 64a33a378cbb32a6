//! The Graph tab's view model: the cluster as columns of boxes joined by edges.
//!
//! Columns, left to right: Deployments, ReplicaSets, Pods, then Services above Nodes, so
//! every edge leaves a pod's side and no line crosses a box. Ownership edges (Deployment
//! -> ReplicaSet -> Pod) come from the engine's petgraph owner graph ([`owner_graph`]),
//! the one the garbage collector walks; Service -> Pod edges from the Service's selector
//! (every selected pod, the ready endpoints drawn solid, the others dashed); Pod -> Node
//! edges from `spec.nodeName`.
//!
//! The layout is a pure function of the store and is append-only: within a column,
//! objects are ordered by creation time (then namespace, owner and name), so a new object
//! goes below the ones that were there and never moves them, and the same cluster always
//! draws the same picture. (A new Service moves the Nodes under it down one row.) Colours are the cluster panel's: [`pod_chip`]'s owner hue and
//! revision shade for pods, the same hue for their ReplicaSet and Deployment.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::cluster::Cluster;
use crate::engine::controllers::deployment::util::revision;
use crate::engine::controllers::gc::owner_graph;
use crate::engine::explain::ObjRef;
use crate::engine::kinds::Endpoints;
use crate::engine::kubectl::print::{node_status, service_ports};
use crate::engine::meta::{map_selects, ObjectMeta};
use crate::engine::store::Store;

use super::view::{owner_hue, pod_chip, shade};

/// Width of a box, in SVG units (pixels at 100%).
pub const BOX_W: i32 = 158;
/// Height of a box.
pub const BOX_H: i32 = 36;
/// Space between columns: wider before the last, where pods' edges fan out both to
/// their Services and to their Nodes.
const GAPS: [i32; 3] = [48, 48, 96];
/// Vertical distance between the tops of two boxes in a column.
pub const ROW_PITCH: i32 = 44;
/// Space above the first row, for the column titles.
pub const TOP: i32 = 30;
/// Margin around the drawing.
pub const PAD: i32 = 12;
/// Names longer than this are cut with an ellipsis (the full name is in the label).
const MAX_LABEL: usize = 22;

/// The kinds drawn, in their column order: Services and Nodes share the last column.
pub const KINDS: [&str; 5] = ["Deployment", "ReplicaSet", "Pod", "Service", "Node"];
/// How many columns.
const COLUMNS: usize = 4;

/// The column of a kind in [`KINDS`].
fn column_of(kind: &str) -> usize {
    KINDS
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0)
        .min(COLUMNS - 1)
}

/// One object drawn as a box.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    /// uid, the key of the box and the ends of edges.
    pub uid: String,
    /// Kind (`Pod`), as `Ui::inspect` takes it.
    pub kind: &'static str,
    /// Namespace (empty for nodes).
    pub namespace: String,
    /// Full name.
    pub name: String,
    /// The name as drawn (cut to fit).
    pub label: String,
    /// A short status line (`Running`, `rev 2 · 3/3 ready`, `NotReady`).
    pub status: String,
    /// CSS class of the status (`st-running`, `st-terminating`, `bad`...), may be empty.
    pub class: &'static str,
    /// Owner hue (0..360), as the cluster panel colours it; `None` for neutral boxes.
    pub hue: Option<u16>,
    /// Revision shade (0..3), as the pod chips' stripes.
    pub shade: u8,
    /// Column, from 0 (Deployments) to 3 (Services and Nodes).
    pub column: usize,
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
}

impl GraphNode {
    /// What a screen reader says: `Pod web-7c9f-abcde: Running, on node-2`.
    pub fn aria_label(&self) -> String {
        let ns = if self.namespace.is_empty() || self.namespace == "default" {
            String::new()
        } else {
            format!(" in namespace {}", self.namespace)
        };
        format!("{} {}{ns}: {}", self.kind, self.name, self.status)
    }

    /// A key that changes whenever anything drawn changes, for the keyed list.
    pub fn render_key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{:?}|{}|{}",
            self.uid, self.status, self.class, self.label, self.hue, self.shade, self.y
        )
    }
}

/// What an edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// An ownerReference: the owner creates and deletes the dependent.
    Owns,
    /// A Service selects the pod; `ready` when the pod is one of its ready endpoints.
    Selects {
        /// Whether the pod receives the Service's traffic.
        ready: bool,
    },
    /// The pod is bound to the node.
    RunsOn,
}

impl EdgeKind {
    /// The CSS class of the line.
    pub fn css(self) -> &'static str {
        match self {
            EdgeKind::Owns => "edge owns",
            EdgeKind::Selects { ready: true } => "edge selects",
            EdgeKind::Selects { ready: false } => "edge selects not-ready",
            EdgeKind::RunsOn => "edge runs-on",
        }
    }
}

/// A line from one box to another.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphEdge {
    /// uid of the box it starts at (left).
    pub from: String,
    /// uid of the box it ends at (right).
    pub to: String,
    /// What it means.
    pub kind: EdgeKind,
    /// The SVG path: a curve from the side of `from` that faces `to`.
    pub path: String,
}

impl GraphEdge {
    /// The key of the edge in the keyed list (the path moves with its ends).
    pub fn render_key(&self) -> String {
        format!("{}>{}|{:?}|{}", self.from, self.to, self.kind, self.path)
    }
}

/// Everything the Graph tab draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphView {
    /// Boxes, column by column, top to bottom.
    pub nodes: Vec<GraphNode>,
    /// Edges, sorted by (from, to, kind).
    pub edges: Vec<GraphEdge>,
    /// Titles (`Pods (3)`) with the x and y of their baseline.
    pub titles: Vec<(String, i32, i32)>,
    /// Size of the drawing.
    pub width: i32,
    /// Size of the drawing.
    pub height: i32,
}

impl GraphView {
    /// The box of `kind` `namespace`/`name`.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&GraphNode> {
        self.nodes
            .iter()
            .find(|n| n.kind == kind && n.namespace == namespace && n.name == name)
    }
}

/// A box before it has a place: its column and the key that orders it there.
struct Placed {
    node: GraphNode,
    order: (String, String, String, String),
}

/// Where objects are created in one step, the same second: the owner, then the name.
fn order_key(meta: &ObjectMeta, group: &str) -> (String, String, String, String) {
    (
        meta.creation_timestamp.clone().unwrap_or_default(),
        meta.namespace.clone(),
        group.to_string(),
        meta.name.clone(),
    )
}

fn cut(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL {
        name.to_string()
    } else {
        let head: String = name.chars().take(MAX_LABEL - 1).collect();
        format!("{head}…")
    }
}

fn node_of(
    kind: &'static str,
    meta: &ObjectMeta,
    status: String,
    class: &'static str,
    hue: Option<u16>,
    shade: u8,
) -> GraphNode {
    GraphNode {
        uid: meta.uid.clone(),
        kind,
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        label: cut(&meta.name),
        status,
        class,
        hue,
        shade,
        column: column_of(kind),
        x: 0,
        y: 0,
    }
}

/// The Services the page draws: all but the API server's own `default/kubernetes`.
fn drawn_service(meta: &ObjectMeta) -> bool {
    !(meta.namespace == "default" && meta.name == "kubernetes")
}

fn deployment_nodes(store: &Store, out: &mut Vec<Placed>) {
    for d in store.deployments.values() {
        let m = &d.metadata;
        let (status, class) = if m.is_deleting() {
            ("Terminating".to_string(), "st-terminating")
        } else {
            let want = d.spec.replicas.unwrap_or(1);
            let ready = d.status.ready_replicas;
            let class = if ready == want { "" } else { "busy" };
            (format!("{ready}/{want} ready"), class)
        };
        out.push(Placed {
            order: order_key(m, ""),
            node: node_of("Deployment", m, status, class, Some(owner_hue(&m.name)), 0),
        });
    }
}

fn replicaset_nodes(store: &Store, out: &mut Vec<Placed>) {
    for rs in store.replicasets.values() {
        let m = &rs.metadata;
        let deployment = m
            .owner_references
            .iter()
            .find(|o| o.kind == "Deployment")
            .map(|o| o.name.as_str());
        let rev = if deployment.is_some() {
            revision(rs)
        } else {
            0
        };
        let want = rs.spec.replicas.unwrap_or(1);
        let counts = if want == 0 && rs.status.replicas == 0 {
            "scaled to 0".to_string()
        } else {
            format!("{}/{want} ready", rs.status.ready_replicas)
        };
        let (status, class) = if m.is_deleting() {
            ("Terminating".to_string(), "st-terminating")
        } else if rev > 0 {
            (
                format!("rev {rev} · {counts}"),
                if want == 0 { "idle" } else { "" },
            )
        } else {
            (counts, if want == 0 { "idle" } else { "" })
        };
        out.push(Placed {
            order: order_key(m, deployment.unwrap_or("")),
            node: node_of(
                "ReplicaSet",
                m,
                status,
                class,
                Some(owner_hue(deployment.unwrap_or(&m.name))),
                shade(rev),
            ),
        });
    }
}

fn pod_nodes(store: &Store, out: &mut Vec<Placed>) {
    for pod in store.pods.values() {
        let chip = pod_chip(store, pod);
        let status = if chip.restarts > 0 {
            format!("{} · ↻{}", chip.status, chip.restarts)
        } else {
            chip.status.clone()
        };
        let hue = chip.owner.is_some().then_some(chip.hue);
        out.push(Placed {
            order: order_key(&pod.metadata, chip.owner.as_deref().unwrap_or("")),
            node: node_of(
                "Pod",
                &pod.metadata,
                status,
                chip.class.css(),
                hue,
                chip.shade,
            ),
        });
    }
}

fn service_nodes(store: &Store, out: &mut Vec<Placed>) {
    for svc in store.services.values() {
        let m = &svc.metadata;
        if !drawn_service(m) {
            continue;
        }
        let ip = svc.spec.cluster_ip.as_deref().unwrap_or("");
        let status = format!("{ip} {}", service_ports(svc)).trim().to_string();
        out.push(Placed {
            order: order_key(m, ""),
            node: node_of("Service", m, status, "", None, 0),
        });
    }
}

fn node_nodes(store: &Store, out: &mut Vec<Placed>) {
    for node in store.nodes.values() {
        let status = node_status(node);
        let ready = status.split(',').next() == Some("Ready");
        let cordoned = node.spec.unschedulable;
        let class = match (ready, cordoned) {
            (false, _) => "bad",
            (true, true) => "cordoned",
            (true, false) => "",
        };
        let words = status.replace(",SchedulingDisabled", ", cordoned");
        out.push(Placed {
            order: order_key(&node.metadata, ""),
            node: node_of("Node", &node.metadata, words, class, None, 0),
        });
    }
}

/// Left edge of a column.
fn column_x(column: usize) -> i32 {
    PAD + column as i32 * BOX_W + GAPS.iter().take(column).sum::<i32>()
}

/// Where an edge meets a box: a pod's Service edges arrive at its upper third and its
/// Node edge leaves from the lower third, so the two fans do not overlap.
fn anchor_y(n: &GraphNode, kind: EdgeKind) -> i32 {
    match (n.kind, kind) {
        ("Pod", EdgeKind::Selects { .. }) => n.y + BOX_H / 3,
        ("Pod", EdgeKind::RunsOn) => n.y + 2 * BOX_H / 3,
        _ => n.y + BOX_H / 2,
    }
}

/// A curve from the side of `a` that faces `b` to the facing side of `b`.
fn curve(a: &GraphNode, b: &GraphNode, kind: EdgeKind) -> String {
    let right = b.column > a.column;
    let (x1, x2) = if right {
        (a.x + BOX_W, b.x)
    } else {
        (a.x, b.x + BOX_W)
    };
    let (y1, y2) = (anchor_y(a, kind), anchor_y(b, kind));
    let dir = if right { 1 } else { -1 };
    let bend = ((x2 - x1).abs() / 2).max(24);
    format!(
        "M{x1} {y1} C{} {y1} {} {y2} {x2} {y2}",
        x1 + dir * bend,
        x2 - dir * bend
    )
}

/// Lays out the cluster as a graph. Pure: the same store gives the same picture.
pub fn graph_view(cluster: &Cluster) -> GraphView {
    let store = &cluster.store;
    let mut placed = Vec::new();
    service_nodes(store, &mut placed);
    deployment_nodes(store, &mut placed);
    replicaset_nodes(store, &mut placed);
    pod_nodes(store, &mut placed);
    node_nodes(store, &mut placed);
    let rank = |n: &GraphNode| KINDS.iter().position(|k| *k == n.kind);
    crate::engine::sort::sort_by(&mut placed, |a, b| {
        (rank(&a.node), &a.order).cmp(&(rank(&b.node), &b.order))
    });

    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for p in &placed {
        *counts.entry(p.node.kind).or_default() += 1;
    }
    let services = counts.get("Service").copied().unwrap_or(0);
    let mut rows = [0usize; COLUMNS];
    let mut titles: Vec<(String, i32, i32)> = Vec::new();
    let mut nodes = Vec::with_capacity(placed.len());
    for Placed { mut node, .. } in placed {
        let column = node.column;
        if node.kind == "Node" && rows[column] == services && services > 0 {
            // A row of space for the Nodes' title under the Services.
            rows[column] += 1;
        }
        let row = rows[column];
        rows[column] += 1;
        node.x = column_x(column);
        node.y = TOP + row as i32 * ROW_PITCH;
        if !titles.iter().any(|(t, _, _)| t.starts_with(node.kind)) {
            let n = counts.get(node.kind).copied().unwrap_or(0);
            titles.push((format!("{}s ({n})", node.kind), node.x, node.y - 10));
        }
        nodes.push(node);
    }
    let index: BTreeMap<(&str, &str, &str), usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| ((n.kind, n.namespace.as_str(), n.name.as_str()), i))
        .collect();
    let find = |kind: &str, ns: &str, name: &str| index.get(&(kind, ns, name)).copied();

    // (from, to, kind) as indexes into `nodes`; a set, so an edge is drawn once.
    let mut links: BTreeSet<(usize, usize, EdgeKind)> = BTreeSet::new();
    let owners = owner_graph(store);
    for e in owners.graph.edge_indices() {
        let Some((a, b)) = owners.graph.edge_endpoints(e) else {
            continue;
        };
        let (
            ObjRef {
                kind,
                namespace,
                name,
            },
            dep,
        ) = (&owners.graph[a], &owners.graph[b]);
        if let (Some(from), Some(to)) = (
            find(kind, namespace, name),
            find(&dep.kind, &dep.namespace, &dep.name),
        ) {
            links.insert((from, to, EdgeKind::Owns));
        }
    }
    for svc in store.services.values() {
        let m = &svc.metadata;
        let Some(from) = find("Service", &m.namespace, &m.name) else {
            continue;
        };
        let ready: BTreeSet<&str> = store
            .get::<Endpoints>(&m.namespace, &m.name)
            .into_iter()
            .flat_map(|e| &e.subsets)
            .flat_map(|s| &s.addresses)
            .filter_map(|a| a.target_ref.as_ref().map(|r| r.name.as_str()))
            .collect();
        for pod in store.list_in::<crate::engine::kinds::Pod>(&m.namespace) {
            if map_selects(&svc.spec.selector, &pod.metadata.labels) {
                if let Some(to) = find("Pod", &m.namespace, &pod.metadata.name) {
                    let ready = ready.contains(pod.metadata.name.as_str());
                    links.insert((from, to, EdgeKind::Selects { ready }));
                }
            }
        }
    }
    for pod in store.pods.values() {
        let Some(node) = pod.spec.node_name.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let m = &pod.metadata;
        if let (Some(from), Some(to)) = (find("Pod", &m.namespace, &m.name), find("Node", "", node))
        {
            links.insert((from, to, EdgeKind::RunsOn));
        }
    }
    let mut edges: Vec<GraphEdge> = links
        .into_iter()
        .map(|(a, b, kind)| GraphEdge {
            from: nodes[a].uid.clone(),
            to: nodes[b].uid.clone(),
            kind,
            path: curve(&nodes[a], &nodes[b], kind),
        })
        .collect();
    crate::engine::sort::sort_by(&mut edges, |a, b| {
        (&a.from, &a.to, a.kind).cmp(&(&b.from, &b.to, b.kind))
    });

    let tallest = rows.iter().copied().max().unwrap_or(0).max(1) as i32;
    GraphView {
        titles,
        width: column_x(COLUMNS - 1) + BOX_W + PAD,
        height: TOP + tallest * ROW_PITCH + PAD,
        nodes,
        edges,
    }
}

/// A direction of the arrow keys in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// The box above, in the same column.
    Up,
    /// The box below, in the same column.
    Down,
    /// The nearest box (by height) in the next column to the left.
    Left,
    /// The nearest box (by height) in the next column to the right.
    Right,
}

/// Where an arrow key moves the focus from the box `from` (a uid): the graph is read
/// like a table, so keyboard users do not have to Tab through hundreds of pods.
pub fn neighbour<'a>(nodes: &'a [GraphNode], from: &str, arrow: Arrow) -> Option<&'a GraphNode> {
    let at = nodes.iter().find(|n| n.uid == from)?;
    let near = |n: &&GraphNode| (n.y - at.y).abs();
    match arrow {
        Arrow::Up => nodes
            .iter()
            .filter(|n| n.column == at.column && n.y < at.y)
            .max_by_key(|n| n.y),
        Arrow::Down => nodes
            .iter()
            .filter(|n| n.column == at.column && n.y > at.y)
            .min_by_key(|n| n.y),
        Arrow::Left => {
            let col = nodes
                .iter()
                .filter(|n| n.column < at.column)
                .map(|n| n.column)
                .max()?;
            nodes.iter().filter(|n| n.column == col).min_by_key(near)
        }
        Arrow::Right => {
            let col = nodes
                .iter()
                .filter(|n| n.column > at.column)
                .map(|n| n.column)
                .min()?;
            nodes.iter().filter(|n| n.column == col).min_by_key(near)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::state::{perform, run_line, Action, SessionLog};

    fn settled() -> Cluster {
        let mut c = SessionLog::starter(0).replay();
        assert!(run_line(&mut c, "settle").ok);
        c
    }

    fn names(g: &GraphView, kind: &str) -> Vec<String> {
        g.nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.name.clone())
            .collect()
    }

    fn edges_of(g: &GraphView, kind: EdgeKind) -> Vec<(String, String)> {
        let name = |uid: &str| {
            let n = g.nodes.iter().find(|n| n.uid == uid).unwrap();
            format!("{}/{}", n.kind.to_ascii_lowercase(), n.name)
        };
        let mut v: Vec<_> = g
            .edges
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| (name(&e.from), name(&e.to)))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_deployment_and_its_service_draw_as_owner_selector_and_node_edges() {
        let c = settled();
        let g = graph_view(&c);
        assert_eq!(names(&g, "Service"), ["web"]);
        assert_eq!(names(&g, "Deployment"), ["web"]);
        let rs = names(&g, "ReplicaSet");
        assert_eq!(rs.len(), 1);
        let pods = names(&g, "Pod");
        assert_eq!(pods.len(), 3);
        assert_eq!(names(&g, "Node").len(), 3);
        let titles: Vec<&str> = g.titles.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Deployments (1)",
                "ReplicaSets (1)",
                "Pods (3)",
                "Services (1)",
                "Nodes (3)"
            ]
        );
        let svc = g.find("Service", "default", "web").unwrap();
        let node1 = g.find("Node", "", "node-1").unwrap();
        assert_eq!((svc.column, node1.column), (3, 3));
        assert_eq!(node1.y, svc.y + 2 * ROW_PITCH, "a title row between them");

        let owns = edges_of(&g, EdgeKind::Owns);
        let mut want = vec![(
            "deployment/web".to_string(),
            format!("replicaset/{}", rs[0]),
        )];
        want.extend(
            pods.iter()
                .map(|p| (format!("replicaset/{}", rs[0]), format!("pod/{p}"))),
        );
        want.sort();
        assert_eq!(owns, want);

        let selects = edges_of(&g, EdgeKind::Selects { ready: true });
        let mut want: Vec<_> = pods
            .iter()
            .map(|p| ("service/web".to_string(), format!("pod/{p}")))
            .collect();
        want.sort();
        assert_eq!(selects, want);
        assert!(edges_of(&g, EdgeKind::Selects { ready: false }).is_empty());

        let runs = edges_of(&g, EdgeKind::RunsOn);
        assert_eq!(runs.len(), 3);
        for pod in c.store.pods.values() {
            let node = pod.spec.node_name.clone().unwrap();
            let edge = (format!("pod/{}", pod.metadata.name), format!("node/{node}"));
            assert!(runs.contains(&edge), "{edge:?} in {runs:?}");
        }
    }

    #[test]
    fn colours_are_the_cluster_panels() {
        let c = settled();
        let g = graph_view(&c);
        let view = crate::components::view::cluster_view(&c);
        for chip in view.lanes.iter().flat_map(|l| &l.pods) {
            let n = g.find("Pod", &chip.namespace, &chip.name).unwrap();
            assert_eq!(n.hue, Some(chip.hue));
            assert_eq!(n.shade, chip.shade);
            assert_eq!(n.class, chip.class.css());
        }
        let d = g.find("Deployment", "default", "web").unwrap();
        assert_eq!(d.hue, Some(owner_hue("web")));
        let rs = g.nodes.iter().find(|n| n.kind == "ReplicaSet").unwrap();
        assert_eq!(rs.hue, d.hue);
        assert_eq!(rs.status, "rev 1 · 3/3 ready");
    }

    #[test]
    fn the_layout_does_not_change_while_nothing_happens() {
        let mut c = settled();
        let first = graph_view(&c);
        for _ in 0..20 {
            c.advance(500);
            assert_eq!(graph_view(&c), first);
        }
        // The same cluster rebuilt from its log draws the same picture.
        assert_eq!(graph_view(&settled()), first);
    }

    #[test]
    fn boxes_stay_put_when_an_unrelated_pod_is_added() {
        let mut c = settled();
        let before = graph_view(&c);
        c.advance(2000);
        let more = "\
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: c
    image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: c
        image: nginx:1.27
";
        let out = perform(&mut c, &Action::Apply { text: more.into() });
        assert!(out.ok, "{}", out.text);
        assert!(run_line(&mut c, "sleep 5s").ok);
        let after = graph_view(&c);
        for n in &before.nodes {
            let m = after.find(n.kind, &n.namespace, &n.name).unwrap();
            assert_eq!((m.x, m.y), (n.x, n.y), "{} {} moved", n.kind, n.name);
        }
        let solo = after.find("Pod", "default", "solo").unwrap();
        assert_eq!(solo.hue, None, "a bare pod is neutral");
        assert!(after.edges.iter().any(|e| e.from == solo.uid));
        assert_eq!(names(&after, "Pod").len(), 6);
        assert_eq!(
            names(&after, "Deployment"),
            ["web", "api"],
            "in creation order"
        );
    }

    #[test]
    fn scaling_up_appends_pods_below_the_old_ones() {
        let mut c = settled();
        let before = graph_view(&c);
        c.advance(2000);
        assert!(run_line(&mut c, "kubectl scale deployment web --replicas=5").ok);
        let after = graph_view(&c);
        for n in before.nodes.iter().filter(|n| n.kind == "Pod") {
            let m = after.find("Pod", &n.namespace, &n.name).unwrap();
            assert_eq!(m.y, n.y);
        }
        assert_eq!(names(&after, "Pod").len(), 5);
        // Not yet ready: selected, but not endpoints.
        assert_eq!(
            edges_of(&after, EdgeKind::Selects { ready: false }).len(),
            2
        );
    }

    #[test]
    fn terminating_pods_show_it() {
        let mut c = settled();
        assert!(run_line(&mut c, "kubectl delete pod --all --wait=false").ok);
        let g = graph_view(&c);
        let terminating = g
            .nodes
            .iter()
            .filter(|n| n.kind == "Pod" && n.class == "st-terminating")
            .count();
        assert_eq!(terminating, 3);
        assert!(g.nodes.iter().all(|n| n.label.chars().count() <= MAX_LABEL));
    }

    #[test]
    fn an_empty_cluster_has_nodes_only() {
        let g = graph_view(&Cluster::new(1));
        assert!(g.nodes.iter().all(|n| n.kind == "Node"));
        assert!(g.edges.is_empty());
        assert!(g.height > TOP);
    }

    #[test]
    fn arrow_keys_walk_the_graph_like_a_table() {
        let g = graph_view(&settled());
        let find = |kind: &str| g.nodes.iter().find(|n| n.kind == kind).unwrap();
        let deploy = find("Deployment");
        let rs = neighbour(&g.nodes, &deploy.uid, Arrow::Right).unwrap();
        assert_eq!(rs.kind, "ReplicaSet");
        let pod = neighbour(&g.nodes, &rs.uid, Arrow::Right).unwrap();
        assert_eq!(pod.kind, "Pod");
        let below = neighbour(&g.nodes, &pod.uid, Arrow::Down).unwrap();
        assert_eq!(below.kind, "Pod");
        assert!(below.y > pod.y);
        assert_eq!(
            neighbour(&g.nodes, &below.uid, Arrow::Up).unwrap().uid,
            pod.uid
        );
        assert_eq!(
            neighbour(&g.nodes, &pod.uid, Arrow::Left).unwrap().uid,
            rs.uid
        );
        assert!(neighbour(&g.nodes, &deploy.uid, Arrow::Left).is_none());
        assert!(neighbour(&g.nodes, &deploy.uid, Arrow::Up).is_none());
    }
}
