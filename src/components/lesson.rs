//! The lesson panel: choose a lesson (or the sandbox), read its intro and steps, watch
//! its goals tick as the cluster meets them, reveal hints one by one, show and step
//! through the solution, move to the next lesson, and export or import progress.
//!
//! [`Lessons`] is the panel's context: the learner's [`Progress`], saved through
//! [`storage`]. Goals are checked by one effect whenever the cluster changes (every
//! action and timer tick); the view models and the rules live in [`lesson_view`].

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::lesson::Lesson;

use super::lesson_view::{
    course, lesson_by_id, markdown, position, refusal, solution_lines, Block, Inline, Progress,
};
use super::state::{Action, SessionLog};
use super::Ui;

/// Progress files larger than this are refused before they are read.
const MAX_IMPORT_BYTES: f64 = 1_000_000.0;

/// The lesson panel's shared state.
#[derive(Clone, Copy)]
pub struct Lessons {
    /// What the learner did, saved on every change.
    pub progress: RwSignal<Progress>,
    /// The latest goal met, in words, for the aria-live region.
    pub announce: RwSignal<String>,
    /// The result of the last import (Ok: a message, Err: why the file was refused).
    pub import_result: RwSignal<Option<Result<String, String>>>,
    /// Command words the playground's configuration allows (empty: all).
    pub commands: StoredValue<Vec<String>>,
}

impl Lessons {
    /// Why the console refuses `line` in the current lesson, if it does.
    pub fn refusal(&self, line: &str) -> Option<String> {
        self.progress
            .with_untracked(|p| p.current_lesson().and_then(|l| refusal(l, line)))
            .or_else(|| {
                self.commands
                    .with_value(|c| super::config::refusal(c, line))
            })
    }

    /// The lesson in progress.
    pub fn current(&self) -> Option<&'static Lesson> {
        self.progress.with(Progress::current_lesson)
    }
}

/// Loads the saved progress, provides [`Lessons`] as context, and starts the effects
/// that check goals and save progress.
pub fn provide_lessons(ui: Ui) -> Lessons {
    let progress = match ui.store.with_value(|s| s.load_lessons()) {
        None => Progress::default(),
        Some(raw) => Progress::from_json(&raw).unwrap_or_else(|e| {
            ui.notices.update(|n| {
                n.push(format!(
                    "The saved lesson progress could not be read: {e} Lessons start afresh."
                ))
            });
            Progress::default()
        }),
    };
    let lessons = Lessons {
        progress: RwSignal::new(progress),
        announce: RwSignal::new(String::new()),
        import_result: RwSignal::new(None),
        commands: StoredValue::new(ui.config.with_value(|c| c.commands.clone())),
    };
    provide_context(lessons);

    // Goals are checked whenever the store or the clock moves. Met goals stay met.
    Effect::new(move |_| {
        ui.rv.get();
        ui.sim.read(|c| c.now());
        let mut p = lessons.progress.get_untracked();
        let new = ui.sim.peek(|c| p.check(c));
        if !new.is_empty() {
            let all = p.current_lesson().is_some_and(|l| {
                p.lessons
                    .get(&l.id)
                    .is_some_and(|lp| lp.met.len() == l.goals.len())
            });
            let mut said: Vec<String> = new
                .iter()
                .map(|g| format!("Goal met: {}. {}", g.text, g.learned))
                .collect();
            if all {
                said.push("Lesson complete: every goal is met.".into());
            }
            let said = said.join(" ");
            lessons.announce.set(said);
            lessons.progress.set(p);
            // Bring what just happened into view once it is drawn.
            let target = if all {
                "lesson-complete".to_string()
            } else {
                format!("goal-{}", new[new.len() - 1].index)
            };
            request_animation_frame(move || {
                if let Some(el) = ui.find(&target) {
                    el.scroll_into_view_with_bool(false);
                }
            });
        }
    });
    Effect::new(move |_| {
        lessons
            .progress
            .with(|p| ui.store.with_value(|s| s.save_lessons(&p.to_json())));
    });
    lessons
}

