//! The lesson panel's plain-Rust side: the course embedded in the page (in
//! `lessons/index.yaml` order), a small and safe Markdown subset for lesson text,
//! the learner's progress (goals met, hints shown) with its JSON export and import,
//! and the solution split into console lines. No browser types: `cargo test` runs
//! the tests here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::engine::cluster::Cluster;
use crate::engine::lesson::Lesson;
use crate::engine::script;

/// `lessons/index.yaml`, embedded.
pub const INDEX: &str = include_str!("../../lessons/index.yaml");

/// Every lesson file, embedded, in the index's order (a test checks the two agree).
pub const FILES: [(&str, &str); 14] = [
    (
        "01-desired-state.yaml",
        include_str!("../../lessons/01-desired-state.yaml"),
    ),
    (
        "02-self-healing.yaml",
        include_str!("../../lessons/02-self-healing.yaml"),
    ),
    (
        "03-scaling.yaml",
        include_str!("../../lessons/03-scaling.yaml"),
    ),
    (
        "04-immutable-images.yaml",
        include_str!("../../lessons/04-immutable-images.yaml"),
    ),
    (
        "05-rolling-update.yaml",
        include_str!("../../lessons/05-rolling-update.yaml"),
    ),
    (
        "06-rollback.yaml",
        include_str!("../../lessons/06-rollback.yaml"),
    ),
    (
        "07-services.yaml",
        include_str!("../../lessons/07-services.yaml"),
    ),
    (
        "08-namespaces.yaml",
        include_str!("../../lessons/08-namespaces.yaml"),
    ),
    (
        "09-efficiency.yaml",
        include_str!("../../lessons/09-efficiency.yaml"),
    ),
    (
        "10-node-failure.yaml",
        include_str!("../../lessons/10-node-failure.yaml"),
    ),
    (
        "11-autoscaling.yaml",
        include_str!("../../lessons/11-autoscaling.yaml"),
    ),
    (
        "12-recreate-and-readiness.yaml",
        include_str!("../../lessons/12-recreate-and-readiness.yaml"),
    ),
    (
        "13-labels.yaml",
        include_str!("../../lessons/13-labels.yaml"),
    ),
    (
        "14-manifests.yaml",
        include_str!("../../lessons/14-manifests.yaml"),
    ),
];

/// The course, parsed once. A file that does not parse is left out (the test suite
/// fails on it, so a release never has one).
pub fn course() -> &'static [Lesson] {
    static COURSE: OnceLock<Vec<Lesson>> = OnceLock::new();
    COURSE.get_or_init(|| {
        FILES
            .iter()
            .filter_map(|(_, text)| Lesson::parse_embedded(text))
            .collect()
    })
}

/// The lesson with this id.
pub fn lesson_by_id(id: &str) -> Option<&'static Lesson> {
    course().iter().find(|l| l.id == id)
}

/// The position of a lesson in the course.
pub fn position(id: &str) -> Option<usize> {
    course().iter().position(|l| l.id == id)
}

/// The cluster a lesson starts from, by id (used when a session log is replayed).
pub fn start_cluster(id: &str) -> Result<Cluster, String> {
    lesson_by_id(id)
        .ok_or_else(|| format!("no lesson with id {id}"))?
        .start_cluster()
}

/// The message the console prints when a lesson does not allow a command.
pub fn refusal(lesson: &Lesson, line: &str) -> Option<String> {
    if lesson.allows(line) {
        return None;
    }
    Some(format!(
        "This lesson allows only these commands: {}. Choose Sandbox in the lesson panel to use every command.",
        lesson.start.commands.join(", ")
    ))
}

// ---------------------------------------------------------------------------
// Markdown

/// A run of inline text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// `**bold**`.
    Strong(String),
    /// `*emphasis*` or `_emphasis_`.
    Em(String),
    /// `` `code` ``.
    Code(String),
}

/// A block of lesson text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Para(Vec<Inline>),
    /// A list; `ordered` for `1.` items.
    List {
        /// Numbered or bulleted.
        ordered: bool,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
}

