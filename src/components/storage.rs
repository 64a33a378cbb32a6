//! The one place that touches localStorage: the editor text, the session log (the seed
//! and actions that rebuild the cluster), the console, the layout and the lesson progress
//! survive a reload. Stored values that cannot be read are moved
//! aside (kept under a `.unreadable` key) and reported, never a crash.

use serde::{Deserialize, Serialize};

use super::state::{ConsoleState, SessionLog};
use crate::engine::decode;

// Key names under a playground's prefix: the full page's prefix is `kubeplay.v1`, so its
// keys are `kubeplay.v1.editor` and so on, as before widgets existed.
const EDITOR: &str = "editor";
const CLUSTER: &str = "session";
const CONSOLE: &str = "console";
const LAYOUT: &str = "layout";
/// Lesson progress, apart from the session: a reset keeps it.
const LESSONS: &str = "lessons";

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
    /// The lesson panel folded to its header, leaving the column to desired vs actual.
    pub lesson_folded: bool,
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
            lesson_folded: false,
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
/// with the name of the key (under the prefix) it was read from.
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
        let read = decode::from_json::<SessionLog>(&raw)
            .map_err(|e| e.with_path())
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
        match decode::from_json(&raw) {
            Ok(c) => saved.console = Some(c),
            Err(e) => {
                let e = e.with_path();
                saved.problems.push(format!(
                    "The saved console history could not be read ({e}); it was set aside."
                ));
                bad.push(CONSOLE);
            }
        }
    }
    if let Some(raw) = layout {
        match decode::from_json(&raw) {
            Ok(l) => saved.layout = Some(l),
            Err(_) => bad.push(LAYOUT),
        }
    }
    (saved, bad)
}

/// Where a playground saves its state: the keys under a prefix in localStorage, or
/// nowhere (an embedded widget, unless it asks, so two widgets never share state). Every
/// save reports success when there is nowhere to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    prefix: Option<String>,
}

impl Store {
    /// Saves under `prefix` (`kubeplay.v1`), or nowhere for `None`.
    pub fn new(prefix: Option<String>) -> Store {
        Store { prefix }
    }

    /// The full key of `name`, when this store saves.
    pub fn key(&self, name: &str) -> Option<String> {
        self.prefix.as_ref().map(|p| format!("{p}.{name}"))
    }

    fn get(&self, name: &str) -> Option<String> {
        web::get(&self.key(name)?)
    }

    fn set(&self, name: &str, value: &str) -> bool {
        self.key(name).is_none_or(|key| web::set(&key, value))
    }

    /// Reads everything saved, setting aside (under `KEY.unreadable`) what cannot be read.
    pub fn load(&self) -> Saved {
        let (saved, bad) = decode(
            self.get(EDITOR),
            self.get(CLUSTER),
            self.get(CONSOLE),
            self.get(LAYOUT),
        );
        for name in bad {
            if let Some(key) = self.key(name) {
                web::set_aside(&key);
            }
        }
        saved
    }

    /// The saved lesson progress, as stored.
    pub fn load_lessons(&self) -> Option<String> {
        self.get(LESSONS)
    }

    /// Forgets the saved session (reset).
    pub fn clear(&self) {
        for name in [EDITOR, CLUSTER, CONSOLE] {
            if let Some(key) = self.key(name) {
                web::remove(&key);
            }
        }
    }

    /// Saves the editor text.
    pub fn save_editor(&self, text: &str) -> bool {
        self.set(EDITOR, text)
    }

    /// Saves the session log.
    pub fn save_session(&self, log: &SessionLog) -> bool {
        self.set(CLUSTER, &serde_json::to_string(log).unwrap_or_default())
    }

    /// Saves the console.
    pub fn save_console(&self, console: &ConsoleState) -> bool {
        self.set(CONSOLE, &serde_json::to_string(console).unwrap_or_default())
    }

    /// Saves the lesson progress (JSON).
    pub fn save_lessons(&self, json: &str) -> bool {
        self.set(LESSONS, json)
    }

    /// Saves the layout.
    pub fn save_layout(&self, layout: &Layout) -> bool {
        self.set(LAYOUT, &serde_json::to_string(layout).unwrap_or_default())
    }

    /// Copies the saved session (editor, log, console) aside (under `KEY.before-share`)
    /// before a share link replaces it; returns whether there was a session to keep.
    pub fn set_aside(&self) -> bool {
        if self.prefix.is_none() || self.get(CLUSTER).is_none() {
            return false;
        }
        for name in [EDITOR, CLUSTER, CONSOLE] {
            let aside = format!("{name}{ASIDE}");
            match self.get(name) {
                Some(raw) => {
                    if !self.set(&aside, &raw) {
                        return false;
                    }
                }
                None => {
                    if let Some(key) = self.key(&aside) {
                        web::remove(&key);
                    }
                }
            }
        }
        true
    }

    /// The session set aside by [`Store::set_aside`], if any.
    pub fn load_set_aside(&self) -> Option<Saved> {
        let aside = |name: &str| self.get(&format!("{name}{ASIDE}"));
        let raw = aside(CLUSTER)?;
        Some(decode(aside(EDITOR), Some(raw), aside(CONSOLE), None).0)
    }

    /// Forgets the session set aside.
    pub fn forget_set_aside(&self) {
        for name in [EDITOR, CLUSTER, CONSOLE] {
            if let Some(key) = self.key(&format!("{name}{ASIDE}")) {
                web::remove(&key);
            }
        }
    }
}

/// Suffix of the names a session is set aside under when a share link replaces it.
const ASIDE: &str = ".before-share";

#[cfg(target_arch = "wasm32")]
mod web {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn get(key: &str) -> Option<String> {
        storage()?.get_item(key).ok().flatten()
    }

    /// Writes `value`; returns false when the browser refused (quota, private mode).
    pub fn set(key: &str, value: &str) -> bool {
        storage().is_some_and(|s| s.set_item(key, value).is_ok())
    }

    pub fn remove(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    /// Moves an unreadable value to `KEY.unreadable`.
    pub fn set_aside(key: &str) {
        if let Some(s) = storage() {
            if let Ok(Some(raw)) = s.get_item(key) {
                let _ = s.set_item(&format!("{key}.unreadable"), &raw);
            }
            let _ = s.remove_item(key);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod web {
    pub fn get(_key: &str) -> Option<String> {
        None
    }

    pub fn set(_key: &str, _value: &str) -> bool {
        false
    }

    pub fn remove(_key: &str) {}

    pub fn set_aside(_key: &str) {}
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
        let page = Store::new(Some("kubeplay.v1".into()));
        assert_eq!(page.key(CLUSTER).as_deref(), Some("kubeplay.v1.session"));
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

#[cfg(test)]
mod store_tests {
    use super::*;

    #[test]
    fn a_store_without_a_prefix_saves_nothing_and_never_fails() {
        let none = Store::new(None);
        assert_eq!(none.key(EDITOR), None);
        assert!(none.save_editor("x") && none.save_lessons("{}"));
        assert!(none.load().editor.is_none());
    }
}