/// Starts a lesson from its beginning (or the sandbox for `None`): the cluster, editor
/// and console start over, and the panels the lesson asks for are shown.
pub fn start(ui: Ui, lessons: Lessons, id: Option<&str>) {
    let lesson = id.and_then(lesson_by_id);
    lessons
        .progress
        .update(|p| p.start(lesson.map(|l| l.id.as_str())));
    lessons.announce.set(String::new());
    match lesson {
        None => {
            ui.reset();
            ui.layout.update(|l| {
                l.editor_shown = true;
                l.hidden.clear();
            });
        }
        Some(l) => {
            ui.start_from(
                SessionLog {
                    seed: l.start.seed,
                    actions: vec![Action::Lesson { id: l.id.clone() }],
                },
                &l.start.editor,
            );
            let panels = &l.start.panels;
            let shows = |p: &str| panels.is_empty() || panels.iter().any(|x| x == p);
            ui.layout.update(|layout| {
                layout.editor_shown = shows("editor");
                layout.hidden = super::lesson_view::hidden_panels(panels);
                layout.tab = if shows("console") {
                    "console".into()
                } else if shows("events") {
                    "events".into()
                } else {
                    layout.tab.clone()
                };
            });
        }
    }
}

/// The lesson panel.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lessons = expect_context::<Lessons>();
    let current_id = Memo::new(move |_| lessons.progress.with(|p| p.current.clone()));
    let choose = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        start(ui, lessons, (!id.is_empty()).then_some(id.as_str()));
    };
    // A teacher mid-demo, or a learner who knows the goals, gives the column to
    // desired vs actual; the lesson goes on (goals are still checked) while folded.
    let folded = move || ui.layout.with(|l| l.lesson_folded);
    let toggle_fold = move |_| ui.layout.update(|l| l.lesson_folded = !l.lesson_folded);
    view! {
        <section
            class="panel lesson-panel"
            part="lesson"
            class:active=move || current_id.with(Option::is_some)
            class:folded=folded
            aria-labelledby="lesson-title"
            data-testid="lesson-panel"
        >
            <header class="panel-head">
                <h2 id="lesson-title">"Lesson"</h2>
                <label class="lesson-choose">
                    <span class="sr-only">"Choose a lesson"</span>
                    <select data-testid="lesson-select" on:change=choose>
                        <option value="" selected=move || current_id.with(Option::is_none)>
                            "Sandbox: no goals"
                        </option>
                        {course()
                            .iter()
                            .enumerate()
                            .map(|(i, l)| {
                                let id = l.id.clone();
                                let id2 = l.id.clone();
                                let done = move || {
                                    lessons.progress.with(|p| p.of(&id2).done)
                                };
                                view! {
                                    <option
                                        value=id.clone()
                                        selected=move || current_id.with(|c| c.as_deref() == Some(id.as_str()))
                                    >
                                        {move || {
                                            format!(
                                                "{}. {}{}",
                                                i + 1,
                                                l.title,
                                                if done() { " ✓" } else { "" },
                                            )
                                        }}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                {move || {
                    let l = current_id.get().as_deref().and_then(lesson_by_id)?;
                    folded().then(|| {
                        let met = lessons.progress.with(|p| p.of(&l.id).met.len());
                        view! {
                            <span class="muted small folded-goals" data-testid="lesson-folded-goals">
                                {format!("{met}/{} goals", l.goals.len())}
                            </span>
                        }
                    })
                }}
                <button
                    class="small fold"
                    data-testid="lesson-fold"
                    aria-expanded=move || (!folded()).to_string()
                    aria-controls="lesson-body"
                    title=move || if folded() { "Show the lesson" } else { "Fold the lesson to its title: more room for desired vs actual" }
                    on:click=toggle_fold
                >
                    <span aria-hidden="true">{move || if folded() { "▸" } else { "▾" }}</span>
                    <span class="sr-only">{move || if folded() { "Show the lesson" } else { "Fold the lesson" }}</span>
                </button>
            </header>
            <div class="lesson-body" id="lesson-body" hidden=folded>
                {move || match current_id.get().as_deref().and_then(lesson_by_id) {
                    Some(l) => view! { <LessonBody lesson=l /> }.into_any(),
                    None => view! { <Sandbox /> }.into_any(),
                }}
            </div>
            <ProgressFiles />
            <div class="sr-only" aria-live="polite" data-testid="goal-announce">
                {move || lessons.announce.get()}
            </div>
        </section>
    }
}

/// What the panel says in sandbox mode.
#[component]
fn Sandbox() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lessons = expect_context::<Lessons>();
    let next = move || {
        lessons.progress.with(|p| {
            course()
                .iter()
                .find(|l| !p.of(&l.id).done)
                .unwrap_or(&course()[0])
        })
    };
    view! {
        <div class="sandbox" data-testid="sandbox">
            <p>
                <strong>"Sandbox."</strong>
                " Anything goes: no goals, every command. Or take the course: "
                {course().len()}
                " short lessons on the ideas of "
                <em>"Kubernetes: Up and Running"</em>
                ", each with goals the cluster checks as you work."
            </p>
            <button
                class="primary"
                data-testid="lesson-begin"
                on:click=move |_| start(ui, lessons, Some(&next().id))
            >
                {move || format!("Start lesson {}: {}", position(&next().id).unwrap_or(0) + 1, next().title)}
            </button>
        </div>
    }
}

/// One lesson: intro, steps, goals, hints, solution, and the way to the next one.
#[component]
fn LessonBody(lesson: &'static Lesson) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lessons = expect_context::<Lessons>();
    let id = lesson.id.as_str();
    let index = position(id).unwrap_or(0);
    let total = course().len();
    let met_count = move || lessons.progress.with(|p| p.of(id).met.len());
    let all_met = move || met_count() == lesson.goals.len();
    let prev = index.checked_sub(1).map(|i| &course()[i]);
    let next = course().get(index + 1);
    view! {
        <article class="lesson" data-testid="lesson" data-lesson=id>
            <p class="lesson-meta muted small">
                {format!("Lesson {} of {total} · {}", index + 1, lesson.concept)}
            </p>
            <h3 class="lesson-title">{lesson.title.clone()}</h3>
            <div class="md intro">{md(&lesson.intro)}</div>
            <ol class="steps" aria-label="Steps">
                {lesson.steps.iter().map(|s| view! { <li class="md">{md(s)}</li> }).collect_view()}
            </ol>
            <h4 class="goals-head">
                "Goals "
                <span class="goal-count" data-testid="goal-count">
                    {move || format!("{} of {}", met_count(), lesson.goals.len())}
                </span>
            </h4>
            <ul class="goals" data-testid="goals">
                {lesson
                    .goals
                    .iter()
                    .enumerate()
                    .map(|(i, g)| {
                        let met = move || lessons.progress.with(|p| p.of(id).met.contains(&i));
                        let learned = g.learned.clone();
                        view! {
                            <li class="goal" id=format!("goal-{i}") class:met=met data-testid="goal" data-met=move || met().to_string()>
                                <span class="tick" aria-hidden="true">{move || if met() { "✓" } else { "" }}</span>
                                <div class="goal-main">
                                    <span class="goal-text">{g.text.clone()}</span>
                                    <span class="sr-only">{move || if met() { " (met)" } else { " (not met yet)" }}</span>
                                    <Show when=met>
                                        <p class="learned" data-testid="learned">{learned.clone()}</p>
                                    </Show>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <Show when=all_met>
                <div class="lesson-complete" id="lesson-complete" data-testid="lesson-complete">
                    <strong>"Lesson complete."</strong>
                    {match next {
                        Some(n) => {
                            view! {
                                <button class="primary" on:click=move |_| start(ui, lessons, Some(&n.id))>
                                    {format!("Next: {} →", n.title)}
                                </button>
                            }
                                .into_any()
                        }
                        None => view! { <span>" That was the last lesson: well done."</span> }.into_any(),
                    }}
                </div>
            </Show>
            <Hints lesson=lesson />
            <Solution lesson=lesson />
            <nav class="lesson-nav" aria-label="Lessons">
                <button
                    data-testid="lesson-prev"
                    disabled=prev.is_none()
                    on:click=move |_| {
                        if let Some(p) = prev {
                            start(ui, lessons, Some(&p.id));
                        }
                    }
                >
                    "← Previous"
                </button>
                <button
                    data-testid="lesson-restart"
                    title="Start this lesson again from its first cluster"
                    on:click=move |_| start(ui, lessons, Some(id))
                >
                    "Restart"
                </button>
                <button
                    data-testid="lesson-next"
                    disabled=next.is_none()
                    on:click=move |_| {
                        if let Some(n) = next {
                            start(ui, lessons, Some(&n.id));
                        }
                    }
                >
                    "Next →"
                </button>
            </nav>
            <p class="muted small chapter">{format!("From {}", lesson.chapter)}</p>
        </article>
    }
}

/// Hints, revealed one at a time.
#[component]
fn Hints(lesson: &'static Lesson) -> impl IntoView {
    let lessons = expect_context::<Lessons>();
    let id = lesson.id.as_str();
    let total = lesson.hints.len();
    let shown = move || lessons.progress.with(|p| p.of(id).hints);
    view! {
        <Show when=move || total != 0>
            <div class="hints">
                <ol class="hint-list" data-testid="hints" aria-live="polite">
                    {move || {
                        lesson
                            .hints
                            .iter()
                            .take(shown())
                            .map(|h| view! { <li class="md">{md(h)}</li> })
                            .collect_view()
                    }}
                </ol>
                <Show when=move || { shown() < total }>
                    <button
                        class="small"
                        data-testid="hint"
                        on:click=move |_| lessons.progress.update(Progress::reveal_hint)
                    >
                        {move || format!("Show a hint ({} of {total})", shown() + 1)}
                    </button>
                </Show>
            </div>
        </Show>
    }
}

/// The solution script, hidden until asked for, runnable a line at a time through the
/// console.
#[component]
fn Solution(lesson: &'static Lesson) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lessons = expect_context::<Lessons>();
    let open = RwSignal::new(false);
    let ran = RwSignal::new(0usize);
    let lines = StoredValue::new(solution_lines(lesson));
    let count = lines.with_value(Vec::len);
    view! {
        <div class="solution">
            <button
                class="small"
                data-testid="show-solution"
                aria-expanded=move || open.get().to_string()
                aria-controls="lesson-solution"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || if open.get() { "Hide solution" } else { "Show solution" }}
            </button>
            <Show when=move || open.get()>
                <div id="lesson-solution" class="solution-body">
                    <p class="muted small">"One way to meet every goal. Run it a line at a time, as if typed into the console."</p>
                    <ol class="solution-lines" data-testid="solution">
                        {lines
                            .get_value()
                            .into_iter()
                            .enumerate()
                            .map(|(i, line)| {
                                view! {
                                    <li class:ran=move || { i < ran.get() } class:next=move || { i == ran.get() }>
                                        <pre>{line}</pre>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    <button
                        class="small"
                        data-testid="solution-step"
                        disabled=move || { ran.get() >= count }
                        on:click=move |_| run_solution_line(ui, lessons, lines, ran)
                    >
                        {move || {
                            if ran.get() >= count {
                                "All lines run".to_string()
                            } else {
                                format!("Run line {} of {count}", ran.get() + 1)
                            }
                        }}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// Runs the next line of the solution as the console would, and shows the console.
fn run_solution_line(
    ui: Ui,
    lessons: Lessons,
    lines: StoredValue<Vec<String>>,
    ran: RwSignal<usize>,
) {
    let i = ran.get_untracked();
    let Some(line) = lines.with_value(|l| l.get(i).cloned()) else {
        return;
    };
    ran.set(i + 1);
    match lessons.refusal(&line) {
        Some(why) => {
            let at = ui.sim.peek(|c| c.now().to_string());
            let out = crate::engine::kubectl::Output::err(format!("{why}\n"));
            ui.sim.console.update(|s| s.push(&line, &out, at));
        }
        None => {
            ui.sim.run(&line);
        }
    }
    ui.layout.update(|l| l.tab = "console".into());
}

/// Export and import of progress as a JSON file.
#[component]
fn ProgressFiles() -> impl IntoView {
    let lessons = expect_context::<Lessons>();
    let input = NodeRef::<leptos::html::Input>::new();
    let export = move |_| {
        let json = lessons.progress.with_untracked(Progress::to_json);
        if let Err(e) = download("kubeplay-progress.json", &json) {
            lessons.import_result.set(Some(Err(e)));
        }
    };
    let import = move |_| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let Some(file) = el.files().and_then(|f| f.get(0)) else {
            return;
        };
        el.set_value("");
        read_progress_file(file, lessons);
    };
    view! {
        <footer class="lesson-foot">
            <span class="muted small" data-testid="lessons-done">
                {move || format!("{} of {} done", lessons.progress.with(Progress::done_count), course().len())}
            </span>
            <span class="spacer"></span>
            <button class="small" data-testid="progress-export" on:click=export title="Download your lesson progress as a JSON file">
                "Export"
            </button>
            <label class="small file-button" title="Load lesson progress from a JSON file">
                "Import"
                <input
                    type="file"
                    accept=".json,application/json"
                    data-testid="progress-import"
                    node_ref=input
                    on:change=import
                />
            </label>
            {move || {
                lessons
                    .import_result
                    .get()
                    .map(|r| match r {
                        Ok(msg) => view! { <p class="import-ok small" role="status" data-testid="import-result">{msg}</p> }.into_any(),
                        Err(msg) => view! { <p class="import-error small" role="alert" data-testid="import-result">{msg}</p> }.into_any(),
                    })
            }}
        </footer>
    }
}

/// Reads an imported progress file and takes it in, or says why not. The lesson in
/// progress stays as it is: the cluster on screen belongs to it.
fn read_progress_file(file: web_sys::File, lessons: Lessons) {
    if file.size() > MAX_IMPORT_BYTES {
        lessons.import_result.set(Some(Err(
            "This file is too large to be kubeplay lesson progress.".into(),
        )));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else {
        lessons
            .import_result
            .set(Some(Err("This browser cannot read files.".into())));
        return;
    };
    let r = reader.clone();
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let text = r
            .result()
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let result = Progress::from_json(&text).map(|mut imported| {
            lessons.progress.update(|p| {
                imported.current = p.current.clone();
                if let Some(id) = &imported.current {
                    // The attempt on screen keeps its own goals.
                    let attempt = p.of(id);
                    let e = imported.lessons.entry(id.clone()).or_default();
                    e.met = attempt.met;
                    e.hints = attempt.hints;
                    e.done |= attempt.done;
                }
                *p = imported;
            });
            let done = lessons.progress.with_untracked(Progress::done_count);
            format!(
                "Progress imported: {done} of {} lessons done.",
                course().len()
            )
        });
        lessons.import_result.set(Some(result));
    });
    let onerror = wasm_bindgen::closure::Closure::once_into_js(move || {
        lessons
            .import_result
            .set(Some(Err("The file could not be read.".into())));
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    reader.set_onerror(Some(onerror.unchecked_ref()));
    if reader.read_as_text(&file).is_err() {
        lessons
            .import_result
            .set(Some(Err("The file could not be read.".into())));
    }
}

/// Offers `text` as a file download through a Blob URL.
pub(crate) fn download(name: &str, text: &str) -> Result<(), String> {
    start_download(name, text).map_err(|e| {
        format!(
            "The download could not start ({}).",
            e.as_string()
                .unwrap_or_else(|| "the browser refused".into())
        )
    })
}

fn start_download(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked a moment later, once the browser has started the download.
    gloo::timers::callback::Timeout::new(1000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Lesson Markdown as elements: text is always text, never HTML.
fn md(text: &str) -> impl IntoView {
    markdown(text)
        .into_iter()
        .map(|block| match block {
            Block::Para(runs) => view! { <p>{runs_view(runs)}</p> }.into_any(),
            Block::List {
                ordered: true,
                items,
            } => view! { <ol>{items.into_iter().map(|i| view! { <li>{runs_view(i)}</li> }).collect_view()}</ol> }
                .into_any(),
            Block::List {
                ordered: false,
                items,
            } => view! { <ul>{items.into_iter().map(|i| view! { <li>{runs_view(i)}</li> }).collect_view()}</ul> }
                .into_any(),
        })
        .collect_view()
}

fn runs_view(runs: Vec<Inline>) -> impl IntoView {
    runs.into_iter()
        .map(|run| match run {
            Inline::Text(t) => t.into_any(),
            Inline::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
            Inline::Em(t) => view! { <em>{t}</em> }.into_any(),
            Inline::Code(t) => view! { <code>{t}</code> }.into_any(),
        })
        .collect_view()
}