/// Parses the Markdown subset lessons use: paragraphs (blank-line separated), `-`,
/// `*` and `1.` lists, `**bold**`, `*em*` and `` `code` ``. Everything else is text;
/// nothing is ever interpreted as HTML.
pub fn markdown(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let flush_para = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Para(inlines(&para.join(" "))));
            para.clear();
        }
    };
    let flush_list = |list: &mut Option<(bool, Vec<String>)>, blocks: &mut Vec<Block>| {
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List {
                ordered,
                items: items.iter().map(|i| inlines(i)).collect(),
            });
        }
    };
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            continue;
        }
        if let Some((ordered, item)) = list_item(line) {
            flush_para(&mut para, &mut blocks);
            match &mut list {
                Some((o, items)) if *o == ordered => items.push(item.to_string()),
                _ => {
                    flush_list(&mut list, &mut blocks);
                    list = Some((ordered, vec![item.to_string()]));
                }
            }
        } else if let Some((_, items)) = &mut list {
            // A continuation line of the last item.
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else {
            para.push(line);
        }
    }
    flush_para(&mut para, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest.trim()));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return Some((true, rest.trim()));
        }
    }
    None
}

/// Splits a line into text, bold, emphasis and code runs. An unclosed marker is text.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let found = if c == '`' {
            close(rest, "`").map(|(inner, after)| (Inline::Code(inner.to_string()), after))
        } else if rest.starts_with("**") {
            close(rest, "**").map(|(inner, after)| (Inline::Strong(inner.to_string()), after))
        } else if c == '*' || c == '_' {
            let marker = if c == '*' { "*" } else { "_" };
            // `_` inside a word (snake_case) is not emphasis.
            let after_word = plain.chars().last().is_some_and(char::is_alphanumeric);
            if c == '_' && after_word {
                None
            } else {
                close(rest, marker).map(|(inner, after)| (Inline::Em(inner.to_string()), after))
            }
        } else {
            None
        };
        match found {
            Some((run, after)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(run);
                rest = after;
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// For `text` starting with `marker`, the non-empty inner text up to the next
/// `marker` and what follows it. Emphasis markers, as in CommonMark, hug their text:
/// `2 * 3 * 4` is arithmetic, not emphasis.
fn close<'a>(text: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let body = &text[marker.len()..];
    let end = body.find(marker)?;
    let inner = &body[..end];
    let hugs = marker == "`" || (inner.trim() == inner);
    (end > 0 && hugs).then(|| (inner, &body[end + marker.len()..]))
}

// ---------------------------------------------------------------------------
// Progress

/// What the learner did in one lesson.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// Goals met in the current attempt (indexes into the lesson's goals). Once met, a
    /// goal stays met: the learner saw it happen.
    pub met: BTreeSet<usize>,
    /// Hints revealed.
    pub hints: usize,
    /// Whether every goal was met at least once.
    pub done: bool,
}

/// What the page saves and exports: the lesson in progress and each lesson's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Always `"kubeplay-progress"`, so a stray JSON file is recognised as not ours.
    pub kind: String,
    /// Format version, 1.
    pub version: u32,
    /// The lesson in progress (`None`: sandbox).
    #[serde(default)]
    pub current: Option<String>,
    /// Per lesson id.
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
}

/// The `kind` of a progress file.
pub const PROGRESS_KIND: &str = "kubeplay-progress";

impl Default for Progress {
    fn default() -> Self {
        Progress {
            kind: PROGRESS_KIND.into(),
            version: 1,
            current: None,
            lessons: BTreeMap::new(),
        }
    }
}

/// A goal met just now, to show and announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewlyMet {
    /// Its index.
    pub index: usize,
    /// Its text.
    pub text: String,
    /// What it teaches.
    pub learned: String,
}

