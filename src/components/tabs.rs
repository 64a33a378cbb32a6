//! The bottom tabs: the kubectl console, the event log, the causes log ("Why"), and the
//! inspector that shows a clicked object's `kubectl describe` and YAML.

use leptos::prelude::*;

use crate::engine::kubectl::describe::describe;
use crate::engine::kubectl::get::to_yaml;

use super::view::{cause_rows, event_rows, is_manifest};
use super::Ui;

/// Rows the event and causes logs draw at most (the newest).
const LOG_ROWS: usize = 200;

const TABS: [(&str, &str); 5] = [
    ("console", "kubectl"),
    ("events", "Events"),
    ("why", "Why"),
    ("graph", "Graph"),
    ("inspect", "Inspect"),
];

/// The tab strip and the visible tab.
#[component]
pub fn BottomTabs() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let tab = move || ui.layout.with(|l| l.tab.clone());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Arrow keys move between tabs, as in every tablist.
        let step: isize = match ev.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => -1,
            _ => return,
        };
        let i = TABS.iter().position(|(id, _)| *id == tab()).unwrap_or(0) as isize;
        let next = (i + step).rem_euclid(TABS.len() as isize) as usize;
        ui.layout.update(|l| l.tab = TABS[next].0.into());
        if let Some(el) = ui
            .find(&format!("tab-{}", TABS[next].0))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    };
    view! {
        <section class="panel bottom-panel" part="tabs" aria-label="Console and logs">
            <div class="tablist" role="tablist" aria-label="Console and logs" on:keydown=on_key>
                {TABS
                    .iter()
                    .map(|(id, label)| {
                        let id = *id;
                        let selected = move || tab() == id;
                        view! {
                            <button
                                role="tab"
                                id=format!("tab-{id}")
                                data-testid=format!("tab-{id}")
                                aria-selected=move || selected().to_string()
                                aria-controls=format!("tabpanel-{id}")
                                tabindex=move || if selected() { "0" } else { "-1" }
                                class="tab"
                                on:click=move |_| ui.layout.update(|l| l.tab = id.into())
                            >
                                {*label}
                                {(id == "inspect")
                                    .then_some(
                                        move || {
                                            ui.selected
                                                .get()
                                                .map(|s| {
                                                    view! {
                                                        <span class="tab-sub">
                                                            {format!(": {}/{}", s.kind.to_ascii_lowercase(), s.name)}
                                                        </span>
                                                    }
                                                })
                                        }
                                    )}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="tabpanel" role="tabpanel" id=move || format!("tabpanel-{}", tab()) aria-labelledby=move || format!("tab-{}", tab())>
                {move || match tab().as_str() {
                    "events" => view! { <Events /> }.into_any(),
                    "why" => view! { <Why /> }.into_any(),
                    "graph" => view! { <super::graph::Graph /> }.into_any(),
                    "inspect" => view! { <Inspect /> }.into_any(),
                    _ => view! { <Console /> }.into_any(),
                }}
            </div>
        </section>
    }
}

/// The kubectl console: the same lines the runner takes, with history.
#[component]
fn Console() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let input = RwSignal::new(String::new());
    // Position in the history while browsing it with the arrows (None: a new line).
    let cursor = RwSignal::new(None::<usize>);
    let log = NodeRef::<leptos::html::Div>::new();
    let field = NodeRef::<leptos::html::Input>::new();
    // A manifest printed here can go to the editor, where there is one to edit.
    let can_edit = ui.config.with_value(|c| !c.readonly && c.shows("editor"));
    let scroll_down = move || {
        if let Some(el) = log.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    };
    Effect::new(move |_| {
        ui.sim.console.track();
        scroll_down();
    });
    // A lesson may allow only some commands; the lesson panel says which.
    let lessons = use_context::<super::lesson::Lessons>();
    let submit = move || {
        let line = input.get_untracked();
        let line = line.trim();
        if line.is_empty() {
            return;
        }
        let line = line.to_string();
        ui.sim.console.update(|s| s.remember(&line));
        if line == "clear" {
            ui.sim.console.update(|s| s.entries.clear());
        } else if let Some(why) = lessons.and_then(|l| l.refusal(&line)) {
            let at = ui.sim.peek(|c| c.now().to_string());
            let out = crate::engine::kubectl::Output::err(format!("{why}\n"));
            ui.sim.console.update(|s| s.push(&line, &out, at));
        } else {
            ui.sim.run(&line);
        }
        input.set(String::new());
        cursor.set(None);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let history = ui.sim.console.with_untracked(|s| s.history.clone());
        match ev.key().as_str() {
            "ArrowUp" if !history.is_empty() => {
                ev.prevent_default();
                let i = cursor
                    .get_untracked()
                    .map_or(history.len() - 1, |i| i.saturating_sub(1));
                cursor.set(Some(i));
                input.set(history[i].clone());
            }
            "ArrowDown" => {
                ev.prevent_default();
                match cursor.get_untracked() {
                    Some(i) if i + 1 < history.len() => {
                        cursor.set(Some(i + 1));
                        input.set(history[i + 1].clone());
                    }
                    _ => {
                        cursor.set(None);
                        input.set(String::new());
                    }
                }
            }
            _ => {}
        }
    };
    view! {
        <div class="console" on:click=move |_| {
            // A click anywhere in the console (not a selection) focuses the prompt.
            let selecting = window().get_selection().ok().flatten().is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(f) = field.get() {
                    let _ = f.focus();
                }
            }
        }>
            <div class="console-log" node_ref=log data-testid="console-output" aria-live="polite">
                <For each=move || ui.sim.console.get().entries key=|e| e.id let:e>
                    <div class="entry" class:failed=!e.ok data-testid="console-entry">
                        <div class="cmd">
                            <span class="prompt" aria-hidden="true">"$ "</span>
                            <span data-testid="console-command">{e.command.clone()}</span>
                            <span class="at muted" data-testid="console-at">{e.at.clone()}</span>
                        </div>
                        {(!e.output.is_empty()).then(|| view! { <pre class="out" data-testid="console-out">{e.output.clone()}</pre> })}
                        {(can_edit && e.ok && is_manifest(&e.output)).then(|| {
                            let (text, command) = (e.output.clone(), e.command.clone());
                            view! {
                                <button
                                    class="small to-editor"
                                    data-testid="console-to-editor"
                                    title="Replace the editor's text with this manifest (Undo brings yours back)"
                                    on:click=move |_| ui.open_in_editor(&text, &command)
                                >
                                    "Open in editor"
                                </button>
                            }
                        })}
                    </div>
                </For>
            </div>
            <form class="console-input" on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }>
                <span class="prompt" aria-hidden="true">"$"</span>
                <input
                    node_ref=field
                    data-testid="console-input"
                    aria-label="Command: kubectl, or sleep, settle, node, image push, traffic, load"
                    placeholder="kubectl get pods · node fail node-2 · image push nginx:1.28 · traffic web 20 · sleep 30s"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_key
                />
                <button type="submit" class="small">"Run"</button>
            </form>
        </div>
    }
}

