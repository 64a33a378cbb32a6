//! The page's state: the one owner of the simulated cluster, the console log, and the
//! actions that change them. Components get [`Sim`] from context and call its methods;
//! they never hold a cluster of their own.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::cluster::{Cluster, Flow, Watch};
use crate::engine::kubectl::apply::{apply_text, Mode};
use crate::engine::kubectl::Output;
use crate::engine::script;
use crate::engine::time::parse_duration;

use super::history::History;
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

/// What the console shows for an apply of the editor's text.
pub const APPLY_COMMAND: &str = "kubectl apply -f editor.yaml";

/// The command the console logs for an action, as the page writes it: an apply as
/// [`APPLY_COMMAND`], a console line (typed, or made by a button) as it is, also when a
/// branch cut it short ([`Action::RunPartial`]), traffic as the runner's `traffic`
/// directive. Ticks, steps, reactions and a lesson's start log nothing.
pub fn console_command(action: &Action) -> Option<String> {
    match action {
        Action::Apply { .. } => Some(APPLY_COMMAND.to_string()),
        Action::Run { line } | Action::RunPartial { line, .. } => Some(line.clone()),
        Action::Traffic { ns, svc, n } => Some(format!("traffic {svc} {n} -n {ns}")),
        Action::Advance { .. }
        | Action::Step
        | Action::React
        | Action::Lesson { .. }
        | Action::Partial { .. } => None,
    }
}

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

    /// Logs an action replayed from a session log as the page logged it when it was done
    /// live: the entry of [`console_command`] with `out` and the simulated time `at`
    /// (asked only for an action that logs). A console line also joins the input
    /// history; the log does not say whether a line was typed or made by a button, so
    /// every line does. A lesson's start empties the console, as starting a lesson in the
    /// page does.
    pub fn replay(&mut self, action: &Action, out: &Output, at: impl FnOnce() -> String) {
        if let Action::Lesson { .. } = action {
            *self = ConsoleState::default();
        }
        let Some(command) = console_command(action) else {
            return;
        };
        if let Action::Run { line } | Action::RunPartial { line, .. } = action {
            self.remember(line);
        }
        self.push(&command, out, at());
    }
}

/// Runs one console line as the runner would: a kubectl command or a directive
/// (`sleep 30s`, `settle`, `node fail NAME`, `image push REF`, `traffic SVC N`, `load`).
pub fn run_line(cluster: &mut Cluster, line: &str) -> Output {
    run_line_watched(cluster, line, &mut |_, _| Flow::Go).0
}

/// [`run_line`], calling `watch` after each controller action the line lets happen
/// ([`script::run_step_watched`]: `sleep`, `settle`, `kubectl rollout status` ...);
/// stops where it says [`Flow::Halt`], with what the line printed so far.
pub fn run_line_watched(cluster: &mut Cluster, line: &str, watch: Watch) -> (Output, Flow) {
    let no_files = |p: &str| -> Result<String, String> {
        Err(format!(
            "error: the path \"{p}\" does not exist (the playground has no files: use the editor and Apply)"
        ))
    };
    let steps = match script::parse(line) {
        Ok(steps) => steps,
        Err(e) => return (Output::err(format!("{}\n", e.message)), Flow::Go),
    };
    let mut out = Output::ok("");
    for step in &steps {
        match script::run_step_watched(cluster, step, &no_files, watch) {
            Ok((o, flow)) => {
                out.text.push_str(&o.text);
                out.ok &= o.ok;
                if flow == Flow::Halt {
                    return (out, flow);
                }
            }
            Err(e) => {
                out.text.push_str(&e.message);
                out.text.push('\n');
                out.ok = false;
            }
        }
    }
    (out, Flow::Go)
}

