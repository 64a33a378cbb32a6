//! What a playground starts from and shows: [`AppConfig`]. The full page uses
//! [`AppConfig::page`]; an embedded widget (the `<k8s-playground>` element or
//! `embed.html#...`) builds one from its attributes or URL parameters with
//! [`AppConfig::from_params`], the one parser of both. Plain Rust, no browser types:
//! `cargo test` runs the tests here.
//!
//! Unknown names are ignored (a docs page may carry attributes of its own); a value that
//! cannot be used falls back to the default and is named in the errors the widget shows.

use crate::engine::lesson::{Check, Lesson};
use crate::engine::script;

use super::lesson_view::lesson_by_id;
use super::view::{STARTER_SEED, STARTER_YAML};

/// Panels a playground can show (`panels=`), in the order the docs list them.
pub const PANELS: [&str; 7] = [
    "editor", "console", "cluster", "desired", "events", "graph", "goal",
];

/// Panels a widget shows when `panels` is not given.
pub const DEFAULT_WIDGET_PANELS: [&str; 5] = ["editor", "cluster", "console", "events", "goal"];

/// The localStorage key prefix of the full page (kept from before widgets existed).
pub const PAGE_STORAGE_PREFIX: &str = "kubeplay.v1";

/// When a widget starts simulating (`start=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartMode {
    /// When scrolled near the viewport; paused again when far (the default).
    #[default]
    Visible,
    /// A poster first; the reader clicks to start.
    Click,
    /// At once.
    Eager,
}

/// Colours (`theme=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follows the host page's colours (not the operating system's).
    #[default]
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// A goal given in one line (`goal="deployment: {name: web, available: 5}"`): a lesson
/// [`Check`] written as in lesson files, and its words for the goal panel.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSpec {
    /// What the goal panel says.
    pub text: String,
    /// The condition on the cluster.
    pub check: Check,
}

/// Everything a playground is configured by.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// The cluster's seed.
    pub seed: u64,
    /// The starting YAML, applied at start and shown in the editor.
    pub manifest: String,
    /// A lesson to start (its id).
    pub lesson: Option<String>,
    /// A one-line goal.
    pub goal: Option<GoalSpec>,
    /// Panels shown ([`PANELS`]).
    pub panels: Vec<String>,
    /// The reader can watch and run commands but not edit or apply the YAML.
    pub readonly: bool,
    /// Command words the console accepts (`get`, `scale`, `node`); empty: all.
    pub commands: Vec<String>,
    /// When the simulation starts (widgets only; the page starts at once).
    pub start: StartMode,
    /// Console lines run one after another once the widget starts.
    pub autoplay: Vec<String>,
    /// Simulation speed, 0.25 to 20.
    pub speed: f64,
    /// Colours.
    pub theme: Theme,
    /// Embedded in another page: keys and sizes stay inside the widget.
    pub embedded: bool,
    /// The localStorage key prefix, or `None`: nothing is saved (widgets by default, so
    /// two widgets never share state).
    pub storage_prefix: Option<String>,
}

impl AppConfig {
    /// The full page: the starter cluster, every panel, saved in localStorage.
    pub fn page() -> AppConfig {
        AppConfig {
            seed: STARTER_SEED,
            manifest: STARTER_YAML.to_string(),
            lesson: None,
            goal: None,
            panels: PANELS.iter().map(|p| p.to_string()).collect(),
            readonly: false,
            commands: Vec::new(),
            start: StartMode::Eager,
            autoplay: Vec::new(),
            speed: 1.0,
            theme: Theme::Auto,
            embedded: false,
            storage_prefix: Some(PAGE_STORAGE_PREFIX.to_string()),
        }
    }

    /// A widget with nothing configured: the starter cluster, nothing saved.
    pub fn widget() -> AppConfig {
        AppConfig {
            panels: DEFAULT_WIDGET_PANELS
                .iter()
                .map(|p| p.to_string())
                .collect(),
            start: StartMode::Visible,
            embedded: true,
            storage_prefix: None,
            ..AppConfig::page()
        }
    }

