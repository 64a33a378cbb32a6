//! The one place that touches localStorage: the editor text, the session log (the seed
//! and actions that rebuild the cluster), the console, the layout and the lesson progress
//! survive a reload; opening a share link sets the session aside first. Stored values that cannot be read are moved
//! aside (kept under a `.unreadable` key) and reported, never a crash.

use serde::{Deserialize, Serialize};

use super::state::{ConsoleState, SessionLog};

const EDITOR: &str = "kubeplay.v1.editor";
const CLUSTER: &str = "kubeplay.v1.session";
const CONSOLE: &str = "kubeplay.v1.console";
const LAYOUT: &str = "kubeplay.v1.layout";
/// Lesson progress, apart from the session: a reset keeps it.
const LESSONS: &str = "kubeplay.v1.lessons";

/// Purely visual choices that survive a reload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layout {
    /// Large text for projectors.
    pub presenter: bool,
    /// Simulation speed (0.25 to 20).
    pub speed: f64,
    /// The bottom tab shown.
    pub tab: String,
    /// Events newest first (else oldest first, as kubectl prints them).
    pub newest_first: bool,
    /// Whether the editor column is shown.
    pub editor_shown: bool,
    /// Panels a lesson hides (`cluster`, `desired`); empty in the sandbox.
    pub hidden: Vec<String>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            presenter: false,
            speed: 1.0,
            tab: "console".into(),
            newest_first: true,
            editor_shown: true,
            hidden: Vec::new(),
        }
    }
}

/// What a reload finds.
#[derive(Default)]
pub struct Saved {
    /// The editor text.
    pub editor: Option<String>,
    /// The session log that rebuilds the cluster.
    pub session: Option<SessionLog>,
    /// The console.
    pub console: Option<ConsoleState>,
    /// The layout.
    pub layout: Option<Layout>,
    /// What could not be read, in words for the page.
    pub problems: Vec<String>,
}

