//! The YAML editor: a plain textarea (so the browser's own undo, selection and input
//! methods work) laid over a highlighted copy of the text, with line numbers, the
//! engine's diagnostics at their lines, a preview of what Apply will change, and Apply.

use gloo::timers::callback::Timeout;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::kubectl::Output;

use super::view::{apply_diff, check_manifest, highlight_line, split_lines, DiffEntry, Problem};
use super::Ui;

/// How long typing must pause before the text is parsed and validated.
const CHECK_DELAY_MS: u32 = 250;

/// The editor panel.
#[component]
pub fn Editor() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let text = ui.editor_text;
    let problems = RwSignal::new(Vec::<Problem>::new());
    let diff = RwSignal::new(Vec::<DiffEntry>::new());
    let output = RwSignal::new(None::<Output>);
    // After Escape, Tab moves focus out of the editor instead of indenting.
    let escape_armed = RwSignal::new(false);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    // A read-only widget shows the YAML but neither edits nor applies it.
    let readonly = ui.config.with_value(|c| c.readonly);

    let check = move || {
        let t = text.get_untracked();
        ui.sim.peek(|c| {
            problems.set(check_manifest(&t, &c.store));
            diff.set(apply_diff(&t, c));
        });
    };
    check();
    // Debounce: each change bumps the generation; only the latest timeout checks.
    let generation = StoredValue::new(0u64);
    let schedule = move || {
        let g = generation.get_value() + 1;
        generation.set_value(g);
        Timeout::new(CHECK_DELAY_MS, move || {
            // The editor may have been hidden (its signals disposed) before this fires:
            // then there is nothing left to check.
            if generation.try_get_value() == Some(g) {
                check();
            }
        })
        .forget();
    };
    // The preview compares with the live cluster, so it follows the cluster too, and
    // text put in from outside (a reset, a console output) is checked like typing.
    Effect::new(move |first: Option<()>| {
        ui.rv.get();
        ui.editor_reset.get();
        if first.is_some() {
            schedule();
        }
    });

    let apply = move || {
        // Applying keeps whatever the editor holds, a console output included.
        ui.editor_replaced.set(None);
        let out = ui.sim.apply(&text.get_untracked());
        output.set(Some(out));
        check();
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            if !readonly {
                apply();
            }
            return;
        }
        if key == "Escape" {
            escape_armed.set(true);
            return;
        }
        if key == "Tab"
            && !ev.shift_key()
            && !ev.ctrl_key()
            && !ev.alt_key()
            && !escape_armed.get_untracked()
        {
            ev.prevent_default();
            // insertText goes through the browser's editing stack, so Ctrl+Z undoes it.
            let doc = document().unchecked_into::<web_sys::HtmlDocument>();
            let _ = doc.exec_command_with_show_ui_and_value("insertText", false, "  ");
            return;
        }
        escape_armed.set(false);
    };

    let jump_to = move |line: usize| {
        let Some(el) = textarea.get() else { return };
        let t = text.get_untracked();
        let start: usize = t
            .split('\n')
            .take(line.saturating_sub(1))
            .map(|l| l.encode_utf16().count() + 1)
            .sum();
        let len = t
            .split('\n')
            .nth(line.saturating_sub(1))
            .map_or(0, |l| l.encode_utf16().count());
        let _ = el.focus();
        let _ = el.set_selection_range(start as u32, (start + len) as u32);
    };

    let lines = move || text.with(|t| split_lines(t).len());
    let cols = move || {
        text.with(|t| {
            split_lines(t)
                .iter()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0)
        })
    };
    let error_lines = move || {
        problems.with(|p| {
            p.iter()
                .map(|p| (p.line, p.error, p.message.clone()))
                .collect::<Vec<_>>()
        })
    };
    let error_count = move || problems.with(|p| p.iter().filter(|p| p.error).count());
    let initial = move || {
        ui.editor_reset.track();
        text.get_untracked()
    };

    view! {
        <section class="panel editor-panel" part="editor" aria-labelledby="editor-title" data-testid="editor-panel">
            <header class="panel-head">
                <h2 id="editor-title">"Desired state"</h2>
                <span class="muted small">"editor.yaml"</span>
                <span class="spacer"></span>
                {move || {
                    let n = error_count();
                    let w = problems.with(|p| p.len()) - n;
                    if n > 0 {
                        view! {
                            <span class="pill health-bad" data-testid="problem-count">
                                {format!("{n} problem{}", if n == 1 { "" } else { "s" })}
                            </span>
                        }
                            .into_any()
                    } else if w > 0 {
                        view! { <span class="pill health-busy">{format!("{w} warning{}", if w == 1 { "" } else { "s" })}</span> }.into_any()
                    } else {
                        view! { <span class="pill health-ok">"Valid"</span> }.into_any()
                    }
                }}
            </header>
            <div class="editor-scroll">
                <div class="editor-grid" style:--lines=move || lines().to_string() style:--cols=move || cols().to_string()>
                    <div class="gutter" aria-hidden="true">
                        {move || {
                            let errs = error_lines();
                            (1..=lines())
                                .map(|n| {
                                    let mark = errs.iter().find(|(l, _, _)| *l == n).map(|(_, e, _)| *e);
                                    let class = match mark {
                                        Some(true) => "ln err",
                                        Some(false) => "ln warn",
                                        None => "ln",
                                    };
                                    view! { <div class=class>{n}</div> }
                                })
                                .collect_view()
                        }}
                    </div>
                    <div class="code-stack">
                        <pre class="code-hl" aria-hidden="true">
                            {move || {
                                let errs = error_lines();
                                text.with(|t| {
                                    split_lines(t)
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, line)| {
                                            let here: Vec<&(usize, bool, String)> = errs.iter().filter(|(l, _, _)| *l == i + 1).collect();
                                            let class = match here.first() {
                                                Some((_, true, _)) => "line err",
                                                Some((_, false, _)) => "line warn",
                                                None => "line",
                                            };
                                            let msg = here.first().map(|(_, _, m)| m.clone());
                                            view! {
                                                <div class=class>
                                                    {highlight_line(line)
                                                        .into_iter()
                                                        .map(|(tok, s)| view! { <span class=tok.css()>{s}</span> })
                                                        .collect_view()}
                                                    "\u{200b}"
                                                    {msg.map(|m| view! { <span class="line-msg">{m}</span> })}
                                                </div>
                                            }
                                        })
                                        .collect_view()
                                })
                            }}
                        </pre>
                        <textarea
                            class="code-input"
                            node_ref=textarea
                            data-testid="editor-input"
                            aria-label="YAML manifest (Ctrl+Enter applies; Escape then Tab leaves the editor)"
                            aria-describedby="editor-problems"
                            spellcheck="false"
                            autocapitalize="off"
                            autocomplete="off"
                            wrap="off"
                            readonly=readonly
                            prop:value=initial
                            on:input=move |ev| {
                                text.set(event_target_value(&ev));
                                schedule();
                            }
                            on:keydown=on_keydown
                            on:blur=move |_| escape_armed.set(false)
                        ></textarea>
                    </div>
                </div>
            </div>
            <Show when=move || escape_armed.get()>
                <p class="hint small">"Tab now leaves the editor."</p>
            </Show>
            <div id="editor-problems" class="problems" data-testid="editor-problems" aria-live="polite">
                <For
                    each=move || problems.get()
                    key=|p| (p.line, p.column, p.message.clone())
                    let:p
                >
                    {
                        let line = p.line;
                        view! {
                            <button
                                class="problem"
                                class:warn=!p.error
                                data-testid="editor-problem"
                                data-line=line.to_string()
                                on:click=move |_| jump_to(line)
                                title="Go to this line"
                            >
                                <span class="where">{format!("line {}", p.line)}</span>
                                <span class="sev">{if p.error { "error" } else { "warning" }}</span>
                                <span class="msg">{p.message.clone()}</span>
                                {p.path.clone().map(|path| view! { <code class="path">{path}</code> })}
                            </button>
                        }
                    }
                </For>
            </div>
            {move || {
                ui.editor_replaced
                    .get()
                    .map(|(_, command)| {
                        view! {
                            <div class="replaced" role="status" data-testid="editor-replaced">
                                <span>"Replaced with the output of "<code>{command}</code></span>
                                <span class="spacer"></span>
                                <button class="small" data-testid="editor-undo-replace" on:click=move |_| ui.undo_editor_replace()>
                                    "Undo"
                                </button>
                                <button class="small" title="Keep this text" aria-label="Keep this text" on:click=move |_| ui.editor_replaced.set(None)>
                                    "Keep"
                                </button>
                            </div>
                        }
                    })
            }}
            <div class="apply-bar" hidden=readonly>
                <button
                    class="primary"
                    data-testid="apply"
                    on:click=move |_| apply()
                    title="kubectl apply -f editor.yaml (Ctrl+Enter)"
                >
                    "Apply"
                </button>
                <kbd>"Ctrl+Enter"</kbd>
                <span class="spacer"></span>
            </div>
            <div class="diff" hidden=readonly data-testid="apply-diff" aria-label="What Apply will change">
                {move || {
                    let (n, unchanged) = diff.with(|d| (d.len(), d.iter().filter(|d| d.verb == "unchanged").count()));
                    (n > 0 && unchanged == n && error_count() == 0)
                        .then(|| view! { <p class="diff-none">"Apply would change nothing: the cluster already has this desired state."</p> })
                }}
                <For
                    each=move || {
                        diff.get().into_iter().filter(|d| d.verb != "unchanged").collect::<Vec<_>>()
                    }
                    key=|d| (d.object.clone(), d.verb, d.changes.clone())
                    let:d
                >
                    <div class="diff-obj" class:quiet=d.verb == "unchanged">
                        <span class="diff-name">{d.object.clone()}</span>
                        <span class=format!("diff-verb v-{}", d.verb)>
                            {match d.verb {
                                "created" => "will be created",
                                "configured" => "will change",
                                _ => "unchanged",
                            }}
                        </span>
                        <ul>
                            {d
                                .changes
                                .iter()
                                .map(|(path, before, after)| {
                                    view! {
                                        <li>
                                            <code class="path">{path.clone()}</code>
                                            <span class="before">{before.clone()}</span>
                                            <span aria-label="becomes">" → "</span>
                                            <span class="after">{after.clone()}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                </For>
            </div>
            {move || {
                output
                    .get()
                    .map(|o| {
                        view! {
                            <pre class="apply-output" class:failed=!o.ok data-testid="apply-output" role="status">
                                {o.text}
                            </pre>
                        }
                    })
            }}
        </section>
    }
}