    /// Reads a widget's configuration from attribute (or URL parameter) names and
    /// values, in order. Returns the configuration and, in words, every value that could
    /// not be used (its default was kept). Unknown names are ignored; never panics.
    pub fn from_params<K: AsRef<str>, V: AsRef<str>>(
        params: &[(K, V)],
    ) -> (AppConfig, Vec<String>) {
        let mut c = AppConfig::widget();
        let mut errors = Vec::new();
        let mut panels_given = false;
        for (name, value) in params {
            let (name, value) = (name.as_ref(), value.as_ref());
            let v = value.trim();
            match name {
                "seed" => match v.parse::<u64>() {
                    Ok(s) => c.seed = s,
                    Err(_) => errors.push(format!(
                        "seed=\"{v}\" is not a whole number from 0 to {}; seed {} is used.",
                        u64::MAX,
                        c.seed
                    )),
                },
                "manifest" => c.manifest = dedent(value),
                "lesson" if v.is_empty() => {}
                "lesson" => match lesson_by_id(v) {
                    Some(l) => c.lesson = Some(l.id.clone()),
                    None => errors.push(format!("lesson=\"{v}\" is not a lesson id.")),
                },
                "goal" if v.is_empty() => {}
                "goal" => match parse_goal(v) {
                    Ok(g) => c.goal = Some(g),
                    Err(e) => errors.push(format!("goal=\"{v}\" cannot be read: {e}")),
                },
                "panels" => {
                    panels_given = true;
                    c.panels.clear();
                    for p in words(v) {
                        if PANELS.contains(&p) {
                            if !c.panels.iter().any(|x| x == p) {
                                c.panels.push(p.to_string());
                            }
                        } else {
                            errors.push(format!(
                                "panels: \"{p}\" is not a panel (one of {}).",
                                PANELS.join(", ")
                            ));
                        }
                    }
                }
                "readonly" => c.readonly = !matches!(v, "false" | "no" | "0"),
                "commands" => c.commands = words(v).map(String::from).collect(),
                "start" => match v {
                    "" | "visible" => c.start = StartMode::Visible,
                    "click" => c.start = StartMode::Click,
                    "eager" => c.start = StartMode::Eager,
                    _ => errors.push(format!(
                        "start=\"{v}\" is not one of visible, click, eager; visible is used."
                    )),
                },
                "autoplay" => match autoplay_lines(value) {
                    Ok(lines) => c.autoplay = lines,
                    Err(e) => errors.push(format!("autoplay cannot be read: {e}")),
                },
                "speed" => match v.trim_end_matches(['x', '×']).parse::<f64>() {
                    Ok(s) if (0.25..=20.0).contains(&s) => c.speed = s,
                    _ => errors.push(format!(
                        "speed=\"{v}\" is not a number from 0.25 to 20; 1 is used."
                    )),
                },
                "theme" => match v {
                    "" | "auto" => c.theme = Theme::Auto,
                    "light" => c.theme = Theme::Light,
                    "dark" => c.theme = Theme::Dark,
                    _ => errors.push(format!(
                        "theme=\"{v}\" is not one of auto, light, dark; auto is used."
                    )),
                },
                "persist" if v.is_empty() => {}
                "persist" => {
                    if v.chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
                    {
                        c.storage_prefix = Some(format!("{PAGE_STORAGE_PREFIX}.embed.{v}"));
                    } else {
                        errors.push(format!(
                            "persist=\"{v}\" may use only letters, digits, - _ and .; nothing is saved."
                        ));
                    }
                }
                _ => {}
            }
        }
        // A goal or lesson given without a goal panel asked for still shows its goals.
        if !panels_given && c.goal.is_none() && c.lesson.is_none() {
            c.panels.retain(|p| p != "goal");
        }
        (c, errors)
    }

    /// Whether `panel` is shown.
    pub fn shows(&self, panel: &str) -> bool {
        self.panels.iter().any(|p| p == panel)
    }
}

/// The message the console prints when the configuration's `commands` do not allow
/// `line`, if they do not.
pub fn refusal(commands: &[String], line: &str) -> Option<String> {
    if crate::engine::lesson::command_allowed(commands, line) {
        return None;
    }
    Some(format!(
        "This playground allows only these commands: {}.",
        commands.join(", ")
    ))
}

/// Splits a list written with commas or spaces.
fn words(v: &str) -> impl Iterator<Item = &str> {
    v.split([',', ' ', '\n', '\t']).filter(|w| !w.is_empty())
}

/// Removes the indentation every non-blank line shares, and blank lines at both ends: a
/// manifest inside an indented `<pre>` reads as written.
pub fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(start), Some(end)) = (start, end) else {
        return String::new();
    };
    let lines = &lines[start..=end];
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for l in lines {
        // Indentation is ASCII whitespace, so the cut is on a character boundary.
        out.push_str(l.get(indent..).unwrap_or("").trim_end());
        out.push('\n');
    }
    out
}

