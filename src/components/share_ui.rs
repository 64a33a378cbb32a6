//! Share links in the page: the header's Share button and its dialog, opening a link
//! at startup, and session files for links too long for a URL. The format is
//! [`share`](super::share)'s; this module is the edge that touches the address bar and
//! the clipboard.
//!
//! A session opened from a link or a file shows, in the console, the commands that built
//! it with their outputs: the replay that rebuilds the cluster prints them
//! ([`History::from_log_with_console`](super::history::History::from_log_with_console)).
//!
//! Opening a link (or a file) never destroys the learner's own work silently: the saved
//! session is set aside first ([`storage::Store::set_aside`]) and the dialog offers it back.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::lesson::Lessons;
use super::lesson_view::lesson_by_id;
use super::share::{decode, decode_file, encode, encode_file, is_share_fragment, Shared, MAX_LINK};
use super::state::{Action, SessionLog};
use super::view::{STARTER_SEED, STARTER_YAML};
use super::Ui;

/// Session files larger than this are refused before they are read.
const MAX_FILE_BYTES: f64 = 1_000_000.0;

/// The tabs a link may ask for (others show the console).
const TABS: [&str; 5] = ["console", "events", "why", "graph", "inspect"];
/// The panels a link may hide.
const PANELS: [&str; 2] = ["cluster", "desired"];

/// The current session as a link's content.
fn current(ui: Ui, lessons: Option<Lessons>) -> Shared {
    let lesson = lessons.and_then(|l| l.progress.with_untracked(|p| p.current.clone()));
    let layout = ui.layout.get_untracked();
    Shared {
        log: ui.sim.with_log(Clone::clone),
        editor: ui.editor_text.get_untracked(),
        lesson,
        tab: layout.tab,
        editor_shown: layout.editor_shown,
        hidden: layout.hidden,
    }
}

