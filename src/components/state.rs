//! The page's state: the one owner of the simulated cluster, the console log, and the
//! actions that change them. Components get [`Sim`] from context and call its methods;
//! they never hold a cluster of their own.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::cluster::Cluster;
use crate::engine::kubectl::apply::{apply_text, Mode};
use crate::engine::kubectl::Output;
use crate::engine::script;

use super::view::{STARTER_SEED, STARTER_YAML};

/// One command and its output in the console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleEntry {
    /// Increasing id, the key of the entry.
    pub id: u64,
    /// What was run (`kubectl get pods`, `node fail node-2`, `apply editor.yaml`).
    pub command: String,
    /// Its output, as kubectl prints it.
    pub output: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// Simulated time it ran at (`00:42`).
    pub at: String,
}

/// The console's saved state: the log and the input history.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConsoleState {
    /// Entries, oldest first (at most [`CONSOLE_KEEP`]).
    pub entries: Vec<ConsoleEntry>,
    /// Commands typed, oldest first, for the up and down arrows.
    pub history: Vec<String>,
    /// The next entry id.
    pub next_id: u64,
}

/// How many console entries are kept (and saved).
pub const CONSOLE_KEEP: usize = 60;

impl ConsoleState {
    /// Appends an entry, dropping the oldest beyond [`CONSOLE_KEEP`].
    pub fn push(&mut self, command: &str, out: &Output, at: String) {
        self.entries.push(ConsoleEntry {
            id: self.next_id,
            command: command.to_string(),
            output: out.text.clone(),
            ok: out.ok,
            at,
        });
        self.next_id += 1;
        let extra = self.entries.len().saturating_sub(CONSOLE_KEEP);
        self.entries.drain(..extra);
    }

    /// Remembers a typed command for the history (not repeating the last one).
    pub fn remember(&mut self, command: &str) {
        if self.history.last().map(String::as_str) != Some(command) {
            self.history.push(command.to_string());
        }
        let extra = self.history.len().saturating_sub(200);
        self.history.drain(..extra);
    }
}

/// Runs one console line as the runner would: a kubectl command or a directive
/// (`sleep 30s`, `settle`, `node fail NAME`, `image push REF`, `traffic SVC N`, `load`).
pub fn run_line(cluster: &mut Cluster, line: &str) -> Output {
    let no_files = |p: &str| -> Result<String, String> {
        Err(format!(
            "error: the path \"{p}\" does not exist (the playground has no files: use the editor and Apply)"
        ))
    };
    let steps = match script::parse(line) {
        Ok(steps) => steps,
        Err(e) => return Output::err(format!("{}\n", e.message)),
    };
    let mut out = Output::ok("");
    for step in &steps {
        match script::run_step(cluster, step, &no_files) {
            Ok(o) => {
                out.text.push_str(&o.text);
                out.ok &= o.ok;
            }
            Err(e) => {
                out.text.push_str(&e.message);
                out.text.push('\n');
                out.ok = false;
            }
        }
    }
    out
}

/// A fresh cluster from the fixed seed with the starter manifest applied.
pub fn starter_cluster() -> Cluster {
    let mut c = Cluster::new(STARTER_SEED);
    apply_text(&mut c, STARTER_YAML, "editor.yaml", None, Mode::Apply);
    c
}

/// The single owner of the simulated cluster. `version` ticks after every change, so
/// readers that call [`Sim::read`] re-run when the cluster changes.
#[derive(Clone, Copy)]
pub struct Sim {
    cluster: StoredValue<Cluster>,
    version: RwSignal<u64>,
    /// The console log and history.
    pub console: RwSignal<ConsoleState>,
}

impl Sim {
    /// Owns `cluster` from now on.
    pub fn new(cluster: Cluster, console: ConsoleState) -> Sim {
        Sim {
            cluster: StoredValue::new(cluster),
            version: RwSignal::new(0),
            console: RwSignal::new(console),
        }
    }