impl Progress {
    /// The current lesson, if any.
    pub fn current_lesson(&self) -> Option<&'static Lesson> {
        self.current.as_deref().and_then(lesson_by_id)
    }

    /// This lesson's progress (empty when never started).
    pub fn of(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    /// Starts (or restarts) a lesson, or the sandbox: the attempt's goals and hints are
    /// cleared, `done` is kept.
    pub fn start(&mut self, id: Option<&str>) {
        self.current = id.map(str::to_string);
        if let Some(id) = id {
            let p = self.lessons.entry(id.to_string()).or_default();
            p.met.clear();
            p.hints = 0;
        }
    }

    /// Checks the current lesson's goals against the cluster; records and returns the
    /// ones met for the first time in this attempt.
    pub fn check(&mut self, cluster: &Cluster) -> Vec<NewlyMet> {
        let Some(lesson) = self.current_lesson() else {
            return Vec::new();
        };
        let p = self.lessons.entry(lesson.id.clone()).or_default();
        let mut new = Vec::new();
        for (i, goal) in lesson.goals.iter().enumerate() {
            if !p.met.contains(&i) && goal.check.met(cluster) {
                p.met.insert(i);
                new.push(NewlyMet {
                    index: i,
                    text: goal.text.clone(),
                    learned: goal.learned.clone(),
                });
            }
        }
        if p.met.len() == lesson.goals.len() {
            p.done = true;
        }
        new
    }

    /// Reveals one more hint of the current lesson.
    pub fn reveal_hint(&mut self) {
        if let Some(lesson) = self.current_lesson() {
            let p = self.lessons.entry(lesson.id.clone()).or_default();
            p.hints = (p.hints + 1).min(lesson.hints.len());
        }
    }

    /// The saved and exported form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a saved or imported progress file. Unknown lessons are dropped and goal
    /// numbers out of range ignored (the course may have changed since); anything
    /// that is not kubeplay progress is refused with a sentence saying why.
    pub fn from_json(text: &str) -> Result<Progress, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("This file is not JSON ({e})."))?;
        if value.get("kind").and_then(|k| k.as_str()) != Some(PROGRESS_KIND) {
            return Err(
                "This file is not kubeplay lesson progress (it has no \"kind\": \"kubeplay-progress\")."
                    .into(),
            );
        }
        let mut p: Progress = crate::engine::decode::from_value(&value)
            .map_err(|e| format!("This progress file could not be read ({}).", e.with_path()))?;
        if p.version != 1 {
            return Err(format!(
                "This progress file has version {}; this kubeplay reads version 1.",
                p.version
            ));
        }
        p.lessons.retain(|id, lp| {
            let Some(lesson) = lesson_by_id(id) else {
                return false;
            };
            lp.met.retain(|&i| i < lesson.goals.len());
            lp.hints = lp.hints.min(lesson.hints.len());
            true
        });
        if p.current
            .as_deref()
            .is_some_and(|id| lesson_by_id(id).is_none())
        {
            p.current = None;
        }
        Ok(p)
    }

    /// Lessons completed, for the list.
    pub fn done_count(&self) -> usize {
        self.lessons.values().filter(|p| p.done).count()
    }
}

// ---------------------------------------------------------------------------
// Solution