/// The page's address without its fragment.
fn page_address() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Removes the fragment from the address bar without a reload or a history entry, so a
/// reload does not open the link again over later work.
fn clear_fragment() {
    let w = window();
    let loc = w.location();
    let url = format!(
        "{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    );
    let replace = js_sys::Reflect::get(&w, &"history".into()).and_then(|history| {
        let f: js_sys::Function =
            js_sys::Reflect::get(&history, &"replaceState".into())?.dyn_into()?;
        f.call3(&history, &JsValue::NULL, &"".into(), &url.into())
    });
    if replace.is_err() {
        // Without the history API, an empty fragment is the next best thing.
        let _ = loc.set_hash("");
    }
}

fn notice(ui: Ui, msg: String) {
    ui.notices.update(|n| {
        if !n.contains(&msg) {
            n.push(msg)
        }
    });
}

/// Saves what is on screen now and sets it aside; true when there was a session to keep.
fn set_aside_current(ui: Ui) -> bool {
    ui.store
        .with_value(|st| ui.sim.with_log(|l| st.save_session(l)));
    ui.store
        .with_value(|st| ui.editor_text.with_untracked(|t| st.save_editor(t)));
    ui.store
        .with_value(|st| ui.sim.console.with_untracked(|c| st.save_console(c)));
    ui.store.with_value(|st| st.set_aside())
}

/// Starts from a shared session: cluster, editor, lesson and panels, with the lines that
/// built the cluster in the console, as the page that made it logged them.
fn open(ui: Ui, lessons: Option<Lessons>, shared: Shared) {
    ui.start_from(shared.log, &shared.editor);
    let lesson = shared.lesson.as_deref().and_then(lesson_by_id);
    if let Some(l) = lessons {
        l.progress
            .update(|p| p.start(lesson.map(|l| l.id.as_str())));
        l.announce.set(String::new());
    }
    ui.layout.update(|l| {
        if TABS.contains(&shared.tab.as_str()) {
            l.tab = shared.tab.clone();
        }
        l.editor_shown = shared.editor_shown;
        l.hidden = shared
            .hidden
            .iter()
            .filter(|p| PANELS.contains(&p.as_str()))
            .cloned()
            .collect();
    });
    if shared.lesson.is_some() && lesson.is_none() {
        notice(
            ui,
            "The shared session was made in a lesson this page does not have; it opens in the sandbox.".into(),
        );
    }
}

/// What opening a link or file did, said in the notices.
fn opened(
    ui: Ui,
    lessons: Option<Lessons>,
    what: &str,
    result: Result<Shared, String>,
    kept: bool,
) {
    let kept_words = if kept {
        " Your own session was set aside: Share, then “Restore my session”, brings it back."
    } else {
        ""
    };
    match result {
        Ok(shared) => {
            open(ui, lessons, shared);
            notice(
                ui,
                format!("Opened a shared session from {what}.{kept_words}"),
            );
        }
        Err(e) => {
            // An empty sandbox: the nodes, no workloads, the starter manifest unapplied.
            ui.start_from(
                SessionLog {
                    seed: STARTER_SEED,
                    actions: Vec::new(),
                },
                STARTER_YAML,
            );
            if let Some(l) = lessons {
                l.progress.update(|p| p.start(None));
            }
            ui.layout.update(|l| l.hidden.clear());
            notice(
                ui,
                format!("{} could not be opened: {e}. An empty sandbox was started instead.{kept_words}", capitalized(what)),
            );
        }
    }
}

/// At startup: if the address holds a share fragment, opens it (or says why not and
/// starts an empty sandbox), sets the previous session aside, and clears the fragment.
pub fn open_fragment(ui: Ui) {
    let hash = window().location().hash().unwrap_or_default();
    if !is_share_fragment(&hash) {
        return;
    }
    clear_fragment();
    let kept = ui.store.with_value(|st| st.set_aside());
    let lessons = use_context::<Lessons>();
    opened(
        ui,
        lessons,
        "the link",
        decode(&hash).map_err(|e| e.to_string()),
        kept,
    );
}

/// Whether the clipboard took the link.
#[derive(Clone, Copy, PartialEq)]
enum CopyState {
    Trying,
    Copied,
    Refused,
}

/// Copies `text` to the clipboard if the browser allows it; `state` says how it went.
fn copy_to_clipboard(text: &str, state: RwSignal<CopyState>) {
    state.set(CopyState::Trying);
    let result = (|| -> Result<(), JsValue> {
        let nav = js_sys::Reflect::get(&window(), &"navigator".into())?;
        let clipboard = js_sys::Reflect::get(&nav, &"clipboard".into())?;
        let write: js_sys::Function =
            js_sys::Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
        let promise = write.call1(&clipboard, &text.into())?;
        let then: js_sys::Function = js_sys::Reflect::get(&promise, &"then".into())?.dyn_into()?;
        let ok = wasm_bindgen::closure::Closure::once_into_js(move |_: JsValue| {
            state.set(CopyState::Copied)
        });
        let refused = wasm_bindgen::closure::Closure::once_into_js(move |_: JsValue| {
            state.set(CopyState::Refused)
        });
        then.call2(&promise, &ok, &refused)?;
        Ok(())
    })();
    if result.is_err() {
        state.set(CopyState::Refused);
    }
}

/// What the dialog shows.
#[derive(Clone, PartialEq)]
struct Link {
    /// The full address.
    url: String,
    /// The session as a file, when the link is too long.
    file: Option<String>,
}

/// The Share button and its dialog.
#[component]
pub fn ShareButton() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lessons = use_context::<Lessons>();
    let link = RwSignal::new(None::<Link>);
    let copy = RwSignal::new(CopyState::Trying);
    let file_result = RwSignal::new(None::<String>);
    let can_restore = RwSignal::new(false);
    let field = NodeRef::<leptos::html::Input>::new();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let close = move || link.set(None);
    let share = move |_| {
        if link.with_untracked(Option::is_some) {
            return close();
        }
        let shared = current(ui, lessons);
        let url = format!("{}{}", page_address(), encode(&shared));
        let file = (url.len() > MAX_LINK).then(|| encode_file(&shared));
        if file.is_none() {
            copy_to_clipboard(&url, copy);
        }
        can_restore.set(ui.store.with_value(|st| st.load_set_aside()).is_some());
        file_result.set(None);
        link.set(Some(Link { url, file }));
        request_animation_frame(move || {
            if let Some(f) = field.get_untracked() {
                let _ = f.focus();
                f.select();
            }
        });
    };
    let download = move |_| {
        if let Some(text) = link.with_untracked(|l| l.as_ref().and_then(|l| l.file.clone())) {
            if let Err(e) = super::lesson::download("kubeplay-session.json", &text) {
                file_result.set(Some(e));
            }
        }
    };
    let open_file = move |_| {
        let Some(el) = file_input.get_untracked() else {
            return;
        };
        let Some(file) = el.files().and_then(|f| f.get(0)) else {
            return;
        };
        el.set_value("");
        read_session_file(ui, lessons, file, file_result, close);
    };
    let restore = move |_| {
        if let Some(saved) = ui.store.with_value(|st| st.load_set_aside()) {
            let log = saved.session.unwrap_or_else(|| SessionLog {
                seed: STARTER_SEED,
                actions: Vec::new(),
            });
            let lesson = match log.actions.first() {
                Some(Action::Lesson { id }) => Some(id.clone()),
                _ => None,
            };
            ui.start_from(log, saved.editor.as_deref().unwrap_or(STARTER_YAML));
            // The saved console; without one, the lines that rebuilt the session.
            if let Some(console) = saved.console {
                ui.sim.console.set(console);
            }
            if let Some(l) = lessons {
                l.progress.update(|p| p.current = lesson);
            }
            ui.store.with_value(|st| st.forget_set_aside());
            ui.notices.set(vec!["Your own session is back.".into()]);
        }
        close();
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            close();
        }
    };
    let url = move || link.with(|l| l.as_ref().map(|l| l.url.clone()).unwrap_or_default());
    let too_long = move || link.with(|l| l.as_ref().is_some_and(|l| l.file.is_some()));
    view! {
        <div class="share-wrap">
            <button
                data-testid="share"
                aria-expanded=move || link.with(Option::is_some).to_string()
                aria-controls="share-dialog"
                title="A link to this session: cluster, editor, lesson and panels"
                on:click=share
            >
                "Share"
            </button>
            <Show when=move || link.with(Option::is_some)>
                <div
                    id="share-dialog"
                    class="share-dialog"
                    role="dialog"
                    aria-label="Share this session"
                    data-testid="share-dialog"
                    on:keydown=on_key
                >
                    <Show
                        when=too_long
                        fallback=move || {
                            view! {
                                <label class="share-label" for="share-link">
                                    "Link to this session (it stays in the address, never sent to a server)"
                                </label>
                                <input
                                    id="share-link"
                                    class="share-link mono"
                                    data-testid="share-link"
                                    readonly
                                    node_ref=field
                                    prop:value=url
                                    on:focus=move |_| {
                                        if let Some(f) = field.get_untracked() {
                                            f.select();
                                        }
                                    }
                                />
                                <p class="small muted" role="status" data-testid="share-copy">
                                    {move || match copy.get() {
                                        CopyState::Trying => String::new(),
                                        CopyState::Copied => "Copied to the clipboard.".into(),
                                        CopyState::Refused => "Select the link and copy it (Ctrl+C).".into(),
                                    }}
                                    {move || format!(" {} characters.", url().len())}
                                </p>
                            }
                        }
                    >
                        <p class="small" data-testid="share-too-long">
                            {move || format!(
                                "This session makes a link of {} characters, more than {MAX_LINK}: browsers and chat programs may cut it. Download it as a file instead, and open the file with Share, “Open a session file”.",
                                url().len()
                            )}
                        </p>
                        <button class="small" data-testid="share-download" on:click=download>
                            "Download session"
                        </button>
                    </Show>
                    <div class="share-actions">
                        <label class="small file-button" title="Open a session downloaded from Share">
                            "Open a session file"
                            <input
                                type="file"
                                accept=".json,application/json"
                                data-testid="share-open-file"
                                node_ref=file_input
                                on:change=open_file
                            />
                        </label>
                        <Show when=move || can_restore.get()>
                            <button class="small" data-testid="share-restore" on:click=restore title="The session you had before you opened a shared one">
                                "Restore my session"
                            </button>
                        </Show>
                        <span class="spacer"></span>
                        <button class="small" on:click=move |_| close()>"Close"</button>
                    </div>
                    {move || file_result.get().map(|m| view! { <p class="small import-error" role="alert">{m}</p> })}
                </div>
            </Show>
        </div>
    }
}

