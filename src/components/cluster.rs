//! The cluster at work: Services with the pods they select, nodes as lanes with their
//! requests against allocatable, pods as chips coloured by owner and status, and the
//! chaos a user can cause by hand (fail a node, add one, push an image, send traffic).

use std::collections::{BTreeMap, BTreeSet};

use gloo::timers::callback::Timeout;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::view::{ClusterView, PodChip, ServiceView, Usage};
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
    provide_context(LitPods(Memo::new(move |_| ui.lit_pods())));
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

/// The pods of one lane as its chips show them: one signal per pod (its row), kept from
/// one cluster update to the next, so that an update tells only the chips whose pod
/// changed. With hundreds of pods, a lane-wide signal that every chip read would wake
/// every chip on every tick to find its own pod again.
#[derive(Default)]
struct ChipRows {
    /// Each drawn chip's row, by pod uid.
    rows: BTreeMap<String, ArcRwSignal<ChipRow>>,
    /// The lane's pods at the last update, in order (without the leaving ones).
    present: Vec<String>,
    /// Chips fading out: the place their pod had, and its uid.
    leaving: Vec<(usize, String)>,
}

/// What one chip shows.
#[derive(Debug, Clone, PartialEq)]
struct ChipRow {
    /// The pod as the lane last saw it (kept as it was once the pod is gone).
    chip: PodChip,
    /// Whether the pod is gone from the lane and its chip is fading out.
    gone: bool,
    /// Whether it came with many others at once: then it appears without the entrance
    /// animation, as hundreds of animations starting in one frame cost more than a frame.
    /// Fixed for the chip's life (turning it off later would start the animation).
    quiet: bool,
}

/// More pods than this arriving in (or leaving) a lane in one update come (or go)
/// without animation.
const BURST_ABOVE: usize = 24;

impl ChipRows {
    /// Brings the rows up to `pods`, the lane's pods in order, and returns the chips to
    /// draw in order and the uids whose chips started to fade out. A row is set only when
    /// its pod changed. With `fade`, pods gone from the lane stay drawn where they were,
    /// as leaving rows, until [`ChipRows::expire`] (unless more than [`BURST_ABOVE`] went
    /// at once: those go at once).
    fn sync(&mut self, pods: &[PodChip], fade: bool) -> (Vec<Drawn>, Vec<String>) {
        let arriving = pods
            .iter()
            .filter(|p| !self.rows.contains_key(&p.uid))
            .count();
        let quiet = arriving > BURST_ABOVE;
        let now: BTreeSet<&str> = pods.iter().map(|p| p.uid.as_str()).collect();
        // Pods that went since the last update.
        let went: Vec<(usize, String)> = self
            .present
            .iter()
            .enumerate()
            .filter(|(_, uid)| !now.contains(uid.as_str()))
            .map(|(i, uid)| (i, uid.clone()))
            .collect();
        for p in pods {
            match self.rows.get(&p.uid) {
                Some(row) => {
                    if row.with_untracked(|r| r.gone || r.chip != *p) {
                        row.update(|r| {
                            r.chip = p.clone();
                            r.gone = false;
                        });
                    }
                }
                None => {
                    let row = ChipRow {
                        chip: p.clone(),
                        gone: false,
                        quiet,
                    };
                    self.rows.insert(p.uid.clone(), ArcRwSignal::new(row));
                }
            }
        }
        // A pod back in the lane is no longer leaving.
        self.leaving.retain(|(_, uid)| !now.contains(uid.as_str()));
        let mut fading = Vec::new();
        if fade && went.len() <= BURST_ABOVE {
            for (i, uid) in went {
                if let Some(row) = self.rows.get(&uid) {
                    row.update(|r| r.gone = true);
                    fading.push(uid.clone());
                    self.leaving.push((i, uid));
                }
            }
        } else {
            for (_, uid) in went {
                self.rows.remove(&uid);
            }
        }
        self.present = pods.iter().map(|p| p.uid.clone()).collect();
        let mut order = self.present.clone();
        for (i, uid) in &self.leaving {
            order.insert((*i).min(order.len()), uid.clone());
        }
        let drawn = order
            .into_iter()
            .filter_map(|uid| {
                let row = self.rows.get(&uid)?.clone();
                Some((uid, row))
            })
            .collect();
        (drawn, fading)
    }

    /// Forgets chips that finished fading out (unless their pod came back).
    fn expire(&mut self, uids: &[String]) {
        self.leaving.retain(|(_, uid)| !uids.contains(uid));
        for uid in uids {
            if !self.present.contains(uid) {
                self.rows.remove(uid);
            }
        }
    }

