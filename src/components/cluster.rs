//! The cluster at work: Services with the pods they select, nodes as lanes with their
//! requests against allocatable, pods as chips coloured by owner and status, and the
//! chaos a user can cause by hand (fail a node, add one, push an image, send traffic).

use std::collections::BTreeMap;

use gloo::timers::callback::Timeout;
use leptos::prelude::*;

use super::view::{NodeLane, PodChip, ServiceView, Usage};
use super::Ui;

/// Requests sent by a Service's traffic button.
const TRAFFIC_REQUESTS: usize = 30;
/// How long hit counts stay on the chips.
const TRAFFIC_SHOWN_MS: u32 = 4000;
/// How long a deleted pod's chip fades out before it goes.
const LEAVING_MS: u32 = 350;
/// Above this many pods a lane draws compact chips.
const DENSE_ABOVE: usize = 24;

/// The cluster panel.
#[component]
pub fn ClusterPanel() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lane_names = move || {
        ui.cluster
            .with(|v| v.lanes.iter().map(|l| l.name.clone()).collect::<Vec<_>>())
    };
    let dots = TrafficDots {
        dots: RwSignal::new(Vec::new()),
        area: NodeRef::new(),
        next: StoredValue::new(0),
    };
    provide_context(dots);
    let image = RwSignal::new(String::from("nginx:1.28"));
    let add_node = move |_| {
        let n = ui.cluster.with_untracked(|v| {
            (v.lanes.len() + 1..)
                .find(|i| !v.lanes.iter().any(|l| l.name == format!("node-{i}")))
                .unwrap_or(1)
        });
        ui.sim.run(&format!("node add node-{n}"));
    };
    let push = move || {
        let r = image.get_untracked();
        if !r.trim().is_empty() {
            ui.sim.run(&format!("image push {}", r.trim()));
        }
    };
    view! {
        <section class="panel cluster-panel" part="cluster" aria-labelledby="cluster-title" data-testid="cluster">
            <header class="panel-head">
                <h2 id="cluster-title">"Cluster"</h2>
                <span class="muted small">
                    {move || {
                        ui.cluster
                            .with(|v| {
                                format!(
                                    "{} node{} · {} pod{}",
                                    v.lanes.len(),
                                    if v.lanes.len() == 1 { "" } else { "s" },
                                    v.pod_count,
                                    if v.pod_count == 1 { "" } else { "s" },
                                )
                            })
                    }}
                </span>
                <span class="spacer"></span>
                <form
                    class="inline-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        push();
                    }
                >
                    <label class="sr-only" for="push-ref">"Image to push"</label>
                    <input
                        id="push-ref"
                        class="small-input"
                        data-testid="push-ref"
                        prop:value=move || image.get()
                        on:input=move |ev| image.set(event_target_value(&ev))
                        spellcheck="false"
                    />
                    <button type="submit" data-testid="push-image" title="Push this image tag to the registry">
                        "Push image"
                    </button>
                </form>
                <button data-testid="add-node" on:click=add_node title="Add a Ready node">
                    "+ Node"
                </button>
            </header>
            <div class="cluster-body" node_ref=dots.area>
                <div class="traffic-dots" aria-hidden="true">
                    <For each=move || dots.dots.get() key=|d| d.id let:d>
                        <span
                            class="traffic-dot"
                            style:left=format!("{:.0}px", d.x)
                            style:top=format!("{:.0}px", d.y)
                            style:--dx=format!("{:.0}px", d.dx)
                            style:--dy=format!("{:.0}px", d.dy)
                            style:animation-delay=format!("{}ms", d.delay_ms)
                        ></span>
                    </For>
                </div>
                <Services />
                <div class="lanes">
                    <Unscheduled />
                    <For each=lane_names key=|n| n.clone() let:name>
                        <Lane name=name />
                    </For>
                </div>
            </div>
            <super::timeline::Timeline />
        </section>
    }
}