/// One thing that changed the cluster, recorded so the session can be rebuilt exactly:
/// the engine is deterministic, so the seed plus these actions, replayed in order, give
/// the same cluster byte for byte (same pod names, same clock).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "lowercase")]
pub enum Action {
    /// `kubectl apply -f editor.yaml` of this text.
    Apply {
        /// The editor text applied.
        text: String,
    },
    /// A console line (kubectl or a runner directive), also the chaos buttons.
    Run {
        /// The line.
        line: String,
    },
    /// Requests sent through a Service.
    Traffic {
        /// Namespace.
        ns: String,
        /// Service name.
        svc: String,
        /// Number of requests.
        n: usize,
    },
    /// `times` timer ticks of `ms` simulated milliseconds each (run-length encoded).
    Advance {
        /// Simulated milliseconds per tick.
        ms: u64,
        /// How many ticks in a row.
        times: u64,
    },
    /// One "Step" (to the next moment a controller acts).
    Step,
    /// Starts a lesson: the cluster becomes the lesson's starting cluster.
    Lesson {
        /// The lesson's id.
        id: String,
    },
    /// Controllers react, at the same instant, to the command before: recorded after
    /// every apply and console line, so each controller action of the reaction is a
    /// moment of its own on the timeline.
    React,
    /// Part of a tick: `ms` of simulated time, stopped just after the `acts`-th
    /// controller action. Written when the user acts on a moment in the past that fell
    /// inside a tick (time travel branches from exactly there).
    Partial {
        /// Simulated milliseconds the tick would have run.
        ms: u64,
        /// Controller actions to let happen before stopping.
        acts: u64,
    },
    /// Part of a console line that lets time pass (`sleep`, `settle`, `kubectl rollout
    /// status`, `kubectl drain`): the line, stopped just after the `acts`-th controller
    /// action it let happen. Written when the user acts on a moment in the past inside such a line;
    /// it prints what the line had printed by then. In JSON:
    /// `{"do":"runpartial","line":"kubectl rollout status deployment/web","acts":7}`.
    RunPartial {
        /// The console line, as typed.
        line: String,
        /// Controller actions to let happen before stopping.
        acts: u64,
    },
}

/// At most this many recorded actions are replayed.
pub const MAX_ACTIONS: usize = 50_000;
/// At most this much simulated time (12 hours) is replayed.
pub const MAX_REPLAY_MS: u64 = 12 * 3600 * 1000;

/// The seed and every action since: what is saved, and what rebuilds the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLog {
    /// The cluster's seed.
    pub seed: u64,
    /// Actions, oldest first.
    pub actions: Vec<Action>,
}

impl SessionLog {
    /// The first session: the starter manifest applied, plus a head start of
    /// `head_start_ms` so pods are already starting when the page first draws.
    pub fn starter(head_start_ms: u64) -> SessionLog {
        SessionLog {
            seed: STARTER_SEED,
            actions: vec![
                Action::Apply {
                    text: STARTER_YAML.to_string(),
                },
                Action::Advance {
                    ms: head_start_ms,
                    times: 1,
                },
            ],
        }
    }

    /// Records an action, merging consecutive equal ticks.
    pub fn record(&mut self, action: Action) {
        if let (
            Some(Action::Advance { ms, times }),
            Action::Advance {
                ms: new_ms,
                times: more,
            },
        ) = (self.actions.last_mut(), &action)
        {
            if *ms == *new_ms {
                *times += more;
                return;
            }
        }
        self.actions.push(action);
    }

