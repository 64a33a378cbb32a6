//! The Graph tab: the cluster's objects and how they relate, drawn as SVG from
//! [`graph_view`]. Every box is a button: a click or Enter selects the object
//! everywhere ([`Ui::inspect`]), and the selected object's box and edges stand out.

use leptos::prelude::*;

use super::graph_view::{graph_view, neighbour, Arrow, GraphNode, GraphView, BOX_H, BOX_W};
use super::Ui;

/// The Graph tab.
#[component]
pub fn Graph() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let graph = Memo::new(move |_| {
        ui.rv.get();
        ui.sim.peek(graph_view)
    });
    // The uid of the selected object's box, if it is drawn.
    let selected = Memo::new(move |_| {
        let sel = ui.selected.get()?;
        graph.with(|g| {
            g.find(&sel.kind, &sel.namespace, &sel.name)
                .map(|n| n.uid.clone())
        })
    });
    let size = move || graph.with(|g| (g.width, g.height));
    let summary = move || {
        graph.with(|g| {
            let objects = g.nodes.len();
            format!(
                "{objects} object{} · {} edge{}",
                if objects == 1 { "" } else { "s" },
                g.edges.len(),
                if g.edges.len() == 1 { "" } else { "s" }
            )
        })
    };
    view! {
        <div class="log-tools graph-legend" aria-label="Legend">
            <span class="muted small">{summary}</span>
            <span class="spacer"></span>
            <span class="legend-item"><svg width="28" height="8" aria-hidden="true"><path class="edge owns" d="M0 4 H28" /></svg>"owns"</span>
            <span class="legend-item"><svg width="28" height="8" aria-hidden="true"><path class="edge selects" d="M0 4 H28" /></svg>"selects, ready endpoint"</span>
            <span class="legend-item"><svg width="28" height="8" aria-hidden="true"><path class="edge selects not-ready" d="M0 4 H28" /></svg>"selects, not ready"</span>
            <span class="legend-item"><svg width="28" height="8" aria-hidden="true"><path class="edge runs-on" d="M0 4 H28" /></svg>"runs on"</span>
        </div>
        <div class="graph-scroll" data-testid="graph">
            <svg
                class="graph"
                width=move || size().0
                height=move || size().1
                // In em of the page's 13px text, so presenter mode enlarges the drawing.
                style:width=move || format!("{:.2}em", f64::from(size().0) / 13.0)
                style:height=move || format!("{:.2}em", f64::from(size().1) / 13.0)
                viewBox=move || format!("0 0 {} {}", size().0, size().1)
                preserveAspectRatio="xMinYMin meet"
                role="group"
                aria-label="Objects and how they relate: Deployments, ReplicaSets, Pods, Services and Nodes"
            >
                <defs>
                    <marker
                        id="graph-arrow"
                        viewBox="0 0 8 8"
                        refX="8"
                        refY="4"
                        markerWidth="7"
                        markerHeight="7"
                        orient="auto"
                    >
                        <path class="arrow-head" d="M0 0 L8 4 L0 8 z" />
                    </marker>
                </defs>
                <g aria-hidden="true">
                    {move || {
                        graph
                            .with(|g| {
                                g.titles
                                    .iter()
                                    .map(|(text, x, y)| {
                                        view! {
                                            <text class="col-title" x=*x y=*y>
                                                {text.clone()}
                                            </text>
                                        }
                                    })
                                    .collect_view()
                            })
                    }}
                </g>
                <g class="edges" aria-hidden="true">
                    <For each=move || graph.get().edges key=|e| e.render_key() let:e>
                        <path
                            class=e.kind.css()
                            class:hot={
                                let (from, to) = (e.from.clone(), e.to.clone());
                                move || selected.with(|s| s.as_ref().is_some_and(|s| *s == from || *s == to))
                            }
                            d=e.path.clone()
                            marker-end="url(#graph-arrow)"
                        />
                    </For>
                </g>
                <For each=move || graph.get().nodes key=|n| n.render_key() let:node>
                    <GraphBox node=node selected=selected graph=graph />
                </For>
            </svg>
        </div>
    }
}

/// One object's box: a button that selects it.
#[component]
fn GraphBox(
    node: GraphNode,
    selected: Memo<Option<String>>,
    graph: Memo<GraphView>,
) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let kind = node.kind;
    let (ns, name, uid) = (node.namespace.clone(), node.name.clone(), node.uid.clone());
    let is_selected = move || selected.with(|s| s.as_deref() == Some(uid.as_str()));
    let open = {
        let (ns, name) = (ns.clone(), name.clone());
        move || ui.inspect(kind, &ns, &name)
    };
    let open2 = open.clone();
    let class = format!(
        "gnode k-{} {} shade-{}{}",
        kind.to_ascii_lowercase(),
        node.class,
        node.shade,
        if node.hue.is_none() { " neutral" } else { "" }
    );
    view! {
        <g
            class=class
            class:selected=is_selected
            transform=format!("translate({} {})", node.x, node.y)
            style:--hue=node.hue.map(|h| h.to_string())
            tabindex="0"
            role="button"
            aria-label=node.aria_label()
            data-testid="graph-node"
            data-kind=kind
            data-name=node.name.clone()
            on:click=move |_| open()
            data-uid=node.uid.clone()
            on:keydown={
                let uid = node.uid.clone();
                move |ev: leptos::ev::KeyboardEvent| {
                    let arrow = match ev.key().as_str() {
                        "Enter" | " " => {
                            ev.prevent_default();
                            open2();
                            return;
                        }
                        "ArrowUp" => Arrow::Up,
                        "ArrowDown" => Arrow::Down,
                        "ArrowLeft" => Arrow::Left,
                        "ArrowRight" => Arrow::Right,
                        _ => return,
                    };
                    ev.prevent_default();
                    let target = graph.with_untracked(|g| {
                        neighbour(&g.nodes, &uid, arrow).map(|n| n.uid.clone())
                    });
                    let el = target.and_then(|t| {
                        ui.root
                            .get_untracked()
                            .and_then(|root| root.query_selector(&format!("[data-uid=\"{t}\"]")).ok().flatten())
                    });
                    if let Some(el) = el {
                        // An SVG element: `focus` is the same method on both (web-sys
                        // calls it structurally).
                        let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&el).focus();
                    }
                }
            }
        >
            <rect class="box" width=BOX_W height=BOX_H rx="4" />
            {node.hue.is_some().then(|| view! { <rect class="stripe" width="5" height=BOX_H rx="2" /> })}
            <text class="name" x="12" y="15">{node.label.clone()}</text>
            <text class="status" x="12" y="29">{node.status.clone()}</text>
        </g>
    }
}