/// The Services strip: each Service, its address and the pods it sends traffic to.
#[component]
fn Services() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let services = move || ui.cluster.with(|v| v.services.clone());
    view! {
        <Show when=move || ui.cluster.with(|v| !v.services.is_empty())>
            <ul class="services" aria-label="Services">
                <For each=services key=|s| (s.uid.clone(), s.ready_pods.clone(), s.not_ready) let:svc>
                    <ServiceCard svc=svc />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn ServiceCard(svc: ServiceView) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let uid = svc.uid.clone();
    let (ns, name) = (svc.namespace.clone(), svc.name.clone());
    let lit = {
        let uid = uid.clone();
        move || ui.lit_service.get().as_deref() == Some(uid.as_str())
    };
    let light = {
        let uid = uid.clone();
        move || ui.lit_service.set(Some(uid.clone()))
    };
    let light2 = light.clone();
    let dots = expect_context::<TrafficDots>();
    let card = NodeRef::<leptos::html::Li>::new();
    let send = {
        let (ns, name, uid) = (ns.clone(), name.clone(), uid.clone());
        move |_| {
            let hits: BTreeMap<String, usize> = ui
                .sim
                .traffic(&ns, &name, TRAFFIC_REQUESTS)
                .into_iter()
                .collect();
            if !hits.is_empty() {
                if let Some(card) = card.get_untracked() {
                    dots.launch(&card, &hits);
                }
                ui.traffic.set(hits);
                ui.lit_service.set(Some(uid.clone()));
                Timeout::new(TRAFFIC_SHOWN_MS, move || ui.traffic.set(BTreeMap::new())).forget();
            }
        }
    };
    let inspect = {
        let (ns, name) = (ns.clone(), name.clone());
        move |_| ui.inspect("Service", &ns, &name)
    };
    let ready = svc.ready_pods.len();
    view! {
        <li
            class="svc"
            node_ref=card
            class:lit=lit
            data-testid="service"
            on:mouseenter=move |_| light()
            on:focusin=move |_| light2()
            on:mouseleave=move |_| ui.lit_service.set(None)
        >
            <button class="svc-name link" on:click=inspect title="Inspect this Service">
                {format!("svc/{}", svc.name)}
            </button>
            <span class="svc-addr mono">{format!("{} {}", svc.cluster_ip, svc.ports)}</span>
            <span class="svc-sel mono" title="Selector">{svc.selector.clone()}</span>
            <span class="svc-ep" class:warn=ready == 0>
                {format!("→ {ready} ready pod{}", if ready == 1 { "" } else { "s" })}
                {(svc.not_ready > 0).then(|| format!(", {} not ready", svc.not_ready))}
            </span>
            <button class="small" data-testid="send-traffic" on:click=send title="Send requests through this Service and see which pods answer">
                {format!("Send {TRAFFIC_REQUESTS} requests")}
            </button>
        </li>
    }
}

/// Requests in flight, drawn as dots that fly from a Service to the pods that
/// answered them: traffic spreading over the pods, seen.
#[derive(Clone, Copy)]
struct TrafficDots {
    dots: RwSignal<Vec<Dot>>,
    /// The element the dots are positioned in.
    area: NodeRef<leptos::html::Div>,
    next: StoredValue<u64>,
}

#[derive(Clone, PartialEq)]
struct Dot {
    id: u64,
    x: f64,
    y: f64,
    dx: f64,
    dy: f64,
    delay_ms: u32,
}

/// How long the dots of one burst stay drawn.
const DOTS_SHOWN_MS: u32 = 1800;

impl TrafficDots {
    /// One dot per request, from the Service's card to the chip of the pod that
    /// answered it, staggered so the spread reads as a stream.
    fn launch(&self, card: &web_sys::Element, hits: &BTreeMap<String, usize>) {
        let Some(area) = self.area.get_untracked() else {
            return;
        };
        let origin = area.get_bounding_client_rect();
        let from = card.get_bounding_client_rect();
        let (x, y) = (
            from.left() - origin.left() + from.width() / 2.0,
            from.bottom() - origin.top() + area.scroll_top() as f64,
        );
        let mut dots = Vec::new();
        let mut next = self.next.get_value();
        for (pod, n) in hits {
            let selector = format!("[data-testid=pod][data-pod=\"{pod}\"]");
            let Some(chip) = area.query_selector(&selector).ok().flatten() else {
                continue;
            };
            let to = chip.get_bounding_client_rect();
            let (tx, ty) = (
                to.left() - origin.left() + to.width() / 2.0,
                to.top() - origin.top() + area.scroll_top() as f64 + to.height() / 2.0,
            );
            for _ in 0..*n {
                dots.push(Dot {
                    id: next,
                    x,
                    y,
                    dx: tx - x,
                    dy: ty - y,
                    delay_ms: 0,
                });
                next += 1;
            }
        }
        // Requests leave one after another, in the order they were sent.
        for (i, d) in dots.iter_mut().enumerate() {
            d.delay_ms = (i as u32) * 30;
        }
        self.next.set_value(next);
        let ids: Vec<u64> = dots.iter().map(|d| d.id).collect();
        self.dots.update(|all| all.extend(dots));
        let this = *self;
        Timeout::new(DOTS_SHOWN_MS, move || {
            this.dots.update(|all| all.retain(|d| !ids.contains(&d.id)))
        })
        .forget();
    }
}