/// Reads a session file and opens it, or says why not.
fn read_session_file(
    ui: Ui,
    lessons: Option<Lessons>,
    file: web_sys::File,
    result: RwSignal<Option<String>>,
    done: impl FnOnce() + 'static,
) {
    if file.size() > MAX_FILE_BYTES {
        result.set(Some(
            "This file is too large to be a kubeplay session (more than 1 MB).".into(),
        ));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else {
        result.set(Some("This browser cannot read files.".into()));
        return;
    };
    let r = reader.clone();
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let text = r
            .result()
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        match decode_file(&text) {
            Ok(shared) => {
                let kept = set_aside_current(ui);
                opened(ui, lessons, "the file", Ok(shared), kept);
                done();
            }
            Err(e) => result.set(Some(format!(
                "This file could not be opened: {}.",
                e.to_string().replace("share link", "session file")
            ))),
        }
    });
    let onerror = wasm_bindgen::closure::Closure::once_into_js(move || {
        result.set(Some("The file could not be read.".into()));
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    reader.set_onerror(Some(onerror.unchecked_ref()));
    if reader.read_as_text(&file).is_err() {
        result.set(Some("The file could not be read.".into()));
    }
}

/// `the link` as the start of a sentence: `The link`.
fn capitalized(what: &str) -> String {
    let mut c = what.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
