//! The playground page, built with Leptos over the engine's view models.
//!
//! [`App`] is the only place with side effects at the edges: it loads and saves the
//! session ([`storage`]), owns the timer that advances simulated time, and hands the
//! panels a [`Ui`] context of signals. The panels read view models ([`view`]) and
//! change the cluster only through [`state::Sim`].

pub mod cluster;
pub mod desired;
pub mod editor;
pub mod graph;
pub mod graph_view;
pub mod header;
pub mod history;
pub mod lesson;
pub mod lesson_view;
pub mod share;
pub mod share_ui;
pub mod state;
pub mod storage;
pub mod tabs;
pub mod timeline;
pub mod view;

use std::collections::{BTreeMap, BTreeSet};

use gloo::timers::callback::{Interval, Timeout};
use leptos::prelude::*;

use state::{ConsoleState, SessionLog, Sim};
use storage::Layout;
use view::{ClusterView, WorkloadView, STARTER_YAML};

/// How often the timer advances the simulation, in real milliseconds.
const TICK_MS: u32 = 100;

/// On first load the starter cluster is given this much simulated time before the page
/// shows it: pods are already scheduled and pulling, so a newcomer sees them turn
/// Running within the first second instead of watching an empty cluster.
const HEAD_START_MS: u64 = 1900;

/// How long after a change the session log is saved (one write per burst of ticks; the
/// page also saves when it is hidden or closed).
const SAVE_DELAY_MS: u32 = 1000;

/// An object the user clicked, shown in the Inspect tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// Kind (`Pod`).
    pub kind: String,
    /// Namespace (empty for nodes).
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// What every panel reads: the simulation and the page's shared, purely visual state.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The cluster's single owner.
    pub sim: Sim,
    /// The store's resource version: changes whenever any object changes.
    pub rv: Memo<u64>,
    /// The cluster panel's view model.
    pub cluster: Memo<ClusterView>,
    /// Desired versus actual, per workload.
    pub workloads: Memo<Vec<WorkloadView>>,
    /// The editor's text.
    pub editor_text: RwSignal<String>,
    /// Bumped when the editor text is replaced from outside (reset), so the textarea
    /// takes it; typing does not bump it, so the caret never jumps.
    pub editor_reset: RwSignal<u64>,
    /// The object shown in the Inspect tab.
    pub selected: RwSignal<Option<Selected>>,
    /// Whether simulated time runs.
    pub playing: RwSignal<bool>,
    /// Layout choices that are saved.
    pub layout: RwSignal<Layout>,
    /// The uid of the Service whose pods are lit up.
    pub lit_service: RwSignal<Option<String>>,
    /// Requests per pod of the last traffic burst, shown on the chips for a moment.
    pub traffic: RwSignal<BTreeMap<String, usize>>,
    /// Messages about the session (stored state that could not be read).
    pub notices: RwSignal<Vec<String>>,
}

impl Ui {
    /// Selects an object and shows it in the Inspect tab.
    pub fn inspect(&self, kind: &str, namespace: &str, name: &str) {
        self.selected.set(Some(Selected {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }));
        self.layout.update(|l| l.tab = "inspect".into());
    }

    /// The pod names the lit Service selects.
    pub fn lit_pods(&self) -> BTreeSet<String> {
        let Some(uid) = self.lit_service.get() else {
            return BTreeSet::new();
        };
        self.cluster.with(|v| {
            v.services
                .iter()
                .find(|s| s.uid == uid)
                .map(|s| s.ready_pods.iter().cloned().collect())
                .unwrap_or_default()
        })
    }

    /// Starts over from `log` with `editor` in the editor (a lesson's start): the
    /// console, selection and traffic marks are cleared.
    pub fn start_from(&self, log: SessionLog, editor: &str) {
        self.sim.replace(log);
        self.sim.console.set(ConsoleState::default());
        self.editor_text.set(editor.to_string());
        self.editor_reset.update(|n| *n += 1);
        self.selected.set(None);
        self.traffic.set(BTreeMap::new());
    }