    /// Refuses a log whose replay would take unreasonably long (a hand-edited or corrupt
    /// value): more than [`MAX_ACTIONS`] actions or [`MAX_REPLAY_MS`] of simulated time.
    pub fn check(&self) -> Result<(), String> {
        if self.actions.len() > MAX_ACTIONS {
            return Err(format!(
                "{} actions, more than {MAX_ACTIONS}",
                self.actions.len()
            ));
        }
        let total = self.actions.iter().try_fold(0u64, |sum, a| match a {
            Action::Advance { ms, times } => {
                ms.checked_mul(*times).and_then(|t| sum.checked_add(t))
            }
            Action::Partial { ms, .. } => sum.checked_add(*ms),
            // A console `sleep` runs time too (a hostile link could ask for years).
            Action::Run { line } | Action::RunPartial { line, .. } => {
                match line.split_whitespace().collect::<Vec<_>>()[..] {
                    ["sleep", d] => sum.checked_add(parse_duration(d).unwrap_or(0)),
                    _ => Some(sum),
                }
            }
            _ => Some(sum),
        });
        match total {
            Some(t) if t <= MAX_REPLAY_MS => Ok(()),
            _ => Err("more simulated time than a session can replay".into()),
        }
    }

    /// Rebuilds the cluster from the seed by replaying every action.
    pub fn replay(&self) -> Cluster {
        let mut c = Cluster::new(self.seed);
        for a in &self.actions {
            perform(&mut c, a);
        }
        c
    }
}

/// Performs one action on the cluster; returns what it printed.
pub fn perform(cluster: &mut Cluster, action: &Action) -> Output {
    perform_watched(cluster, action, 0, &mut |_, _| Flow::Go).0
}

/// How long a Step advances: to the next moment a controller asked to wake up, at most
/// 10 s ahead, one second when nothing is due.
pub fn step_ms(cluster: &Cluster) -> u64 {
    let now = cluster.now();
    cluster
        .next_timer()
        .map_or(1000, |t| t.since(now).clamp(1, 10_000))
}

/// Performs one action, calling `watch` after each controller action of its ticks
/// (`Advance`, `Step`, `React`, `Partial`), starting at tick `from_tick` of an
/// `Advance`, and of the time a console line lets pass (`Run`, `RunPartial`: `sleep`,
/// `settle`, `kubectl rollout status`, `kubectl drain`). Stops where `watch` halts. Other actions run
/// whole and unwatched, in replay as live, so the count of watched actions is the same
/// both ways.
pub fn perform_watched(
    cluster: &mut Cluster,
    action: &Action,
    from_tick: u64,
    watch: Watch,
) -> (Output, Flow) {
    let flow = match action {
        Action::Advance { ms, times } => {
            for _ in from_tick..*times {
                if cluster.advance_watched(*ms, watch) == Flow::Halt {
                    return (Output::ok(""), Flow::Halt);
                }
            }
            Flow::Go
        }
        Action::Step => {
            let ms = step_ms(cluster);
            cluster.advance_watched(ms, watch)
        }
        Action::React => cluster.advance_watched(0, watch),
        Action::Partial { ms, acts } => {
            let mut stop = StopAfter::new(*acts, watch);
            cluster.advance_watched(*ms, &mut |c, name| stop.watch(c, name));
            stop.asked
        }
        Action::Run { line } => return run_deferred(cluster, line, watch),
        Action::RunPartial { line, acts } => {
            let mut stop = StopAfter::new(*acts, watch);
            let (out, _) = run_deferred(cluster, line, &mut |c, name| stop.watch(c, name));
            return (out, stop.asked);
        }
        _ => return (perform_unwatched(cluster, action), Flow::Go),
    };
    (Output::ok(""), flow)
}

/// A watcher that halts after `left` more controller actions, passing each to the
/// caller's watcher first: how `Partial` and `RunPartial` stop where the cut was.
/// Reaching that stop is the action's normal end; only the caller's own halt is
/// reported (`asked`).
struct StopAfter<'a> {
    left: u64,
    asked: Flow,
    watch: Watch<'a>,
}

impl<'a> StopAfter<'a> {
    fn new(acts: u64, watch: Watch<'a>) -> Self {
        StopAfter {
            left: acts,
            asked: Flow::Go,
            watch,
        }
    }