    /// The row of a drawn chip.
    #[cfg(test)]
    fn row(&self, uid: &str) -> Option<ArcRwSignal<ChipRow>> {
        self.rows.get(uid).cloned()
    }
}

/// A chip to draw: its pod's uid (the key) and its row.
type Drawn = (String, ArcRwSignal<ChipRow>);

/// A lane's chips to draw, in order, with their rows. `pods` picks the lane's pods out
/// of the cluster view.
#[derive(Clone, Copy)]
struct LaneChips {
    order: Memo<Vec<Drawn>>,
}

impl LaneChips {
    fn new(
        ui: Ui,
        name: String,
        pods: for<'a> fn(&'a ClusterView, &str) -> &'a [PodChip],
        fade: bool,
    ) -> LaneChips {
        let rows = StoredValue::new(ChipRows::default());
        let expired = Trigger::new();
        // Keeping the rows up to date is this memo's work; its value is the chips to draw
        // in order (uids and rows, which stay the same signals), so the keyed list below
        // moves elements only when pods come, go or move.
        let order = Memo::new(move |_| {
            expired.track();
            let (order, fading) = ui
                .cluster
                .with(|v| rows.try_update_value(|r| r.sync(pods(v, &name), fade)))
                .unwrap_or_default();
            if !fading.is_empty() {
                Timeout::new(LEAVING_MS, move || {
                    if rows.try_update_value(|r| r.expire(&fading)).is_some() {
                        expired.notify();
                    }
                })
                .forget();
            }
            order
        });
        LaneChips { order }
    }

    /// The chips, keyed by uid, in their list. Clicks and keys are handled once for the
    /// list (the chip is found from the event's target), not by a listener per chip.
    fn view(self, ui: Ui, label: Option<String>, dense: Signal<bool>) -> impl IntoView {
        let pod_of = |ev: &leptos::ev::Event| -> Option<(String, String)> {
            let chip = ev
                .target()?
                .dyn_into::<web_sys::Element>()
                .ok()?
                .closest("[data-testid=pod]")
                .ok()??;
            Some((
                chip.get_attribute("data-ns")?,
                chip.get_attribute("data-pod")?,
            ))
        };
        let click = move |ev: leptos::ev::MouseEvent| {
            if let Some((ns, name)) = pod_of(&ev) {
                ui.inspect("Pod", &ns, &name);
            }
        };
        let key = move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Delete" {
                if let Some((ns, name)) = pod_of(&ev) {
                    ui.sim
                        .run(&format!("kubectl delete pod {name} -n {ns} --wait=false"));
                }
            }
        };
        view! {
            <div class="chips" role=label.is_some().then_some("list") aria-label=label on:click=click on:keydown=key>
                <For each=move || self.order.get() key=|(uid, _)| uid.clone() let:((_, row))>
                    <Chip row=row dense=dense />
                </For>
            </div>
        }
    }
}

fn lane_pods<'a>(v: &'a ClusterView, name: &str) -> &'a [PodChip] {
    v.lanes
        .iter()
        .find(|l| l.name == name)
        .map_or(&[], |l| l.pods.as_slice())
}

fn unscheduled_pods<'a>(v: &'a ClusterView, _: &str) -> &'a [PodChip] {
    &v.unscheduled
}

/// Pods no node has taken (yet).
#[component]
fn Unscheduled() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let count = Memo::new(move |_| ui.cluster.with(|v| v.unscheduled.len()));
    let dense = Memo::new(move |_| count.get() > DENSE_ABOVE);
    let chips = LaneChips::new(ui, String::new(), unscheduled_pods, false);
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="lane unscheduled" class:dense=dense data-testid="unscheduled">
                <div class="lane-head">
                    <span class="lane-name">"Unscheduled"</span>
                    <span class="muted small">
                        {move || {
                            let n = count.get();
                            format!("{n} pod{} waiting for a node that fits", if n == 1 { "" } else { "s" })
                        }}
                    </span>
                </div>
                {chips.view(ui, None, dense.into())}
            </div>
        </Show>
    }
}

/// What a lane shows above its chips.
#[derive(Debug, Clone, PartialEq, Default)]
struct LaneHead {
    status: String,
    ready: bool,
    cordoned: bool,
    cpu: Usage,
    memory: Usage,
    max_pods: i64,
    pods: usize,
}