/// Pods no node has taken (yet).
#[component]
fn Unscheduled() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let pods = move || ui.cluster.with(|v| v.unscheduled.clone());
    view! {
        <Show when=move || ui.cluster.with(|v| !v.unscheduled.is_empty())>
            <div
                class="lane unscheduled"
                class:dense=move || ui.cluster.with(|v| v.unscheduled.len() > DENSE_ABOVE)
                data-testid="unscheduled"
            >
                <div class="lane-head">
                    <span class="lane-name">"Unscheduled"</span>
                    <span class="muted small">
                        {move || {
                            let n = ui.cluster.with(|v| v.unscheduled.len());
                            format!("{n} pod{} waiting for a node that fits", if n == 1 { "" } else { "s" })
                        }}
                    </span>
                </div>
                <div class="chips">
                    <For each=pods key=|p| p.uid.clone() let:chip>
                        <Chip
                            live=Signal::derive({
                                let uid = chip.uid.clone();
                                move || ui.cluster.with(|v| v.unscheduled.iter().find(|p| p.uid == uid).cloned())
                            })
                            chip=chip
                        />
                    </For>
                </div>
            </div>
        </Show>
    }
}

/// One node lane.
#[component]
fn Lane(name: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lane = {
        let name = name.clone();
        Memo::new(move |_| {
            ui.cluster
                .with(|v| v.lanes.iter().find(|l| l.name == name).cloned())
        })
    };
    let get = move || {
        lane.get().unwrap_or_else(|| NodeLane {
            name: String::new(),
            status: String::new(),
            ready: false,
            cordoned: false,
            cpu: Usage::default(),
            memory: Usage::default(),
            max_pods: 0,
            pods: Vec::new(),
        })
    };
    let current = move || lane.with(|l| l.as_ref().map(|l| l.pods.clone()).unwrap_or_default());
    // Pods gone from the node stay drawn for a moment, fading out where they were.
    let leaving = RwSignal::new(Vec::<(usize, PodChip)>::new());
    Effect::new(move |prev: Option<Vec<PodChip>>| {
        let now = current();
        if let Some(prev) = prev {
            let gone: Vec<(usize, PodChip)> = prev
                .into_iter()
                .enumerate()
                .filter(|(_, p)| !now.iter().any(|n| n.uid == p.uid))
                .collect();
            if !gone.is_empty() {
                let uids: Vec<String> = gone.iter().map(|(_, p)| p.uid.clone()).collect();
                leaving.update(|l| l.extend(gone));
                Timeout::new(LEAVING_MS, move || {
                    leaving.update(|l| l.retain(|(_, p)| !uids.contains(&p.uid)))
                })
                .forget();
            }
        }
        now
    });
    let pods = move || {
        let mut all = current();
        leaving.with(|l| {
            for (i, p) in l {
                if !all.iter().any(|n| n.uid == p.uid) {
                    all.insert((*i).min(all.len()), p.clone());
                }
            }
        });
        all
    };
    let dense = move || lane.with(|l| l.as_ref().is_some_and(|l| l.pods.len() > DENSE_ABOVE));
    let ready = move || lane.with(|l| l.as_ref().is_some_and(|l| l.ready));
    let cordoned = move || lane.with(|l| l.as_ref().is_some_and(|l| l.cordoned));
    let run = move |cmd: String| {
        ui.sim.run(&cmd);
    };
    let n1 = name.clone();
    let n2 = name.clone();
    let n3 = name.clone();
    view! {
        <div
            class="lane"
            class:not-ready=move || !ready()
            class:cordoned=cordoned
            class:dense=dense
            data-testid="node"
            data-node=name.clone()
        >
            <div class="lane-head">
                <button class="lane-name link" on:click=move |_| ui.inspect("Node", "", &n1) title="Inspect this node">
                    {name.clone()}
                </button>
                <span class="node-status" class:bad=move || !ready() data-testid="node-status">
                    {move || get().status}
                </span>
                <span class="spacer"></span>
                <span class="muted small">{move || { let l = get(); format!("{} / {} pods", l.pods.len(), l.max_pods) }}</span>
            </div>
            <Meter label="CPU" usage=Signal::derive(move || get().cpu) />
            <Meter label="Mem" usage=Signal::derive(move || get().memory) />
            <div class="chips" role="list" aria-label=format!("Pods on {name}")>
                <For each=pods key=|p| p.uid.clone() let:chip>
                    <Chip
                        live=Signal::derive({
                            let uid = chip.uid.clone();
                            move || lane.with(|l| l.as_ref().and_then(|l| l.pods.iter().find(|p| p.uid == uid).cloned()))
                        })
                        chip=chip
                    />
                </For>
            </div>
            <div class="lane-actions">
                {move || {
                    let n = n2.clone();
                    if ready() {
                        view! { <button class="small" data-testid="node-fail" on:click=move |_| run(format!("node fail {n}"))>"Fail"</button> }.into_any()
                    } else {
                        view! { <button class="small" data-testid="node-recover" on:click=move |_| run(format!("node recover {n}"))>"Recover"</button> }.into_any()
                    }
                }}
                {move || {
                    let n = n3.clone();
                    if cordoned() {
                        view! { <button class="small" on:click=move |_| run(format!("node uncordon {n}"))>"Uncordon"</button> }.into_any()
                    } else {
                        view! { <button class="small" on:click=move |_| run(format!("node cordon {n}"))>"Cordon"</button> }.into_any()
                    }
                }}
            </div>
        </div>
    }
}