    fn watch(&mut self, c: &Cluster, name: &'static str) -> Flow {
        self.left = self.left.saturating_sub(1);
        self.asked = (self.watch)(c, name);
        if self.left == 0 {
            Flow::Halt
        } else {
            self.asked
        }
    }
}

/// Runs a console line with its same-instant reaction deferred (the `React` after it is
/// watched on its own), watching the time the line lets pass.
fn run_deferred(cluster: &mut Cluster, line: &str, watch: Watch) -> (Output, Flow) {
    cluster.defer_reactions(true);
    let ran = run_line_watched(cluster, line, watch);
    cluster.defer_reactions(false);
    ran
}

/// Whether an action is the user's (its moment is the cluster after it).
/// A line a branch cut short (`RunPartial`) is not: its moments are the controller
/// actions before the cut, and the cluster after the whole line never was.
pub fn by_user(action: &Action) -> bool {
    !matches!(
        action,
        Action::Advance { .. }
            | Action::Step
            | Action::React
            | Action::Partial { .. }
            | Action::RunPartial { .. }
    )
}

fn perform_unwatched(cluster: &mut Cluster, action: &Action) -> Output {
    // The reaction to a command is the next action (`React`), watched.
    cluster.defer_reactions(true);
    let out = perform_command(cluster, action);
    cluster.defer_reactions(false);
    out
}

fn perform_command(cluster: &mut Cluster, action: &Action) -> Output {
    match action {
        Action::Apply { text } => apply_text(cluster, text, "editor.yaml", None, Mode::Apply),
        Action::Traffic { ns, svc, n } => match cluster.send_traffic(ns, svc, *n) {
            Ok(report) => Output::ok(report.render()),
            Err(e) => Output::err(e),
        },
        // Watched in `perform_watched`, never here.
        Action::Advance { .. }
        | Action::Step
        | Action::React
        | Action::Partial { .. }
        | Action::Run { .. }
        | Action::RunPartial { .. } => perform(cluster, action),
        Action::Lesson { id } => match super::lesson_view::start_cluster(id) {
            Ok(c) => {
                *cluster = c;
                Output::ok("")
            }
            Err(e) => Output::err(e),
        },
    }
}

/// The single owner of the simulated cluster, with its whole timeline ([`History`]).
/// `version` ticks after every change (and when another moment is shown), so readers
/// that call [`Sim::read`] re-run. Every change goes through [`Sim::act`], which also
/// records it in the session log.
#[derive(Clone, Copy)]
pub struct Sim {
    history: StoredValue<History>,
    version: RwSignal<u64>,
    /// The console log and history.
    pub console: RwSignal<ConsoleState>,
}

impl Sim {
    /// Owns the cluster that `log` rebuilds. The console is `console` when there is one
    /// (a reload restores the saved console); without one, it shows the lines that built
    /// the cluster, printed by the same replay ([`History::from_log_with_console`]).
    pub fn new(log: SessionLog, console: Option<ConsoleState>) -> Sim {
        let (history, replayed) = History::from_log_with_console(&log);
        Sim {
            history: StoredValue::new(history),
            version: RwSignal::new(0),
            console: RwSignal::new(console.unwrap_or(replayed)),
        }
    }