    /// Starts over: the starter cluster and manifest, the saved session forgotten.
    pub fn reset(&self) {
        storage::clear();
        self.sim.replace(SessionLog::starter(HEAD_START_MS));
        self.sim.console.set(ConsoleState::default());
        self.editor_text.set(STARTER_YAML.to_string());
        self.editor_reset.update(|n| *n += 1);
        self.selected.set(None);
        self.traffic.set(BTreeMap::new());
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let saved = storage::load();
    let first_visit = saved.session.is_none();
    let session = saved
        .session
        .unwrap_or_else(|| SessionLog::starter(HEAD_START_MS));
    let mut console = saved.console.unwrap_or_default();
    if first_visit && console.entries.is_empty() {
        let out = crate::engine::kubectl::Output::ok(
            "deployment.apps/web created\nservice/web created\n",
        );
        console.push("kubectl apply -f editor.yaml", &out, "00:00".into());
    }
    let sim = Sim::new(session, console);
    let rv = Memo::new(move |_| sim.read(|c| c.store.resource_version()));
    let cluster_vm = Memo::new(move |_| {
        rv.get();
        sim.peek(view::cluster_view)
    });
    let workloads = Memo::new(move |_| {
        rv.get();
        sim.peek(view::workloads)
    });
    let ui = Ui {
        sim,
        rv,
        cluster: cluster_vm,
        workloads,
        editor_text: RwSignal::new(saved.editor.unwrap_or_else(|| STARTER_YAML.to_string())),
        editor_reset: RwSignal::new(0),
        selected: RwSignal::new(None),
        playing: RwSignal::new(true),
        layout: RwSignal::new(saved.layout.unwrap_or_default()),
        lit_service: RwSignal::new(None),
        traffic: RwSignal::new(BTreeMap::new()),
        notices: RwSignal::new(saved.problems),
    };
    provide_context(ui);
    lesson::provide_lessons(ui);
    share_ui::open_fragment(ui);
    start_clock(ui);
    persist(ui);

    let presenter = move || ui.layout.with(|l| l.presenter);
    let editor_shown = move || ui.layout.with(|l| l.editor_shown);
    let shown = move |panel: &str| ui.layout.with(|l| !l.hidden.iter().any(|h| h == panel));
    view! {
        <div
            class="app"
            class:presenter=presenter
            class:no-editor=move || !editor_shown()
            data-testid="app"
        >
            <header::Header />
            <Notices />
            <main class="workspace">
                <Show when=editor_shown>
                    <editor::Editor />
                </Show>
                <Show when=move || shown("cluster")>
                    <cluster::ClusterPanel />
                </Show>
                <lesson::LessonPanel />
                <Show when=move || shown("desired")>
                    <desired::DesiredPanel />
                </Show>
                <tabs::BottomTabs />
            </main>
        </div>
    }
}

/// Messages about the session, each dismissible.
#[component]
fn Notices() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <Show when=move || ui.notices.with(|n| !n.is_empty())>
            <div class="notices" role="alert" data-testid="notices">
                {move || {
                    ui.notices
                        .get()
                        .into_iter()
                        .map(|n| view! { <p>{n}</p> })
                        .collect_view()
                }}
                <button on:click=move |_| ui.notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}

/// The one timer of the page: while playing, it advances simulated time by the tick
/// times the speed. The interval lives as long as the page.
fn start_clock(ui: Ui) {
    let interval = Interval::new(TICK_MS, move || {
        if ui.playing.get_untracked() {
            let speed = ui.layout.with_untracked(|l| l.speed).clamp(0.25, 20.0);
            ui.sim.advance((f64::from(TICK_MS) * speed).round() as u64);
        }
    });
    interval.forget();
}

/// Saves the session as it changes: the editor text and layout at once, the cluster's
/// session log at most once a second, everything again when the page is hidden.
fn persist(ui: Ui) {
    Effect::new(move |_| {
        ui.editor_text.with(|t| storage::save_editor(t));
    });
    Effect::new(move |_| {
        ui.layout.with(storage::save_layout);
    });
    Effect::new(move |_| {
        ui.sim.console.with(storage::save_console);
    });
    let pending = StoredValue::new(false);
    let save_now = move || {
        let ok = ui.sim.with_log(storage::save_session);
        if !ok {
            let msg = "The cluster could not be saved (browser storage is full or disabled); it will not survive a reload.".to_string();
            ui.notices.update(|n| {
                if !n.contains(&msg) {
                    n.push(msg)
                }
            });
        }
    };
    Effect::new(move |_| {
        ui.sim.version();
        if !pending.get_value() {
            pending.set_value(true);
            // A forgotten one-shot timeout frees itself after it fires.
            Timeout::new(SAVE_DELAY_MS, move || {
                pending.set_value(false);
                save_now();
            })
            .forget();
        }
    });
    let handle = window_event_listener_untyped("pagehide", move |_| save_now());
    // The page never unmounts the app, so the listener stays for its lifetime.
    std::mem::forget(handle);
}