/// A requests-against-allocatable bar.
#[component]
fn Meter(label: &'static str, usage: Signal<Usage>) -> impl IntoView {
    view! {
        <div class="meter" title=move || format!("{label} requested / allocatable: {}", usage.get().text)>
            <span class="meter-label">{label}</span>
            <span
                class="meter-bar"
                role="meter"
                aria-label=format!("{label} requested")
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || usage.get().percent.to_string()
            >
                <span class="meter-fill" class:high=move || { usage.get().percent >= 85 } style:width=move || format!("{}%", usage.get().percent)></span>
            </span>
            <span class="meter-text">{move || usage.get().text}</span>
        </div>
    }
}

/// Status glyphs, so the status reads without colour even on a compact chip.
fn glyph(chip: &PodChip) -> &'static str {
    use super::view::StatusClass::*;
    match chip.class {
        Running => "●",
        NotReady => "◑",
        Pending => "○",
        Creating => "◔",
        Terminating => "◌",
        Failed => "✖",
        Done => "✓",
    }
}

/// One pod. Clicking it inspects it; Delete deletes it. Keyed by uid: the same element
/// follows the pod through its statuses (`live`), so colour changes animate and a
/// focused chip keeps the focus.
#[component]
fn Chip(chip: PodChip, live: Signal<Option<PodChip>>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let first = chip.clone();
    // The last state seen: a pod on its way out keeps what it showed.
    let gone = move || live.with(Option::is_none);
    let data = Memo::new(move |prev: Option<&PodChip>| {
        live.get()
            .unwrap_or_else(|| prev.cloned().unwrap_or_else(|| first.clone()))
    });
    let name = chip.name.clone();
    let ns = chip.namespace.clone();
    let lit = {
        let name = name.clone();
        move || ui.lit_service.get().is_some() && ui.lit_pods().contains(&name)
    };
    let hits = {
        let name = name.clone();
        move || ui.traffic.with(|t| t.get(&name).copied())
    };
    let selected = {
        let (ns, name) = (ns.clone(), name.clone());
        move || {
            ui.selected.with(|s| {
                s.as_ref()
                    .is_some_and(|s| s.kind == "Pod" && s.name == name && s.namespace == ns)
            })
        }
    };
    let click = {
        let (ns, name) = (ns.clone(), name.clone());
        move |_| ui.inspect("Pod", &ns, &name)
    };
    let key = {
        let (ns, name) = (ns.clone(), name.clone());
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Delete" {
                ui.sim
                    .run(&format!("kubectl delete pod {name} -n {ns} --wait=false"));
            }
        }
    };
    let class = move || {
        data.with(|c| {
            format!(
                "chip {} shade-{}{}",
                c.class.css(),
                c.shade,
                if c.owner.is_none() { " bare" } else { "" }
            )
        })
    };
    let label = move || data.with(|c| c.label());
    view! {
        <button
            class=class
            class:lit=lit
            class:selected=selected
            class:leaving=gone
            role="listitem"
            style:--hue=move || data.with(|c| c.hue.to_string())
            // A chip fading out is no longer a pod of the cluster, for tests and
            // screen readers alike.
            data-testid=move || if gone() { "pod-leaving" } else { "pod" }
            aria-hidden=move || gone().then_some("true")
            data-pod=chip.name.clone()
            data-status=move || data.with(|c| c.status.clone())
            aria-label=label
            title=label
            on:click=click
            on:keydown=key
        >
            <span class="chip-top">
                <span class="chip-name">{chip.short.clone()}</span>
                {move || data.with(|c| (c.revision > 0).then(|| format!("r{}", c.revision))).map(|r| view! { <span class="chip-rev">{r}</span> })}
            </span>
            <span class="chip-status">
                <span class="glyph" aria-hidden="true">{move || data.with(glyph)}</span>
                <span class="chip-status-text">{move || data.with(|c| c.status.clone())}</span>
                {move || data.with(|c| (c.restarts > 0).then(|| format!("↻{}", c.restarts))).map(|r| view! { <span class="chip-restarts">{r}</span> })}
            </span>
            {move || hits().map(|n| view! { <span class="hits" aria-label=format!("{n} requests")>{format!("{n}")}</span> })}
        </button>
    }
}