    /// Reads the cluster shown (the present, or a moment in the past) and subscribes
    /// the caller to its changes.
    pub fn read<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        self.version.track();
        self.history.with_value(|h| f(h.shown()))
    }

    /// Reads the cluster shown without subscribing (inside event handlers).
    pub fn peek<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        self.history.with_value(|h| f(h.shown()))
    }

    /// Reads the timeline and subscribes the caller to its changes.
    pub fn timeline<R>(&self, f: impl FnOnce(&History) -> R) -> R {
        self.version.track();
        self.history.with_value(f)
    }

    /// Changes what the timeline shows (a moment, the present, the other branch).
    pub fn travel(&self, f: impl FnOnce(&mut History)) {
        self.history.update_value(f);
        self.version.update(|v| *v += 1);
    }

    /// Whether a moment in the past is shown.
    pub fn in_past(&self) -> bool {
        self.history.with_value(|h| h.viewing().is_some())
    }

    /// Reads the session log (for saving).
    pub fn with_log<R>(&self, f: impl FnOnce(&SessionLog) -> R) -> R {
        self.history.with_value(|h| f(h.log()))
    }

    /// Performs and records an action, and notifies every reader. In the past, this
    /// branches the timeline there.
    pub fn act(&self, action: Action) -> Output {
        let mut out = Output::default();
        self.history.update_value(|h| out = h.act(action));
        self.version.update(|v| *v += 1);
        out
    }

    /// Starts over from `log`, with the lines that built it in the console (the
    /// entries the page logged when they were done live, and the console lines in the
    /// input history).
    pub fn replace(&self, log: SessionLog) {
        let (history, console) = History::from_log_with_console(&log);
        self.history.set_value(history);
        self.version.update(|v| *v += 1);
        self.console.set(console);
    }

    /// The version counter, for effects that only need to know that something changed.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    fn logged(&self, command: &str, out: &Output) {
        let at = self.peek(|c| c.now().to_string());
        self.console.update(|s| s.push(command, out, at));
    }

    /// Performs and records an action, and logs it in the console as
    /// [`console_command`] words it (the words a replay of the log uses too).
    fn act_logged(&self, action: Action) -> Output {
        let command = console_command(&action);
        let out = self.act(action);
        if let Some(command) = command {
            self.logged(&command, &out);
        }
        out
    }

    /// Runs a console line and logs it; returns its output.
    pub fn run(&self, line: &str) -> Output {
        self.act_logged(Action::Run {
            line: line.to_string(),
        })
    }

    /// Applies the editor's text as `kubectl apply -f editor.yaml`, logging it.
    pub fn apply(&self, text: &str) -> Output {
        self.act_logged(Action::Apply {
            text: text.to_string(),
        })
    }

    /// Sends `n` requests through a Service, logging the report; returns the requests
    /// each pod answered.
    pub fn traffic(&self, ns: &str, svc: &str, n: usize) -> Vec<(String, usize)> {
        let mut hits = Vec::new();
        let mut out = Output::default();
        let action = Action::Traffic {
            ns: ns.to_string(),
            svc: svc.to_string(),
            n,
        };
        let command = console_command(&action).unwrap_or_default();
        // As `perform` does for Action::Traffic, keeping the report's per-pod counts.
        self.history.update_value(|h| {
            h.act_with(action, |c| match c.send_traffic(ns, svc, n) {
                Ok(report) => {
                    hits = report
                        .per_pod()
                        .into_iter()
                        .map(|(pod, n)| (pod.to_string(), n))
                        .collect();
                    out = Output::ok(report.render());
                }
                Err(e) => out = Output::err(e),
            })
        });
        self.version.update(|v| *v += 1);
        self.logged(&command, &out);
        hits
    }

    /// Advances simulated time by one timer tick.
    pub fn advance(&self, ms: u64) {
        self.act(Action::Advance { ms, times: 1 });
    }

    /// Advances to the next moment a controller asked to wake up (at most 10 s ahead,
    /// one second when nothing is due): one visible step of the simulation.
    pub fn step(&self) {
        self.act(Action::Step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_take_kubectl_and_runner_directives() {
        let mut c = SessionLog::starter(0).replay();
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
        let sim = Sim::new(SessionLog::starter(0), Some(ConsoleState::default()));
        let rv = Memo::new(move |_| sim.read(|c| c.store.resource_version()));
        let running = Memo::new(move |_| {
            rv.get();
            sim.peek(|c| {
                super::super::view::cluster_view(c)
                    .lanes
                    .iter()
                    .flat_map(|l| &l.pods)
                    .filter(|p| p.status == "Running")
                    .count()
            })
        });
        assert_eq!(running.get(), 0);
        sim.advance(3000);
        assert_eq!(running.get(), 3);
    }

    #[test]
    fn a_replayed_session_is_the_same_cluster_byte_for_byte() {
        let mut log = SessionLog::starter(1500);
        let mut live = log.replay();
        let act = |log: &mut SessionLog, live: &mut Cluster, a: Action| {
            perform(live, &a);
            log.record(a);
        };
        for _ in 0..30 {
            act(&mut log, &mut live, Action::Advance { ms: 100, times: 1 });
        }
        let scaled = STARTER_YAML.replace("replicas: 3", "replicas: 5");
        act(&mut log, &mut live, Action::Apply { text: scaled });
        act(&mut log, &mut live, Action::Step);
        for _ in 0..40 {
            act(&mut log, &mut live, Action::Advance { ms: 500, times: 1 });
        }
        act(
            &mut log,
            &mut live,
            Action::Traffic {
                ns: "default".into(),
                svc: "web".into(),
                n: 20,
            },
        );
        act(
            &mut log,
            &mut live,
            Action::Run {
                line: "node fail node-2".into(),
            },
        );
        for _ in 0..20 {
            act(&mut log, &mut live, Action::Advance { ms: 2000, times: 1 });
        }
        act(
            &mut log,
            &mut live,
            Action::Run {
                line: "kubectl delete pod --all".into(),
            },
        );
        for _ in 0..10 {
            act(&mut log, &mut live, Action::Advance { ms: 100, times: 1 });
        }
        // Ticks are run-length encoded, so the log stays small.
        assert!(log.actions.len() < 15, "{}", log.actions.len());
        let json = serde_json::to_string(&log).unwrap();
        let back: SessionLog = serde_json::from_str(&json).unwrap();
        assert_eq!(back.replay().snapshot(), live.snapshot());
    }

    #[test]
    fn a_log_too_long_to_replay_is_refused() {
        let mut log = SessionLog::starter(0);
        assert!(log.check().is_ok());
        let mut long = log.clone();
        long.record(Action::Advance {
            ms: u64::MAX / 2,
            times: 3,
        });
        assert!(long.check().is_err());
        let mut slept = log.clone();
        slept.record(Action::Run {
            line: "sleep 1000000h".into(),
        });
        assert!(slept.check().is_err());
        // A sleep a branch cut short counts whole: replay runs up to the cut, which a
        // hand-made link can put anywhere.
        let mut cut = log.clone();
        cut.record(Action::RunPartial {
            line: "sleep 1000000h".into(),
            acts: 1,
        });
        assert!(cut.check().is_err());
        log.record(Action::Partial {
            ms: MAX_REPLAY_MS + 1,
            acts: 1,
        });
        assert!(log.check().is_err());
    }

    /// Works the page's way: each line typed into the console is remembered, then run.
    fn type_line(sim: &Sim, line: &str) {
        sim.console.update(|s| s.remember(line));
        sim.run(line);
    }

    /// A session opened from its log (a share link, a session file) shows the console
    /// the page showed while it was made, entry for entry: same commands, same outputs
    /// byte for byte, same simulated times, same ids, and the console lines in the
    /// input history.
    #[test]
    fn a_session_rebuilt_from_its_log_shows_the_console_the_page_showed() {
        let owner = Owner::new();
        owner.set();
        let live = Sim::new(SessionLog::starter(1900), None);
        for _ in 0..30 {
            live.advance(100);
        }
        type_line(&live, "kubectl scale deployment web --replicas=5");
        for _ in 0..20 {
            live.advance(500);
        }
        live.apply(&STARTER_YAML.replace("nginx:1.27", "nginx:1.28"));
        live.step();
        type_line(&live, "kubectl get pods");
        live.traffic("default", "web", 12);
        // A chaos button: the same Run action, not typed.
        live.run("node fail node-2");
        type_line(&live, "sleep 30s");
        type_line(&live, "kubectl rollout status deployment/web");
        type_line(&live, "frobnicate");
        for _ in 0..10 {
            live.advance(1000);
        }
        let made = live.console.get_untracked();
        assert_eq!(made.entries.len(), 9, "{:#?}", made.entries);
        let scaled = &made.entries[1];
        assert_eq!(
            (scaled.command.as_str(), scaled.output.as_str(), scaled.ok),
            (
                "kubectl scale deployment web --replicas=5",
                "deployment.apps/web scaled\n",
                true
            )
        );

        let log = live.with_log(Clone::clone);
        let opened = Sim::new(log.clone(), None);
        let shown = opened.console.get_untracked();
        assert_eq!(shown.entries, made.entries);
        assert_eq!(shown.next_id, made.next_id);
        // Every console line, typed or from a button (the log cannot tell them apart).
        assert_eq!(
            shown.history,
            [
                "kubectl scale deployment web --replicas=5",
                "kubectl get pods",
                "node fail node-2",
                "sleep 30s",
                "kubectl rollout status deployment/web",
                "frobnicate",
            ]
        );
        // Starting over from the log does the same, from the one replay that rebuilds
        // the cluster.
        let restarted = Sim::new(SessionLog::starter(0), None);
        restarted.replace(log);
        assert_eq!(restarted.console.get_untracked().entries, made.entries);
        assert_eq!(
            restarted.peek(Cluster::snapshot),
            live.peek(Cluster::snapshot)
        );
    }

    #[test]
    fn a_first_visit_shows_the_starter_manifest_applied_at_the_start() {
        let (_, console) = History::from_log_with_console(&SessionLog::starter(1900));
        let [apply] = console.entries.as_slice() else {
            panic!("{:#?}", console.entries);
        };
        assert_eq!(apply.command, APPLY_COMMAND);
        assert!(apply.ok && apply.output.contains("deployment.apps/web created"));
        assert_eq!(apply.at, "00:00");
        assert!(console.history.is_empty(), "an apply is not typed");
    }

    #[test]
    fn ticks_steps_and_reactions_log_nothing_and_a_lesson_starts_an_empty_console() {
        let lesson = &super::super::lesson_view::course()[0].id;
        let log = SessionLog {
            seed: 3,
            actions: vec![
                Action::Run {
                    line: "kubectl get nodes".into(),
                },
                Action::React,
                Action::Lesson { id: lesson.clone() },
                Action::Advance { ms: 100, times: 5 },
                Action::Step,
                Action::Partial { ms: 100, acts: 1 },
                Action::Run {
                    line: "kubectl get pods".into(),
                },
                Action::React,
            ],
        };
        let (_, console) = History::from_log_with_console(&log);
        let commands: Vec<&str> = console.entries.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(commands, ["kubectl get pods"]);
        assert_eq!(console.entries[0].id, 0);
        assert_eq!(console.history, ["kubectl get pods"]);
    }

    #[test]
    fn a_long_session_opens_with_its_newest_console_entries() {
        let log = SessionLog {
            seed: 1,
            actions: (0..CONSOLE_KEEP + 10)
                .map(|i| Action::Run {
                    line: format!("sleep {i}s"),
                })
                .collect(),
        };
        let (_, console) = History::from_log_with_console(&log);
        assert_eq!(console.entries.len(), CONSOLE_KEEP);
        assert_eq!(console.entries[0].command, "sleep 10s");
        assert_eq!(console.entries[0].id, 10);
        assert_eq!(console.next_id, (CONSOLE_KEEP + 10) as u64);
        let last = console.entries.last().unwrap();
        assert_eq!(last.command, format!("sleep {}s", CONSOLE_KEEP + 9));
        // 0 + 1 + ... + 69 seconds of sleep, run in order.
        assert_eq!(last.at, "40:15");
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
