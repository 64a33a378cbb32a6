//! The `<k8s-playground>` widget's Rust side: [`mount`] starts a playground from the
//! element's attributes inside a container (a div in the element's shadow root) and
//! returns the [`Widget`] the element drives; the JavaScript boundary is in `main.rs`
//! and the element itself in `js/k8s-playground.js`.
//!
//! Every widget is its own Leptos owner with its own [`Ui`]: its own cluster, seed,
//! console and signals, saved nowhere unless it asks (`persist`), so two widgets on a
//! page share only the wasm instance. A widget reports what happens through one
//! callback, as events `{type, payload}`: `ready`, `state` (converged or running
//! changed), `command` (a console line ran), `goal` (a goal was met or lost) and
//! `error` (configuration that could not be used).

use std::any::Any;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use leptos::prelude::*;
use serde_json::{json, Value};

use super::config::{AppConfig, GoalSpec};
use super::view::all_converged;
use super::{start, Ui, Workspace};

/// Real milliseconds between two lines of an autoplay script.
const AUTOPLAY_MS: u32 = 1500;

/// Where a widget's events go: the event type and its payload.
pub type Emit = Rc<dyn Fn(&str, Value)>;

/// A mounted widget, as the element holds it.
pub struct Widget {
    ui: Ui,
    /// The next console entry id not yet reported as a `command` event.
    reported: StoredValue<u64>,
    /// Dropping it unmounts the view and disposes the widget's reactive owner, which
    /// stops its timers.
    handle: Option<Box<dyn Any>>,
}

/// The state of a goal given by `goal=`, checked whenever the cluster changes.
#[derive(Clone, Copy)]
pub struct GoalState {
    /// The goal.
    pub spec: StoredValue<GoalSpec>,
    /// Whether the cluster meets it now.
    pub met: Memo<bool>,
    /// What the aria-live region says.
    pub announce: RwSignal<String>,
}

/// Mounts a widget into `container`. `params_json` is the element's attributes as a
/// JSON list of `[name, value]` pairs (the manifest slot's text as `manifest`); names it
/// does not know are ignored, values it cannot use are shown in the widget and reported
/// as `error` events.
pub fn mount(container: web_sys::HtmlElement, params_json: &str, emit: Emit) -> Widget {
    let (params, bad_json) =
        match crate::engine::decode::from_json::<Vec<(String, String)>>(params_json) {
            Ok(p) => (p, None),
            Err(e) => (
                Vec::new(),
                Some(format!(
                    "The widget's settings could not be read ({e}); it starts with none."
                )),
            ),
        };
    let (config, mut errors) = AppConfig::from_params(&params);
    errors.extend(bad_json);
    let slot = Rc::new(std::cell::Cell::new(None::<(Ui, StoredValue<u64>)>));
    let out = slot.clone();
    let handle = leptos::mount::mount_to(container, move || {
        let goal = config.goal.clone();
        let autoplay = config.autoplay.clone();
        let ui = start(config, errors.clone());
        let emit = StoredValue::new_local(emit);
        let send = move |ty: &str, payload: Value| {
            emit.with_value(|e| e(ty, payload));
        };
        for message in &errors {
            send("error", json!({ "message": message }));
        }
        let goal = goal.map(|g| provide_goal(ui, g));
        let reported = report(ui, goal, send);
        run_autoplay(ui, autoplay);
        out.set(Some((ui, reported)));
        // The same view type as the page's App, so the wasm builds it with one copy of
        // the code.
        view! { <Workspace ui=ui /> }
    });
    let (ui, reported) = slot.take().expect("mount_to runs its closure at once");
    Widget {
        ui,
        reported,
        handle: Some(Box::new(handle)),
    }
}

impl Widget {
    /// Lets the clock run (scrolled near) or stops it (scrolled far), apart from the
    /// reader's own play and pause.
    pub fn set_running(&self, running: bool) {
        if self.handle.is_some() {
            self.ui.awake.set(running);
        }
    }

    /// Runs a console line as if typed (the configuration's `commands` do not apply: the
    /// host page is the author); returns whether it succeeded and what it printed.
    pub fn run(&self, line: &str) -> (bool, String) {
        if self.handle.is_none() {
            return (false, "the widget is unmounted\n".into());
        }
        let out = self.ui.sim.run(line);
        self.ui.sim.console.update(|s| s.remember(line));
        // The host asked and gets the answer; no `command` event repeats it.
        self.reported
            .set_value(self.ui.sim.console.with_untracked(|c| c.next_id));
        (out.ok, out.text)
    }

    /// The widget's state now, as the `state` event reports it.
    pub fn state(&self) -> Value {
        if self.handle.is_none() {
            return json!({ "mounted": false });
        }
        snapshot(self.ui)
    }

    /// Unmounts the widget: its view, signals and timers are gone.
    pub fn unmount(&mut self) {
        self.handle.take();
    }
}