    /// Reads the cluster and subscribes the caller to its changes.
    pub fn read<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        self.version.track();
        self.cluster.with_value(f)
    }

    /// Reads the cluster without subscribing (inside event handlers).
    pub fn peek<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        self.cluster.with_value(f)
    }

    /// Changes the cluster and notifies every reader.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut Cluster) -> R) -> R {
        let mut out = None;
        self.cluster.update_value(|c| out = Some(f(c)));
        self.version.update(|v| *v += 1);
        out.expect("update_value runs the closure")
    }

    /// Replaces the whole cluster (reset).
    pub fn replace(&self, cluster: Cluster) {
        self.cluster.set_value(cluster);
        self.version.update(|v| *v += 1);
    }

    /// The version counter, for effects that only need to know that something changed.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// Runs a console line and logs it; returns its output.
    pub fn run(&self, line: &str) -> Output {
        let out = self.mutate(|c| run_line(c, line));
        let at = self.peek(|c| c.now().to_string());
        self.console.update(|s| s.push(line, &out, at));
        out
    }

    /// Applies the editor's text as `kubectl apply -f editor.yaml`, logging it.
    pub fn apply(&self, text: &str) -> Output {
        let out = self.mutate(|c| apply_text(c, text, "editor.yaml", None, Mode::Apply));
        let at = self.peek(|c| c.now().to_string());
        self.console
            .update(|s| s.push("kubectl apply -f editor.yaml", &out, at));
        out
    }

    /// Advances simulated time.
    pub fn advance(&self, ms: u64) {
        self.mutate(|c| c.advance(ms));
    }

    /// Advances to the next moment a controller asked to wake up (at most 10 s ahead,
    /// one second when nothing is due): one visible step of the simulation.
    pub fn step(&self) {
        self.mutate(|c| {
            let now = c.now();
            let ms = c
                .next_timer()
                .map_or(1000, |t| t.since(now).clamp(1, 10_000));
            c.advance(ms);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_take_kubectl_and_runner_directives() {
        let mut c = starter_cluster();
        assert!(run_line(&mut c, "settle").ok);
        let out = run_line(&mut c, "kubectl get deploy web");
        assert!(out.ok && out.text.contains("3/3"), "{}", out.text);
        let out = run_line(&mut c, "node fail node-2");
        assert!(out.ok, "{}", out.text);
        let out = run_line(&mut c, "frobnicate");
        assert!(
            !out.ok && out.text.contains("unknown command"),
            "{}",
            out.text
        );
        let out = run_line(&mut c, "kubectl apply -f x.yaml");
        assert!(!out.ok, "{}", out.text);
    }

    #[test]
    fn memos_that_read_the_resource_version_follow_the_cluster() {
        // Memo::track() subscribes without evaluating, so a memo that only tracked `rv`
        // never saw a change: components must read it with get().
        let owner = Owner::new();
        owner.set();
        let sim = Sim::new(starter_cluster(), ConsoleState::default());
        let rv = Memo::new(move |_| sim.read(|c| c.store.resource_version()));
        let running = Memo::new(move |_| {
            rv.get();
            sim.peek(|c| {
                super::super::view::cluster_view(c)
                    .lanes
                    .iter()
                    .map(|l| l.pods.len())
                    .sum::<usize>()
            })
        });
        assert_eq!(running.get(), 0);
        sim.advance(3000);
        assert_eq!(running.get(), 3);
    }

    #[test]
    fn the_console_keeps_a_bounded_log_and_history() {
        let mut s = ConsoleState::default();
        for i in 0..100 {
            s.push(&format!("c{i}"), &Output::ok("x"), "00:00".into());
            s.remember("same");
        }
        assert_eq!(s.entries.len(), CONSOLE_KEEP);
        assert_eq!(s.entries[0].command, "c40");
        assert_eq!(s.history, vec!["same".to_string()]);
    }
}