/// Decodes the stored texts; anything unreadable is left out and named in `problems`,
/// with the key it was read from.
pub fn decode(
    editor: Option<String>,
    session: Option<String>,
    console: Option<String>,
    layout: Option<String>,
) -> (Saved, Vec<&'static str>) {
    let mut saved = Saved {
        editor,
        ..Default::default()
    };
    let mut bad = Vec::new();
    if let Some(raw) = session {
        let read = serde_json::from_str::<SessionLog>(&raw)
            .map_err(|e| e.to_string())
            .and_then(|s| s.check().map(|()| s));
        match read {
            Ok(s) => saved.session = Some(s),
            Err(e) => {
                saved.problems.push(format!(
                    "The saved cluster could not be read ({e}); it was set aside and a fresh cluster started."
                ));
                bad.push(CLUSTER);
            }
        }
    }
    if let Some(raw) = console {
        match serde_json::from_str(&raw) {
            Ok(c) => saved.console = Some(c),
            Err(e) => {
                saved.problems.push(format!(
                    "The saved console history could not be read ({e}); it was set aside."
                ));
                bad.push(CONSOLE);
            }
        }
    }
    if let Some(raw) = layout {
        match serde_json::from_str(&raw) {
            Ok(l) => saved.layout = Some(l),
            Err(_) => bad.push(LAYOUT),
        }
    }
    (saved, bad)
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::*;

    /// Suffix of the keys a session is set aside under when a share link replaces it.
    const ASIDE: &str = ".before-share";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn get(key: &str) -> Option<String> {
        storage()?.get_item(key).ok().flatten()
    }

    /// Writes `value`; returns false when the browser refused (quota, private mode).
    pub fn set(key: &str, value: &str) -> bool {
        storage().is_some_and(|s| s.set_item(key, value).is_ok())
    }

    /// Reads everything saved, setting aside what cannot be read.
    pub fn load() -> Saved {
        let (saved, bad) = decode(get(EDITOR), get(CLUSTER), get(CONSOLE), get(LAYOUT));
        if let Some(s) = storage() {
            for key in bad {
                if let Ok(Some(raw)) = s.get_item(key) {
                    let _ = s.set_item(&format!("{key}.unreadable"), &raw);
                }
                let _ = s.remove_item(key);
            }
        }
        saved
    }

    /// The saved lesson progress, as stored.
    pub fn load_lessons() -> Option<String> {
        get(LESSONS)
    }

    /// Forgets the saved session (reset).
    pub fn clear() {
        if let Some(s) = storage() {
            for key in [EDITOR, CLUSTER, CONSOLE] {
                let _ = s.remove_item(key);
            }
        }
    }

    /// Copies the saved session (editor, log, console) aside before a share link
    /// replaces it; returns whether there was a session to keep.
    pub fn set_aside() -> bool {
        let Some(s) = storage() else {
            return false;
        };
        if get(CLUSTER).is_none() {
            return false;
        }
        for key in [EDITOR, CLUSTER, CONSOLE] {
            let aside = format!("{key}{ASIDE}");
            match get(key) {
                Some(raw) => {
                    if s.set_item(&aside, &raw).is_err() {
                        return false;
                    }
                }
                None => {
                    let _ = s.remove_item(&aside);
                }
            }
        }
        true
    }

    /// The session set aside by [`set_aside`], if any.
    pub fn load_set_aside() -> Option<Saved> {
        let aside = |key: &str| get(&format!("{key}{ASIDE}"));
        let raw = aside(CLUSTER)?;
        Some(decode(aside(EDITOR), Some(raw), aside(CONSOLE), None).0)
    }

    /// Forgets the session set aside.
    pub fn forget_set_aside() {
        if let Some(s) = storage() {
            for key in [EDITOR, CLUSTER, CONSOLE] {
                let _ = s.remove_item(&format!("{key}{ASIDE}"));
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod web {
    use super::*;

    pub fn set(_key: &str, _value: &str) -> bool {
        false
    }

    pub fn load() -> Saved {
        Saved::default()
    }

    pub fn load_lessons() -> Option<String> {
        None
    }

    pub fn clear() {}

    pub fn set_aside() -> bool {
        false
    }

    pub fn load_set_aside() -> Option<Saved> {
        None
    }

    pub fn forget_set_aside() {}
}

pub use web::{clear, forget_set_aside, load, load_lessons, load_set_aside, set_aside};

/// Saves the editor text.
pub fn save_editor(text: &str) -> bool {
    web::set(EDITOR, text)
}

/// Saves the session log.
pub fn save_session(log: &SessionLog) -> bool {
    web::set(CLUSTER, &serde_json::to_string(log).unwrap_or_default())
}

/// Saves the console.
pub fn save_console(console: &ConsoleState) -> bool {
    web::set(CONSOLE, &serde_json::to_string(console).unwrap_or_default())
}

/// Saves the lesson progress (JSON).
pub fn save_lessons(json: &str) -> bool {
    web::set(LESSONS, json)
}

/// Saves the layout.
pub fn save_layout(layout: &Layout) -> bool {
    web::set(LAYOUT, &serde_json::to_string(layout).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_state_is_reported_and_set_aside() {
        let (saved, bad) = decode(
            Some("kind: Pod".into()),
            Some("{not json".into()),
            Some("[]".into()),
            Some("{\"presenter\":true}".into()),
        );
        assert_eq!(saved.editor.as_deref(), Some("kind: Pod"));
        assert!(saved.session.is_none() && saved.console.is_none());
        assert_eq!(saved.problems.len(), 2);
        assert!(saved.problems[0].contains("cluster could not be read"));
        assert_eq!(bad, vec![CLUSTER, CONSOLE]);
        let layout = saved.layout.unwrap();
        assert!(layout.presenter);
        assert_eq!(layout.speed, 1.0, "missing fields take their defaults");
    }

    #[test]
    fn a_session_round_trips() {
        let log = SessionLog::starter(5000);
        let raw = serde_json::to_string(&log).unwrap();
        let (saved, bad) = decode(None, Some(raw), None, None);
        assert!(bad.is_empty());
        assert_eq!(saved.session.unwrap().replay().store.pods.len(), 3);
    }
}