/// One node lane.
#[component]
fn Lane(name: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let head = {
        let name = name.clone();
        Memo::new(move |_| {
            ui.cluster.with(|v| {
                v.lanes
                    .iter()
                    .find(|l| l.name == name)
                    .map(|l| LaneHead {
                        status: l.status.clone(),
                        ready: l.ready,
                        cordoned: l.cordoned,
                        cpu: l.cpu.clone(),
                        memory: l.memory.clone(),
                        max_pods: l.max_pods,
                        pods: l.pods.len(),
                    })
                    .unwrap_or_default()
            })
        })
    };
    // Pods gone from the node stay drawn for a moment, fading out where they were.
    let chips = LaneChips::new(ui, name.clone(), lane_pods, true);
    let dense = Memo::new(move |_| head.with(|h| h.pods > DENSE_ABOVE));
    let ready = move || head.with(|h| h.ready);
    let cordoned = move || head.with(|h| h.cordoned);
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
                    {move || head.with(|h| h.status.clone())}
                </span>
                <span class="spacer"></span>
                <span class="muted small">{move || head.with(|h| format!("{} / {} pods", h.pods, h.max_pods))}</span>
            </div>
            <Meter label="CPU" usage=Signal::derive(move || head.with(|h| h.cpu.clone())) />
            <Meter label="Mem" usage=Signal::derive(move || head.with(|h| h.memory.clone())) />
            {chips.view(ui, Some(format!("Pods on {name}")), dense.into())}
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

/// A requests-against-allocatable bar. The fill is scaled, not sized, so its transition
/// runs on the compositor instead of laying the lane out again every frame.
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
                <span class="meter-fill" class:high=move || { usage.get().percent >= 85 } style:transform=move || format!("scaleX({})", f64::from(usage.get().percent) / 100.0)></span>
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

/// The pods the lit Service sends traffic to, for every chip to look up.
#[derive(Clone, Copy)]
struct LitPods(Memo<BTreeSet<String>>);

/// One pod. Clicking it inspects it; Delete deletes it (both handled by its list, see
/// [`LaneChips::view`]). Keyed by uid: the same element
/// follows the pod through its statuses (its `row`), so colour changes animate and a
/// focused chip keeps the focus. In a dense lane it is a small square with the status
/// glyph only (name and status in its label), which is also fewer elements to build.
#[component]
fn Chip(row: ArcRwSignal<ChipRow>, dense: Signal<bool>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lit_pods = expect_context::<LitPods>().0;
    let row: Signal<ChipRow> = row.into();
    let (ns, name, short, quiet) = row.with_untracked(|r| {
        (
            r.chip.namespace.clone(),
            r.chip.name.clone(),
            r.chip.short.clone(),
            r.quiet,
        )
    });
    let ns_attr = ns.clone();
    let gone = move || row.with(|r| r.gone);
    // The owner's hue is one of a few classes, not an inline style: chips of one owner
    // and status then share their computed style. One class string for everything the
    // chip's look depends on: one effect per chip rather than one per class.
    let class = {
        let name = name.clone();
        move || {
            let lit = lit_pods.with(|l| l.contains(&name));
            let selected = ui.selected.with(|s| {
                s.as_ref()
                    .is_some_and(|s| s.kind == "Pod" && s.name == name && s.namespace == ns)
            });
            row.with(|r| {
                let c = &r.chip;
                format!(
                    "chip {} shade-{} hue-{}{}{}{}{}{}",
                    c.class.css(),
                    c.shade,
                    c.hue,
                    if c.owner.is_none() { " bare" } else { "" },
                    if quiet { " quiet" } else { "" },
                    if r.gone { " leaving" } else { "" },
                    if lit { " lit" } else { "" },
                    if selected { " selected" } else { "" },
                )
            })
        }
    };
    let label = move || row.with(|r| r.chip.label());
    let hits = {
        let name = name.clone();
        move || ui.traffic.with(|t| t.get(&name).copied())
    };
    let inner = move || {
        if dense.get() {
            view! { <span class="glyph" aria-hidden="true">{move || row.with(|r| glyph(&r.chip))}</span> }.into_any()
        } else {
            let hits = hits.clone();
            view! {
                <span class="chip-top">
                    <span class="chip-name">{short.clone()}</span>
                    {move || row.with(|r| (r.chip.revision > 0).then(|| format!("r{}", r.chip.revision))).map(|r| view! { <span class="chip-rev">{r}</span> })}
                </span>
                <span class="chip-status">
                    <span class="glyph" aria-hidden="true">{move || row.with(|r| glyph(&r.chip))}</span>
                    <span class="chip-status-text">{move || row.with(|r| r.chip.status.clone())}</span>
                    {move || row.with(|r| (r.chip.restarts > 0).then(|| format!("↻{}", r.chip.restarts))).map(|r| view! { <span class="chip-restarts">{r}</span> })}
                </span>
                {move || hits().map(|n| view! { <span class="hits" aria-label=format!("{n} requests")>{format!("{n}")}</span> })}
            }
            .into_any()
        }
    };
    // Clicks (inspect) and the Delete key are handled by the lane's list.
    view! {
        <button
            class=class
            role="listitem"
            // A chip fading out is no longer a pod of the cluster, for tests and
            // screen readers alike.
            data-testid=move || if gone() { "pod-leaving" } else { "pod" }
            aria-hidden=move || gone().then_some("true")
            data-pod=name
            data-ns=ns_attr
            data-status=move || row.with(|r| r.chip.status.clone())
            aria-label=label
            title=label
        >
            {inner}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::view::StatusClass;

    fn chip(uid: &str, status: &str) -> PodChip {
        PodChip {
            uid: uid.into(),
            namespace: "default".into(),
            name: format!("web-{uid}"),
            short: uid.into(),
            status: status.into(),
            ready: "0/1".into(),
            class: StatusClass::of(status, false),
            owner: Some("web".into()),
            hue: 215,
            revision: 1,
            shade: 1,
            restarts: 0,
        }
    }

    fn uids(drawn: &[Drawn]) -> Vec<&str> {
        drawn.iter().map(|(uid, _)| uid.as_str()).collect()
    }

    fn pods(n: usize, status: &str) -> Vec<PodChip> {
        (0..n).map(|i| chip(&format!("p{i:03}"), status)).collect()
    }

    #[test]
    fn an_update_sets_only_the_rows_of_pods_that_changed() {
        let mut rows = ChipRows::default();
        let mut lane = pods(3, "Pending");
        rows.sync(&lane, true);
        let before: Vec<ChipRow> = lane
            .iter()
            .map(|p| rows.row(&p.uid).unwrap().get_untracked())
            .collect();
        lane[1] = chip("p001", "ContainerCreating");
        let (order, fading) = rows.sync(&lane, true);
        assert_eq!(uids(&order), ["p000", "p001", "p002"]);
        assert!(fading.is_empty());
        let after: Vec<ChipRow> = lane
            .iter()
            .map(|p| rows.row(&p.uid).unwrap().get_untracked())
            .collect();
        assert_eq!(after[0], before[0]);
        assert_eq!(after[1].chip.status, "ContainerCreating");
        assert_eq!(after[2], before[2]);
    }

    #[test]
    fn a_pod_gone_from_the_lane_fades_out_where_it_was_then_goes() {
        let mut rows = ChipRows::default();
        let lane = pods(3, "Running");
        rows.sync(&lane, true);
        let (order, fading) = rows.sync(&[lane[0].clone(), lane[2].clone()], true);
        assert_eq!(
            uids(&order),
            ["p000", "p001", "p002"],
            "the chip stays in its place"
        );
        assert_eq!(fading, ["p001"]);
        let row = rows.row("p001").unwrap().get_untracked();
        assert!(row.gone);
        assert_eq!(row.chip.status, "Running", "it keeps what it showed");
        rows.expire(&fading);
        let (order, _) = rows.sync(&[lane[0].clone(), lane[2].clone()], true);
        assert_eq!(uids(&order), ["p000", "p002"]);
        assert!(rows.row("p001").is_none());
    }

    #[test]
    fn the_unscheduled_lane_lets_pods_go_at_once() {
        let mut rows = ChipRows::default();
        let lane = pods(2, "Pending");
        rows.sync(&lane, false);
        let (order, fading) = rows.sync(&lane[1..], false);
        assert_eq!(uids(&order), ["p001"]);
        assert!(fading.is_empty());
    }

    #[test]
    fn a_burst_of_pods_comes_without_animation_and_goes_at_once() {
        let mut rows = ChipRows::default();
        rows.sync(&pods(2, "Running"), true);
        let many = pods(2 + BURST_ABOVE + 1, "Pending");
        rows.sync(&many, true);
        assert!(!rows.row("p000").unwrap().get_untracked().quiet);
        assert!(rows.row("p010").unwrap().get_untracked().quiet);
        let (order, fading) = rows.sync(&many[..1], true);
        assert_eq!(uids(&order), ["p000"], "{} went at once", many.len() - 1);
        assert!(fading.is_empty());
        // A few at a time animate as before.
        rows.sync(&pods(3, "Pending"), true);
        assert!(!rows.row("p002").unwrap().get_untracked().quiet);
    }
}
