//! The top bar: the simulated clock and time controls, the cluster's overall state,
//! reset, and the presenter and editor toggles.

use leptos::prelude::*;

use super::view::all_converged;
use super::Ui;

/// Speeds offered, as multiples of real time.
const SPEEDS: [(f64, &str); 8] = [
    (0.25, "0.25×"),
    (0.5, "0.5×"),
    (1.0, "1×"),
    (2.0, "2×"),
    (5.0, "5×"),
    (10.0, "10×"),
    (15.0, "15×"),
    (20.0, "20×"),
];

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let clock = move || ui.sim.read(|c| c.now().to_string());
    let playing = ui.playing;
    let converged = move || ui.workloads.with(|w| all_converged(w));
    let has_workloads = move || ui.workloads.with(|w| !w.is_empty());
    let speed = move || ui.layout.with(|l| l.speed);
    let toggle_play = move |_| playing.update(|p| *p = !*p);
    // "sandbox", or the lesson in progress.
    let lessons = use_context::<super::lesson::Lessons>();
    let mode = move || {
        lessons
            .and_then(|l| l.current())
            .map_or_else(|| "sandbox".to_string(), |l| format!("lesson: {}", l.title))
    };
    // Space plays and pauses. On the page it is a window shortcut; a widget handles it on
    // its own root (see Workspace), so it never takes keys from the host page.
    if !ui.embedded() {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            space_toggles_play(&ev, playing);
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <header class="topbar" part="toolbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"⎈"</span>
                <span class="brand-name">"kubeplay"</span>
                <span class="mode muted" data-testid="mode">{mode}</span>
            </div>
            <div class="time" role="group" aria-label="Simulated time">
                <span class="clock" data-testid="clock" aria-label="Simulated time" title="Simulated time (mm:ss)">
                    {clock}
                </span>
                <button
                    class="icon-btn"
                    data-testid="play"
                    aria-pressed=move || playing.get().to_string()
                    aria-label=move || if playing.get() { "Pause" } else { "Play" }
                    title="Play or pause simulated time (Space outside text fields)"
                    on:click=toggle_play
                >
                    <span aria-hidden="true">{move || if playing.get() { "❚❚" } else { "▶" }}</span>
                    <span class="btn-label">{move || if playing.get() { "Pause" } else { "Play" }}</span>
                </button>
                <button
                    class="icon-btn"
                    data-testid="step"
                    title="Advance to the next moment a controller acts"
                    on:click=move |_| {
                        playing.set(false);
                        ui.sim.step();
                    }
                >
                    <span class="btn-label">"Step"</span>
                </button>
                <label class="speed">
                    <span>"Speed"</span>
                    <select
                        data-testid="speed"
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                ui.layout.update(|l| l.speed = v);
                            }
                        }
                    >
                        {SPEEDS
                            .iter()
                            .map(|(v, label)| {
                                let v = *v;
                                view! {
                                    <option value=v.to_string() selected=move || speed() == v>
                                        {*label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <div class="state" aria-live="polite" data-testid="cluster-state">
                <Show
                    when=has_workloads
                    fallback=|| view! { <span class="pill">"No workloads"</span> }
                >
                    <Show
                        when=converged
                        fallback=|| {
                            view! {
                                <span class="pill health-busy" data-testid="converging">
                                    <span class="dot" aria-hidden="true"></span>
                                    "Converging"
                                </span>
                            }
                        }
                    >
                        <span class="pill health-ok" data-testid="converged">
                            <span class="dot" aria-hidden="true"></span>
                            "Converged"
                        </span>
                    </Show>
                </Show>
            </div>
            <div class="tools">
                // A widget's session belongs to its docs page, which reads no share
                // fragment; only the full page offers links.
                {(!ui.embedded()).then(|| view! { <super::share_ui::ShareButton /> })}
                <button
                    aria-pressed=move || ui.layout.with(|l| l.editor_shown).to_string()
                    on:click=move |_| ui.layout.update(|l| l.editor_shown = !l.editor_shown)
                    title="Show or hide the YAML editor"
                >
                    "Editor"
                </button>
                <button
                    data-testid="presenter"
                    aria-pressed=move || ui.layout.with(|l| l.presenter).to_string()
                    on:click=move |_| ui.layout.update(|l| l.presenter = !l.presenter)
                    title="Large text for projectors"
                    aria-label="Presenter: large text"
                >
                    <span aria-hidden="true">"A+"</span>
                    <span class="btn-label" aria-hidden="true">" Presenter"</span>
                </button>
                <button
                    data-testid="reset"
                    title="Start over: the first cluster and manifest"
                    on:click=move |_| match lessons.filter(|l| l.current().is_some()) {
                        // In a lesson, starting over means the lesson's own start.
                        Some(l) => {
                            let id = l.current().map(|c| c.id.clone());
                            super::lesson::start(ui, l, id.as_deref());
                        }
                        None => ui.reset(),
                    }
                >
                    "Reset"
                </button>
            </div>
        </header>
    }
}

/// Space plays and pauses, except where Space types or presses something.
pub fn space_toggles_play(ev: &web_sys::KeyboardEvent, playing: RwSignal<bool>) {
    if ev.key() != " " || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let in_control = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
            )
        });
    if !in_control {
        ev.prevent_default();
        playing.update(|p| *p = !*p);
    }
}
