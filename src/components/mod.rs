//! The playground page, built with Leptos over the engine's view models.
//!
//! [`start`] is the only place with side effects at the edges: from an [`AppConfig`] it
//! loads and saves the session ([`storage`]), owns the timer that advances simulated
//! time, and hands the panels a [`Ui`] context of signals. [`Workspace`] lays the panels
//! out; [`App`] is the full page (the default configuration, saved in localStorage) and
//! [`embed`] the `<k8s-playground>` widget (configured by attributes, saved nowhere).
//! The panels read view models ([`view`]) and change the cluster only through
//! [`state::Sim`].

pub mod cluster;
pub mod config;
pub mod desired;
pub mod editor;
pub mod embed;
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

use config::AppConfig;
use state::{Action, ConsoleState, SessionLog, Sim};
use storage::{Layout, Store};
use view::{ClusterView, WorkloadView};

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
    /// The editor's text before a console output replaced it, and the command that
    /// printed that output: kept until the learner keeps or undoes the change.
    pub editor_replaced: RwSignal<Option<(String, String)>>,
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
    /// Messages about the session (stored state that could not be read, configuration
    /// that could not be used).
    pub notices: RwSignal<Vec<String>>,
    /// What this playground was started with.
    pub config: StoredValue<AppConfig>,
    /// Where it saves (nowhere for a widget, unless asked).
    pub store: StoredValue<Store>,
    /// Whether the host lets the clock run: false while a widget is scrolled far away.
    /// The play button ([`Ui::playing`]) is the reader's own choice, apart from this.
    pub awake: RwSignal<bool>,
    /// The playground's root element, for finding its elements by id inside a widget's
    /// shadow root as well as in the page.
    pub root: NodeRef<leptos::html::Div>,
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

    /// The element with this id inside the playground (`document.getElementById` does
    /// not see into a widget's shadow root).
    pub fn find(&self, id: &str) -> Option<web_sys::Element> {
        self.root
            .get_untracked()?
            .query_selector(&format!("#{id}"))
            .ok()
            .flatten()
    }

    /// Puts a manifest the console printed (`-o yaml`) in the editor, showing the editor,
    /// and keeps the text it replaces for [`Ui::undo_editor_replace`].
    pub fn open_in_editor(&self, manifest: &str, command: &str) {
        let previous = self.editor_text.get_untracked();
        // A second replacement keeps the learner's own text, not the first output.
        let previous = self
            .editor_replaced
            .get_untracked()
            .map_or(previous, |(p, _)| p);
        self.editor_replaced
            .set(Some((previous, command.to_string())));
        self.editor_text.set(manifest.to_string());
        self.editor_reset.update(|n| *n += 1);
        self.layout.update(|l| l.editor_shown = true);
    }

    /// Brings back the editor text a console output replaced.
    pub fn undo_editor_replace(&self) {
        if let Some((previous, _)) = self.editor_replaced.get_untracked() {
            self.editor_text.set(previous);
            self.editor_reset.update(|n| *n += 1);
        }
        self.editor_replaced.set(None);
    }

    /// Whether this playground is a widget embedded in another page.
    pub fn embedded(&self) -> bool {
        self.config.with_value(|c| c.embedded)
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

    /// Starts over from `log` with `editor` in the editor (a lesson's start, a shared
    /// session): the console shows the lines that built the cluster ([`Sim::replace`]),
    /// and the selection and traffic marks are cleared.
    pub fn start_from(&self, log: SessionLog, editor: &str) {
        self.sim.replace(log);
        self.editor_text.set(editor.to_string());
        self.editor_reset.update(|n| *n += 1);
        self.editor_replaced.set(None);
        self.selected.set(None);
        self.traffic.set(BTreeMap::new());
    }

    /// Starts over: the configured first cluster and manifest, the saved session
    /// forgotten.
    pub fn reset(&self) {
        self.store.with_value(Store::clear);
        let (log, manifest) = self
            .config
            .with_value(|c| (first_session(c), c.manifest.clone()));
        self.sim.replace(log);
        self.sim.console.set(ConsoleState::default());
        self.editor_text.set(manifest);
        self.editor_reset.update(|n| *n += 1);
        self.editor_replaced.set(None);
        self.selected.set(None);
        self.traffic.set(BTreeMap::new());
    }
}