/// The `state` payload.
fn snapshot(ui: Ui) -> Value {
    let converged = ui.workloads.with_untracked(|w| all_converged(w));
    let running = ui.playing.get_untracked() && ui.awake.get_untracked();
    ui.sim.peek(|c| {
        json!({
            "clock": c.now().to_string(),
            "ms": c.now().0,
            "converged": converged,
            "running": running,
            "pods": c.store.pods.len(),
        })
    })
}

/// Checks the goal whenever the cluster changes and provides it to the goal panel.
fn provide_goal(ui: Ui, spec: GoalSpec) -> GoalState {
    let spec = StoredValue::new(spec);
    let met = Memo::new(move |_| {
        ui.rv.get();
        ui.sim.read(|c| c.now());
        spec.with_value(|g| ui.sim.peek(|c| g.check.met(c)))
    });
    let goal = GoalState {
        spec,
        met,
        announce: RwSignal::new(String::new()),
    };
    provide_context(goal);
    goal
}

/// Reports what happens as events: `ready` at once, then `state`, `command` and `goal`.
/// Returns the console position already reported.
fn report(
    ui: Ui,
    goal: Option<GoalState>,
    send: impl Fn(&str, Value) + Copy + 'static,
) -> StoredValue<u64> {
    send(
        "ready",
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "seed": ui.config.with_value(|c| c.seed),
            "panels": ui.config.with_value(|c| c.panels.clone()),
            "state": snapshot(ui),
        }),
    );
    let reported = StoredValue::new(ui.sim.console.with_untracked(|c| c.next_id));
    Effect::new(move |_| {
        let from = reported.get_value();
        ui.sim.console.with(|c| {
            for e in c.entries.iter().filter(|e| e.id >= from) {
                send(
                    "command",
                    json!({ "line": e.command, "ok": e.ok, "output": e.output, "at": e.at }),
                );
            }
            reported.set_value(c.next_id);
        });
    });
    let shape = Memo::new(move |_| {
        (
            ui.workloads.with(|w| all_converged(w)),
            ui.playing.get() && ui.awake.get(),
        )
    });
    Effect::new(move |first: Option<()>| {
        // get(), not track(): a memo that is only tracked is never evaluated.
        shape.get();
        if first.is_some() {
            send("state", snapshot(ui));
        }
    });
    if let Some(goal) = goal {
        Effect::new(move |before: Option<bool>| {
            let met = goal.met.get();
            if before.is_some_and(|b| b != met) || (before.is_none() && met) {
                let text = goal.spec.with_value(|g| g.text.clone());
                goal.announce.set(if met {
                    format!("Goal met: {text}.")
                } else {
                    format!("Goal no longer met: {text}.")
                });
                send("goal", json!({ "met": met, "goal": text }));
            }
            met
        });
    }
    if let Some(lessons) = use_context::<super::lesson::Lessons>() {
        Effect::new(move |_| {
            let said = lessons.announce.get();
            if !said.is_empty() {
                let lesson = lessons.progress.with_untracked(|p| p.current.clone());
                send(
                    "goal",
                    json!({ "met": true, "goal": said, "lesson": lesson }),
                );
            }
        });
    }
    reported
}

/// Runs the autoplay script a line at a time while the widget runs.
fn run_autoplay(ui: Ui, lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    let mut next = 0;
    let interval = Interval::new(AUTOPLAY_MS, move || {
        if next < lines.len() && ui.playing.get_untracked() && ui.awake.get_untracked() {
            ui.sim.run(&lines[next]);
            next += 1;
        }
    });
    // Owned by the widget: dropped (stopped) when it unmounts.
    StoredValue::new_local(interval);
}

/// The goal panel of a widget with `goal=`: the goal in words, met or not, announced in
/// an aria-live region when that changes.
#[component]
pub fn GoalPanel() -> impl IntoView {
    let Some(goal) = use_context::<GoalState>() else {
        return ().into_any();
    };
    let met = goal.met;
    let text = goal.spec.with_value(|g| g.text.clone());
    view! {
        <section class="panel goal-panel" part="goal" aria-labelledby="goal-title" data-testid="goal-panel">
            <header class="panel-head">
                <h2 id="goal-title">"Goal"</h2>
                <span class="spacer"></span>
                {move || {
                    if met.get() {
                        view! { <span class="pill health-ok"><span class="dot" aria-hidden="true"></span>"Met"</span> }.into_any()
                    } else {
                        view! { <span class="pill health-busy"><span class="dot" aria-hidden="true"></span>"Not yet"</span> }.into_any()
                    }
                }}
            </header>
            <p class="goal-line" class:met=move || met.get() data-testid="widget-goal" data-met=move || met.get().to_string()>
                <span class="tick" aria-hidden="true">{move || if met.get() { "✓" } else { "○" }}</span>
                <span>{text}</span>
            </p>
            <div class="sr-only" aria-live="polite" data-testid="goal-announce">
                {move || goal.announce.get()}
            </div>
        </section>
    }
    .into_any()
}