/// The event log, filterable by object or reason.
#[component]
fn Events() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let filter = RwSignal::new(String::new());
    let newest_first = move || ui.layout.with(|l| l.newest_first);
    let rows = Memo::new(move |_| {
        ui.rv.get();
        let f = filter.get();
        let mut rows = ui.sim.peek(|c| event_rows(&c.store, &f, LOG_ROWS));
        if newest_first() {
            rows.reverse();
        }
        rows
    });
    view! {
        <div class="log-tools">
            <label>
                <span class="sr-only">"Filter events by object or reason"</span>
                <input
                    class="small-input"
                    data-testid="events-filter"
                    placeholder="Filter: pod/web, node-2, Scheduled…"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            </label>
            <button class="small" aria-pressed=move || newest_first().to_string() on:click=move |_| ui.layout.update(|l| l.newest_first = !l.newest_first)>
                {move || if newest_first() { "Newest first" } else { "Oldest first" }}
            </button>
            <span class="muted small">{move || format!("{} shown", rows.with(Vec::len))}</span>
        </div>
        <div class="table-wrap">
            <table class="log" data-testid="events">
                <thead>
                    <tr>
                        <th scope="col">"LAST SEEN"</th>
                        <th scope="col">"TYPE"</th>
                        <th scope="col">"REASON"</th>
                        <th scope="col">"OBJECT"</th>
                        <th scope="col">"MESSAGE"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.uid.clone() let:r>
                        <tr class:warning=r.type_ == "Warning">
                            <td class="mono">{r.last_seen.clone()}</td>
                            <td>{r.type_.clone()}</td>
                            <td>{r.reason.clone()}</td>
                            <td class="mono">
                                <button class="link" on:click={
                                    let o = r.object.clone();
                                    move |_| filter.set(o.clone())
                                } title="Show only this object's events">{r.object.clone()}</button>
                            </td>
                            <td>{r.message.clone()}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// The causes log: which controller did what, and why.
#[component]
fn Why() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let rows = Memo::new(move |_| {
        ui.rv.get();
        ui.sim.peek(|c| cause_rows(c, LOG_ROWS))
    });
    view! {
        <div class="table-wrap">
            <table class="log" data-testid="causes">
                <thead>
                    <tr>
                        <th scope="col">"AT"</th>
                        <th scope="col">"WHO"</th>
                        <th scope="col">"OBJECT"</th>
                        <th scope="col">"WHY"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|(k, _)| k.clone() let:row>
                        <tr>
                            <td class="mono">{row.1.at.clone()}</td>
                            <td>{row.1.actor.clone()}</td>
                            <td class="mono">{row.1.object.clone()}</td>
                            <td>{row.1.message.clone()}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// The selected object's `kubectl describe` or YAML, and a delete button.
#[component]
fn Inspect() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let as_yaml = RwSignal::new(false);
    let body = Memo::new(move |_| {
        ui.rv.get();
        let sel = ui.selected.get()?;
        let yaml = as_yaml.get();
        ui.sim.peek(|c| {
            let obj = c.store.get_object(&sel.kind, &sel.namespace, &sel.name);
            Some(match obj {
                Some(o) if yaml => to_yaml(&o.to_api_value()),
                Some(o) => describe(&o, &c.store, c.now()),
                None => format!(
                    "{}/{} no longer exists.",
                    sel.kind.to_ascii_lowercase(),
                    sel.name
                ),
            })
        })
    });
    let delete = move |_| {
        if let Some(s) = ui.selected.get_untracked() {
            let ns = if s.namespace.is_empty() {
                String::new()
            } else {
                format!(" -n {}", s.namespace)
            };
            ui.sim.run(&format!(
                "kubectl delete {} {}{ns} --wait=false",
                s.kind.to_ascii_lowercase(),
                s.name
            ));
        }
    };
    let deletable = move || {
        ui.selected
            .with(|s| s.as_ref().is_some_and(|s| s.kind != "Node"))
    };
    view! {
        <Show
            when=move || ui.selected.with(Option::is_some)
            fallback=|| view! { <p class="empty">"Click a pod, node, Service or workload to see its kubectl describe and YAML here."</p> }
        >
            <div class="log-tools">
                <strong class="mono">
                    {move || ui.selected.get().map(|s| format!("{}/{}", s.kind.to_ascii_lowercase(), s.name))}
                </strong>
                <div class="seg" role="group" aria-label="Show as">
                    <button class="small" aria-pressed=move || (!as_yaml.get()).to_string() on:click=move |_| as_yaml.set(false)>"describe"</button>
                    <button class="small" aria-pressed=move || as_yaml.get().to_string() on:click=move |_| as_yaml.set(true)>"YAML"</button>
                </div>
                <span class="spacer"></span>
                <Show when=deletable>
                    <button class="small danger" data-testid="inspect-delete" on:click=delete>
                        {move || format!("Delete {}", ui.selected.get().map(|s| s.kind.to_ascii_lowercase()).unwrap_or_default())}
                    </button>
                </Show>
            </div>
            <pre class="inspect-body" data-testid="inspect">{move || body.get().unwrap_or_default()}</pre>
        </Show>
    }
}