/// The solution as console lines, heredocs included, so each runs through the same
/// path as a typed command.
pub fn solution_lines(lesson: &Lesson) -> Vec<String> {
    script::parse(&lesson.solution)
        .map(|steps| {
            steps
                .into_iter()
                .map(|s| match s.stdin {
                    Some(body) => format!("{} <<EOF\n{body}EOF", s.command),
                    None => s.command,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The panels a lesson's `start.panels` hides among those the page can hide
/// (`cluster`, `desired`); an empty list shows everything.
pub fn hidden_panels(panels: &[String]) -> Vec<String> {
    ["cluster", "desired"]
        .into_iter()
        .filter(|p| !panels.is_empty() && !panels.iter().any(|x| x == p))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lessons_hide_the_panels_they_leave_out() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(super::hidden_panels(&[]), Vec::<String>::new());
        assert_eq!(
            super::hidden_panels(&list(&["editor", "cluster", "desired"])),
            Vec::<String>::new()
        );
        assert_eq!(
            super::hidden_panels(&list(&["editor", "console"])),
            list(&["cluster", "desired"])
        );
        assert_eq!(
            super::hidden_panels(&list(&["cluster", "console"])),
            list(&["desired"])
        );
    }

    use super::*;
    use crate::components::state::run_line;
    use crate::engine::lesson::parse_index;

    #[test]
    fn the_embedded_course_is_the_index_in_order() {
        let index = parse_index(INDEX).unwrap();
        let embedded: Vec<&str> = FILES.iter().map(|(f, _)| *f).collect();
        assert_eq!(embedded, index);
        for (file, text) in FILES {
            assert_eq!(
                text,
                std::fs::read_to_string(format!("lessons/{file}")).unwrap()
            );
            let lesson = Lesson::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            // The page reads lessons the lean way; it must read the same lesson.
            assert_eq!(Lesson::parse_embedded(text), Some(lesson), "{file}");
        }
        assert_eq!(course().len(), FILES.len());
        assert_eq!(course()[1].id, "self-healing");
        assert_eq!(position("self-healing"), Some(1));
    }

    #[test]
    fn markdown_subset() {
        let blocks = markdown(
            "A **label selector** and `replicas`, *not* a list.\nSame paragraph.\n\n- one `a`\n- two\n  more\n\n1. first\n2. second",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Para(vec![
                    Inline::Text("A ".into()),
                    Inline::Strong("label selector".into()),
                    Inline::Text(" and ".into()),
                    Inline::Code("replicas".into()),
                    Inline::Text(", ".into()),
                    Inline::Em("not".into()),
                    Inline::Text(" a list. Same paragraph.".into()),
                ]),
                Block::List {
                    ordered: false,
                    items: vec![
                        vec![Inline::Text("one ".into()), Inline::Code("a".into())],
                        vec![Inline::Text("two more".into())],
                    ]
                },
                Block::List {
                    ordered: true,
                    items: vec![
                        vec![Inline::Text("first".into())],
                        vec![Inline::Text("second".into())]
                    ]
                },
            ]
        );
    }

    #[test]
    fn markdown_never_treats_html_or_stray_markers_as_markup() {
        assert_eq!(
            inlines("<script>alert(1)</script> 2 * 3 and snake_case_name **open"),
            vec![Inline::Text(
                "<script>alert(1)</script> 2 * 3 and snake_case_name **open".into()
            )]
        );
        assert_eq!(inlines("`a*b*`"), vec![Inline::Code("a*b*".into())]);
        assert_eq!(
            inlines("é `ü`"),
            vec![Inline::Text("é ".into()), Inline::Code("ü".into())]
        );
    }

    #[test]
    fn every_lesson_text_renders() {
        for l in course() {
            assert!(!markdown(&l.intro).is_empty(), "{}", l.id);
            for s in &l.steps {
                assert!(!markdown(s).is_empty(), "{}", l.id);
            }
        }
    }

    #[test]
    fn goals_tick_and_stay_ticked_through_the_solution_lines() {
        let lesson = lesson_by_id("self-healing").unwrap();
        let mut p = Progress::default();
        p.start(Some("self-healing"));
        let mut c = start_cluster("self-healing").unwrap();
        assert!(p.check(&c).is_empty(), "nothing is met at the start");
        let mut learned = Vec::new();
        for line in solution_lines(lesson) {
            let out = run_line(&mut c, &line);
            assert!(out.ok, "{line}: {}", out.text);
            learned.extend(p.check(&c).into_iter().map(|n| n.index));
        }
        c.settle();
        learned.extend(p.check(&c).into_iter().map(|n| n.index));
        learned.sort();
        assert_eq!(learned, vec![0, 1, 2]);
        let lp = p.of("self-healing");
        assert!(lp.done);
        // Met goals stay met, and are not announced twice.
        assert!(p.check(&c).is_empty());
        p.start(Some("self-healing"));
        assert!(p.of("self-healing").met.is_empty() && p.of("self-healing").done);
    }

    #[test]
    fn progress_round_trips_and_bad_files_are_refused_in_words() {
        let mut p = Progress::default();
        p.start(Some("scaling"));
        p.reveal_hint();
        p.lessons.get_mut("scaling").unwrap().met.insert(0);
        let back = Progress::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p);

        assert!(Progress::from_json("{oops")
            .unwrap_err()
            .contains("not JSON"));
        assert!(Progress::from_json("{\"a\":1}")
            .unwrap_err()
            .contains("not kubeplay lesson progress"));
        assert!(
            Progress::from_json("{\"kind\":\"kubeplay-progress\",\"version\":9}")
                .unwrap_err()
                .contains("version 9")
        );
        assert!(Progress::from_json(
            "{\"kind\":\"kubeplay-progress\",\"version\":1,\"lessons\":{\"x\":3}}"
        )
        .unwrap_err()
        .contains("could not be read"));
        let trimmed = Progress::from_json(
            r#"{"kind":"kubeplay-progress","version":1,"current":"gone",
                "lessons":{"gone":{"done":true},"self-healing":{"met":[0,7],"hints":99}}}"#,
        )
        .unwrap();
        assert_eq!(trimmed.current, None);
        assert_eq!(trimmed.lessons.len(), 1);
        let sh = trimmed.of("self-healing");
        assert_eq!(sh.met.into_iter().collect::<Vec<_>>(), vec![0]);
        assert_eq!(sh.hints, 2);
    }

    #[test]
    fn hints_are_revealed_one_at_a_time_up_to_the_last() {
        let mut p = Progress::default();
        p.reveal_hint();
        assert!(p.lessons.is_empty(), "the sandbox has no hints");
        p.start(Some("self-healing"));
        for _ in 0..5 {
            p.reveal_hint();
        }
        assert_eq!(p.of("self-healing").hints, 2);
    }

    #[test]
    fn a_lesson_with_a_command_list_refuses_others_in_words() {
        let mut lesson = lesson_by_id("self-healing").unwrap().clone();
        assert!(refusal(&lesson, "kubectl delete pod x").is_none());
        lesson.start.commands = vec!["get".into()];
        assert!(refusal(&lesson, "kubectl get pods").is_none());
        let msg = refusal(&lesson, "kubectl delete pod x").unwrap();
        assert!(msg.contains("only these commands: get"), "{msg}");
    }
}