/// The first session of a configuration: its manifest applied to a cluster of its seed,
/// plus a head start of [`HEAD_START_MS`] so pods are already starting when it is drawn.
pub fn first_session(config: &AppConfig) -> SessionLog {
    let mut actions = Vec::new();
    if !config.manifest.trim().is_empty() {
        actions.push(Action::Apply {
            text: config.manifest.clone(),
        });
    }
    actions.push(Action::Advance {
        ms: HEAD_START_MS,
        times: 1,
    });
    SessionLog {
        seed: config.seed,
        actions,
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let ui = start(AppConfig::page(), Vec::new());
    // Only the full page reads a share link: the iframe page's fragment holds its own
    // parameters.
    share_ui::open_fragment(ui);
    view! { <Workspace ui=ui /> }
}

/// Starts a playground: loads what its store saved (or starts from the configuration),
/// provides the [`Ui`] and lesson contexts, and starts the clock and the save effects.
/// `problems` are messages for the reader (configuration that could not be used).
pub fn start(config: AppConfig, problems: Vec<String>) -> Ui {
    let store = Store::new(config.storage_prefix.clone());
    let saved = store.load();
    let first_visit = saved.session.is_none();
    let session = saved.session.unwrap_or_else(|| first_session(&config));
    // A reload shows the saved console; a first visit (or a console that could not be
    // read) shows the lines that built the cluster, such as the manifest's apply.
    let console = saved.console.filter(|_| !first_visit);
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
    let mut layout = saved.layout.unwrap_or_default();
    if config.embedded {
        layout.speed = config.speed;
        layout.editor_shown = config.shows("editor");
        layout.hidden = ["cluster", "desired"]
            .into_iter()
            .filter(|p| !config.shows(p))
            .map(String::from)
            .collect();
        // The first bottom tab the widget shows is the one it opens on.
        if let Some(tab) = ["console", "events", "graph"]
            .into_iter()
            .find(|t| config.shows(t))
        {
            layout.tab = tab.into();
        }
    }
    let mut notices = saved.problems;
    notices.extend(problems);
    let ui = Ui {
        sim,
        rv,
        cluster: cluster_vm,
        workloads,
        editor_text: RwSignal::new(saved.editor.unwrap_or_else(|| config.manifest.clone())),
        editor_reset: RwSignal::new(0),
        editor_replaced: RwSignal::new(None),
        selected: RwSignal::new(None),
        playing: RwSignal::new(true),
        layout: RwSignal::new(layout),
        lit_service: RwSignal::new(None),
        traffic: RwSignal::new(BTreeMap::new()),
        notices: RwSignal::new(notices),
        config: StoredValue::new(config),
        store: StoredValue::new(store),
        awake: RwSignal::new(true),
        root: NodeRef::new(),
    };
    provide_context(ui);
    let lessons = lesson::provide_lessons(ui);
    if let Some(id) = ui.config.with_value(|c| c.lesson.clone()) {
        lesson::start(ui, lessons, Some(&id));
        // The lesson chose its panels; the widget's own choice can only hide more.
        ui.config.with_value(|c| {
            ui.layout.update(|l| {
                l.editor_shown &= c.shows("editor");
                for p in ["cluster", "desired"] {
                    if !c.shows(p) && !l.hidden.iter().any(|h| h == p) {
                        l.hidden.push(p.into());
                    }
                }
            })
        });
    }
    start_clock(ui);
    persist(ui);
    ui
}

/// The panels of a playground, laid out in its grid.
#[component]
pub fn Workspace(ui: Ui) -> impl IntoView {
    let presenter = move || ui.layout.with(|l| l.presenter);
    let editor_shown = move || ui.layout.with(|l| l.editor_shown);
    let shown = move |panel: &str| ui.layout.with(|l| !l.hidden.iter().any(|h| h == panel));
    let (embedded, lesson_panel, goal_panel, tabs_panel, readonly) = ui.config.with_value(|c| {
        (
            c.embedded,
            !c.embedded || c.lesson.is_some(),
            c.embedded && c.goal.is_some() && c.shows("goal"),
            !c.embedded || c.shows("console") || c.shows("events") || c.shows("graph"),
            c.readonly,
        )
    });
    // A widget takes keys only while focus is inside it, never from the host page.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if embedded {
            header::space_toggles_play(&ev, ui.playing);
        }
    };
    view! {
        <div
            class="app"
            class:presenter=presenter
            class:no-editor=move || !editor_shown()
            class:embedded=embedded
            class:readonly=readonly
            data-testid="app"
            node_ref=ui.root
            // A click anywhere in a widget focuses it, so its keys (Space) work at once.
            tabindex=embedded.then_some("-1")
            on:keydown=on_keydown
        >
            <header::Header />
            <Notices />
            <main class="workspace" part="workspace">
                <Show when=editor_shown>
                    <editor::Editor />
                </Show>
                <Show when=move || shown("cluster")>
                    <cluster::ClusterPanel />
                </Show>
                {lesson_panel.then(|| view! { <lesson::LessonPanel /> })}
                {goal_panel.then(|| view! { <embed::GoalPanel /> })}
                <Show when=move || shown("desired")>
                    <desired::DesiredPanel />
                </Show>
                {tabs_panel.then(|| view! { <tabs::BottomTabs /> })}
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

/// The one timer of a playground: while playing (and awake), it advances simulated time
/// by the tick times the speed. The interval lives as long as the playground: it is
/// dropped, and so stopped, when a widget unmounts.
fn start_clock(ui: Ui) {
    let interval = Interval::new(TICK_MS, move || {
        if ui.playing.get_untracked() && ui.awake.get_untracked() {
            let speed = ui.layout.with_untracked(|l| l.speed).clamp(0.25, 20.0);
            ui.sim.advance((f64::from(TICK_MS) * speed).round() as u64);
        }
    });
    StoredValue::new_local(interval);
}

/// Saves the session as it changes: the editor text and layout at once, the cluster's
/// session log at most once a second, everything again when the page is hidden. A
/// playground whose store saves nowhere starts none of this.
fn persist(ui: Ui) {
    if ui.store.with_value(|s| s.key("session").is_none()) {
        return;
    }
    Effect::new(move |_| {
        ui.editor_text
            .with(|t| ui.store.with_value(|s| s.save_editor(t)));
    });
    Effect::new(move |_| {
        ui.layout
            .with(|l| ui.store.with_value(|s| s.save_layout(l)));
    });
    Effect::new(move |_| {
        ui.sim
            .console
            .with(|c| ui.store.with_value(|s| s.save_console(c)));
    });
    let pending = StoredValue::new(false);
    let save_now = move || {
        let ok = ui
            .sim
            .with_log(|log| ui.store.with_value(|s| s.save_session(log)));
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
                // Gone if the playground was unmounted in the meantime.
                if pending.try_set_value(false).is_none() {
                    save_now();
                }
            })
            .forget();
        }
    });
    let handle = window_event_listener_untyped("pagehide", move |_| save_now());
    on_cleanup(move || handle.remove());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_starts_from_the_same_session_as_before_widgets_existed() {
        assert_eq!(
            first_session(&AppConfig::page()),
            SessionLog::starter(HEAD_START_MS)
        );
    }

    #[test]
    fn a_widget_starts_from_its_seed_and_manifest() {
        let (config, errors) = AppConfig::from_params(&[("seed", "7"), ("manifest", "")]);
        assert!(errors.is_empty());
        let log = first_session(&config);
        assert_eq!(log.seed, 7);
        assert_eq!(
            log.actions,
            [Action::Advance {
                ms: HEAD_START_MS,
                times: 1
            }],
            "an empty manifest applies nothing"
        );
    }
}