/// The autoplay script as console lines: one command a line, or several on one line
/// separated by `;` (attribute values are often one line). Heredocs stay whole.
pub fn autoplay_lines(value: &str) -> Result<Vec<String>, String> {
    let text = dedent(value);
    let text = if text.contains("<<") {
        text
    } else {
        text.split([';', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let steps = script::parse(&text).map_err(|e| e.to_string())?;
    Ok(steps
        .into_iter()
        .map(|s| match s.stdin {
            Some(body) => format!("{} <<EOF\n{body}EOF", s.command),
            None => s.command,
        })
        .collect())
}

/// Reads a one-line goal: a lesson check such as `deployment: {name: web, available: 5}`
/// or `pods: {selector: app=web, ready: 3}`.
///
/// It is read as the check of a one-goal lesson, so the wasm carries one decoder for
/// checks, the lessons' (a separate one cost about 40 KB).
pub fn parse_goal(text: &str) -> Result<GoalSpec, String> {
    let line = text.replace(['\n', '\r'], " ");
    let line = line.trim();
    let check = if line.starts_with('{') {
        line.to_string()
    } else {
        format!("{{{line}}}")
    };
    let lesson = format!(
        "id: goal\ntitle: goal\nconcept: goal\nchapter: goal\nintro: goal\nsolution: ''\n\
         goals:\n  - text: goal\n    learned: goal\n    check: {check}\n"
    );
    let mut lesson = Lesson::parse(&lesson).map_err(|e| {
        // "line 9, column 12: goals[0].check: unknown field..." names places in the
        // wrapper, not in the goal.
        let e = e
            .rsplit_once("goals[0].check")
            .map_or(e.as_str(), |(_, rest)| rest);
        let e = e.split(" at line ").next().unwrap_or(e);
        e.trim_start_matches(['.', ':', ' ']).to_string()
    })?;
    let check = lesson.goals.remove(0).check;
    Ok(GoalSpec {
        text: describe_goal(line),
        check,
    })
}

/// A goal in words for the goal panel, from how it was written:
/// `deployment: {name: web, available: 5}` reads `deployment web: available 5`.
pub fn describe_goal(line: &str) -> String {
    let line = line.trim().trim_start_matches('{').trim_end_matches('}');
    let Some((kind, fields)) = line.split_once(':') else {
        return line.trim().to_string();
    };
    let fields = fields.trim().trim_start_matches('{').trim_end_matches('}');
    let name_keys = ["name", "deployment", "service", "selector"];
    let mut name = "";
    let mut rest = Vec::new();
    for field in fields.split(',') {
        let Some((k, v)) = field.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim().trim_matches(['"', '\'']));
        if name.is_empty() && name_keys.contains(&k) {
            name = v;
        } else if !(k == "current" && v == "false") {
            rest.push(format!("{} {v}", k.replace('_', " ")));
        }
    }
    let kind = kind.trim().replace('_', " ");
    match (name.is_empty(), rest.is_empty()) {
        (true, _) => format!("{kind}: {}", rest.join(", ")),
        (false, true) => format!("{kind} {name}"),
        (false, false) => format!("{kind} {name}: {}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(params: &[(&str, &str)]) -> (AppConfig, Vec<String>) {
        AppConfig::from_params(params)
    }

    #[test]
    fn nothing_given_is_the_starter_cluster_unsaved() {
        let (c, errors) = parse(&[]);
        assert!(errors.is_empty());
        assert_eq!(c.seed, STARTER_SEED);
        assert_eq!(c.manifest, STARTER_YAML);
        assert!(c.embedded);
        assert_eq!(c.storage_prefix, None, "two widgets never share storage");
        assert_eq!(c.start, StartMode::Visible);
        assert_eq!(c.panels, ["editor", "cluster", "console", "events"]);
    }

    #[test]
    fn every_documented_attribute_is_read() {
        let (c, errors) = parse(&[
            ("seed", "7"),
            (
                "manifest",
                "\n    kind: Pod\n    metadata:\n      name: a\n",
            ),
            ("lesson", "desired-state"),
            ("goal", "deployment: {name: web, available: 5}"),
            ("panels", "cluster, console,goal"),
            ("readonly", ""),
            ("commands", "get,scale describe"),
            ("start", "click"),
            ("autoplay", "kubectl get pods; settle"),
            ("speed", "5"),
            ("theme", "dark"),
            ("persist", "intro"),
        ]);
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(c.seed, 7);
        assert_eq!(c.manifest, "kind: Pod\nmetadata:\n  name: a\n");
        assert_eq!(c.lesson.as_deref(), Some("desired-state"));
        assert_eq!(c.goal.unwrap().text, "deployment web: available 5");
        assert_eq!(c.panels, ["cluster", "console", "goal"]);
        assert!(c.readonly);
        assert_eq!(c.commands, ["get", "scale", "describe"]);
        assert_eq!(c.start, StartMode::Click);
        assert_eq!(c.autoplay, ["kubectl get pods", "settle"]);
        assert_eq!(c.speed, 5.0);
        assert_eq!(c.theme, Theme::Dark);
        assert_eq!(c.storage_prefix.as_deref(), Some("kubeplay.v1.embed.intro"));
    }

    #[test]
    fn unknown_attributes_are_ignored() {
        let (c, errors) = parse(&[("class", "wide"), ("data-x", "1"), ("id", "w1")]);
        assert!(errors.is_empty());
        assert_eq!(c, AppConfig::from_params::<&str, &str>(&[]).0);
    }

    #[test]
    fn bad_values_keep_their_default_and_say_why() {
        let (c, errors) = parse(&[
            ("seed", "-3"),
            ("lesson", "nope"),
            ("goal", "deployment: {nme: web}"),
            ("panels", "cluster,terminal"),
            ("start", "soon"),
            ("speed", "100"),
            ("theme", "purple"),
            ("persist", "a/b"),
            ("autoplay", "kubectl apply -f - <<EOF\nkind: Pod"),
        ]);
        assert_eq!(c.seed, STARTER_SEED);
        assert_eq!(c.lesson, None);
        assert_eq!(c.goal, None);
        assert_eq!(c.panels, ["cluster"]);
        assert_eq!(c.start, StartMode::Visible);
        assert_eq!(c.speed, 1.0);
        assert_eq!(c.theme, Theme::Auto);
        assert_eq!(c.storage_prefix, None);
        assert_eq!(c.autoplay, Vec::<String>::new());
        assert_eq!(errors.len(), 9, "{errors:#?}");
        assert!(errors[0].starts_with("seed=\"-3\""), "{}", errors[0]);
        assert!(errors[2].contains("nme"), "{}", errors[2]);
        assert!(errors[3].contains("\"terminal\" is not a panel"));
    }

    #[test]
    fn goals_read_every_lesson_check_and_say_it_in_words() {
        let cases = [
            (
                "pods: {selector: app=web, ready: 3}",
                "pods app=web: ready 3",
            ),
            (
                "node: {name: node-2, ready: false}",
                "node node-2: ready false",
            ),
            (
                "endpoints: {service: web, ready: 2}",
                "endpoints web: ready 2",
            ),
            (
                "event: {reason: Killing, kind: Pod}",
                "event: reason Killing, kind Pod",
            ),
        ];
        for (line, words) in cases {
            assert_eq!(
                parse_goal(line).map(|g| g.text),
                Ok(words.to_string()),
                "{line}"
            );
        }
        assert!(parse_goal("frobnicate: {}").is_err());
        assert!(parse_goal("[[[").is_err());
        assert!(parse_goal("deployment: {name: web}\nsolution: x").is_err());
        let e = parse_goal("deployment: {nme: web}").unwrap_err();
        assert!(e.starts_with("deployment.nme: unknown field `nme`"), "{e}");
    }

    #[test]
    fn no_input_panics() {
        for v in [
            "",
            " ",
            "\u{0}",
            "ééé",
            "{",
            "- - -",
            "99999999999999999999999",
        ] {
            for name in [
                "seed", "manifest", "lesson", "goal", "panels", "readonly", "commands", "start",
                "autoplay", "speed", "theme", "persist",
            ] {
                let _ = parse(&[(name, v)]);
            }
        }
    }

    #[test]
    fn commands_limit_the_console() {
        let allowed = vec!["get".to_string(), "node".to_string()];
        assert_eq!(refusal(&allowed, "kubectl get pods"), None);
        assert_eq!(refusal(&allowed, "node fail node-2"), None);
        let why = refusal(&allowed, "kubectl delete pod x").unwrap();
        assert!(why.contains("get, node"), "{why}");
        assert_eq!(refusal(&[], "kubectl delete pod x"), None);
    }

    #[test]
    fn dedent_keeps_relative_indentation() {
        assert_eq!(
            dedent("\n\n  a:\n    b: 1\n\n  c: 2\n  "),
            "a:\n  b: 1\n\nc: 2\n"
        );
        assert_eq!(dedent("   \n"), "");
    }
}
