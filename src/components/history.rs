//! Time travel: the session as a timeline of moments, any of which can be shown again.
//!
//! A moment is one user action (an apply, a console line, a chaos button) or one
//! controller action (a controller run that changed the cluster, seen through
//! [`Cluster::advance_watched`]). Nothing is stored per moment but a few numbers and a
//! label: the cluster of a moment is rebuilt from the nearest earlier checkpoint (a
//! clone of the cluster, kept every [`CHECKPOINT_EVERY_MS`] of simulated time and
//! thinned to at most [`MAX_CHECKPOINTS`]) by deterministic replay of the session log,
//! halting right after that controller action. So memory stays bounded on long
//! sessions while every moment stays reachable.
//!
//! A console line that lets time pass (`sleep 30s`, `settle`, `kubectl rollout status`)
//! is watched like a tick: each controller action inside it is a moment, and the line's
//! own moment (the cluster after the whole line) follows them.
//!
//! Acting on a moment in the past branches: the log is cut there (a moment inside a
//! tick becomes an [`Action::Partial`], one inside a console line an
//! [`Action::RunPartial`]) and the old future is kept as the other branch until it is
//! discarded or switched back to.

use crate::engine::cluster::{Cluster, Flow};
use crate::engine::explain::Cause;
use crate::engine::kubectl::Output;
use crate::engine::store::ChangeOp;
use crate::engine::time::SimTime;

use super::state::{
    by_user, console_command, perform_watched, step_ms, Action, ConsoleState, SessionLog,
};

/// Simulated time between checkpoints, before thinning.
pub const CHECKPOINT_EVERY_MS: u64 = 30_000;
/// Simulated time between checkpoints while nothing happens.
pub const IDLE_CHECKPOINT_EVERY_MS: u64 = 120_000;
/// At most this many checkpoints per branch: past it, every other older one goes, so
/// the spacing doubles and replay to any moment stays short.
pub const MAX_CHECKPOINTS: usize = 48;
/// At most this many moments are kept; the oldest fall off the timeline.
pub const MAX_MOMENTS: usize = 50_000;
/// Inside one action that makes many moments (a `sleep 12h` on a busy cluster), the
/// oldest are dropped in batches of this many once [`MAX_MOMENTS`] is passed, so the
/// timeline stays bounded while the action runs and the shift is paid once a batch.
const TRIM_BATCH: usize = MAX_MOMENTS / 10;

/// Who made a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// The user: an apply, a console line or a button. The moment is the cluster
    /// after the whole action.
    User,
    /// A controller (`replicaset-controller`); the moment is the cluster just after it
    /// acted.
    Controller(&'static str),
}

/// One point on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// Who acted.
    pub by: By,
    /// Simulated time.
    pub at: SimTime,
    /// What happened, in words (the command, or the controller's cause).
    pub label: String,
    /// The index of the log action it belongs to.
    action: usize,
    /// Controller actions on this timeline up to and including this moment.
    acts: u64,
    /// For a controller moment: the tick of its action it happened in, that tick's
    /// length, and its rank among the tick's controller actions (from 1); a console
    /// line is one tick of no set length.
    tick: u64,
    tick_ms: u64,
    in_tick: u64,
}

/// A position in the log: every action before `action` done, plus `ticks` ticks of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    action: usize,
    ticks: u64,
}

#[derive(Debug, Clone)]
struct Checkpoint {
    pos: Pos,
    acts: u64,
    cluster: Cluster,
}

/// One line of history: its log, moments, checkpoints and present cluster.
#[derive(Debug, Clone)]
struct Branch {
    log: SessionLog,
    moments: Vec<Moment>,
    checkpoints: Vec<Checkpoint>,
    live: Cluster,
    acts: u64,
    /// Moments dropped off the front (for [`MAX_MOMENTS`]).
    dropped: usize,
}

/// The other branch, kept after acting in the past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherBranch {
    /// Simulated time the two branches part at.
    pub parted_at: SimTime,
    /// Simulated time at the end of the other branch.
    pub ends_at: SimTime,
    /// Moments of the other branch after the parting point.
    pub moments_after: usize,
}

/// The session's timeline: the present cluster, every moment, and the moment shown.
#[derive(Debug, Clone)]
pub struct History {
    current: Branch,
    other: Option<(Branch, OtherBranch)>,
    /// The moment shown when it is not the present, with its rebuilt cluster.
    past: Option<(usize, Cluster)>,
}

impl Branch {
    fn new(seed: u64) -> Branch {
        let live = Cluster::new(seed);
        Branch {
            log: SessionLog {
                seed,
                actions: Vec::new(),
            },
            moments: Vec::new(),
            checkpoints: vec![Checkpoint {
                pos: Pos {
                    action: 0,
                    ticks: 0,
                },
                acts: 0,
                cluster: live.clone(),
            }],
            live,
            acts: 0,
            dropped: 0,
        }
    }

    /// The position at the end of the log.
    fn end(&self) -> Pos {
        match self.log.actions.last() {
            Some(Action::Advance { times, .. }) => Pos {
                action: self.log.actions.len() - 1,
                ticks: *times,
            },
            _ => Pos {
                action: self.log.actions.len(),
                ticks: 0,
            },
        }
    }

    /// Performs `action` on the present cluster, recording its moments.
    fn act(&mut self, action: Action) -> Output {
        // Where the action lands in the log: a tick merges into a run of equal ticks.
        let (index, first_tick) = match (self.log.actions.last(), &action) {
            (Some(Action::Advance { ms, times }), Action::Advance { ms: new, .. }) if ms == new => {
                (self.log.actions.len() - 1, *times)
            }
            _ => (self.log.actions.len(), 0),
        };
        let tick_ms = match &action {
            Action::Advance { ms, .. } | Action::Partial { ms, .. } => *ms,
            Action::Step => step_ms(&self.live),
            _ => 0,
        };
        let ticks = match &action {
            Action::Advance { times, .. } => *times,
            _ => 1,
        };
        let mut out = Output::default();
        for t in 0..ticks {
            let mut in_tick = 0;
            let mut last_cause = self.live.causes().last().cloned();
            let mut last_rv = self.live.store.resource_version();
            let acts = &mut self.acts;
            let moments = &mut self.moments;
            let dropped = &mut self.dropped;
            let unit = match &action {
                Action::Advance { ms, .. } => Action::Advance { ms: *ms, times: 1 },
                other => other.clone(),
            };
            out = perform_watched(&mut self.live, &unit, 0, &mut |c, name| {
                *acts += 1;
                in_tick += 1;
                let label = describe(c, name, &mut last_cause, &mut last_rv);
                moments.push(Moment {
                    by: By::Controller(name),
                    at: c.now(),
                    label,
                    action: index,
                    acts: *acts,
                    tick: first_tick + t,
                    tick_ms,
                    in_tick,
                });
                if moments.len() >= MAX_MOMENTS + TRIM_BATCH {
                    trim(moments, dropped);
                }
                Flow::Go
            })
            .0;
        }
        self.record(action, index);
        out
    }

    /// Records a performed action at log position `index`: the user's moment if it is
    /// the user's, the log entry, and a checkpoint when one is due.
    fn record(&mut self, action: Action, index: usize) {
        if by_user(&action) {
            self.moments.push(Moment {
                by: By::User,
                at: self.live.now(),
                label: user_label(&action),
                action: index,
                acts: self.acts,
                tick: 0,
                tick_ms: 0,
                in_tick: 0,
            });
        }
        self.log.record(action);
        self.trim();
        self.checkpoint();
    }

    fn trim(&mut self) {
        trim(&mut self.moments, &mut self.dropped);
    }

    /// Keeps a checkpoint when enough simulated time passed since the last one and
    /// something happened since; an idle cluster replays fast (its controllers are
    /// skipped), so it only needs one every [`IDLE_CHECKPOINT_EVERY_MS`].
    fn checkpoint(&mut self) {
        let (last_at, last_acts, last_pos) = self.checkpoints.last().map_or(
            (
                SimTime(0),
                0,
                Pos {
                    action: 0,
                    ticks: 0,
                },
            ),
            |c| (c.cluster.now(), c.acts, c.pos),
        );
        let since = self.live.now().since(last_at);
        let busy = self.acts != last_acts || self.end().action > last_pos.action + 1;
        let due = if busy {
            CHECKPOINT_EVERY_MS
        } else {
            IDLE_CHECKPOINT_EVERY_MS
        };
        if since < due {
            return;
        }
        self.checkpoints.push(Checkpoint {
            pos: self.end(),
            acts: self.acts,
            cluster: self.live.clone(),
        });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep the first and the newest; drop every other one in between.
            let newest = self.checkpoints.len() - 1;
            let mut i = 0;
            self.checkpoints.retain(|_| {
                let keep = i == 0 || i == newest || i % 2 == 0;
                i += 1;
                keep
            });
        }
    }

    /// The cluster as it was at `moment` (an index into `moments`).
    fn rebuild(&self, moment: &Moment) -> Cluster {
        let target_pos = Pos {
            action: moment.action + 1,
            ticks: 0,
        };
        let from = match moment.by {
            // Just before the controller action: its count not reached yet.
            By::Controller(_) => self.checkpoints.iter().rev().find(|c| c.acts < moment.acts),
            By::User => self.checkpoints.iter().rev().find(|c| c.pos <= target_pos),
        };
        let Some(from) = from.or(self.checkpoints.first()) else {
            return self.live.clone();
        };
        let mut cluster = from.cluster.clone();
        let mut acts = from.acts;
        let mut pos = from.pos;
        while pos.action < self.log.actions.len() && pos.action <= moment.action {
            let action = &self.log.actions[pos.action];
            let (_, flow) = perform_watched(&mut cluster, action, pos.ticks, &mut |_, _| {
                acts += 1;
                if moment.by != By::User && acts == moment.acts {
                    Flow::Halt
                } else {
                    Flow::Go
                }
            });
            if flow == Flow::Halt {
                break;
            }
            pos = Pos {
                action: pos.action + 1,
                ticks: 0,
            };
        }
        cluster
    }

    /// This branch cut at `moment`: the log up to it, and the cluster as it was.
    fn cut(&self, index: usize, cluster: Cluster) -> Branch {
        let moment = &self.moments[index];
        let mut log = SessionLog {
            seed: self.log.seed,
            actions: self.log.actions[..moment.action].to_vec(),
        };
        match (&moment.by, &self.log.actions[moment.action]) {
            (By::User, action) => log.actions.push(action.clone()),
            // Inside a console line that lets time pass: the line, stopped there.
            (By::Controller(_), Action::Run { line } | Action::RunPartial { line, .. }) => {
                log.actions.push(Action::RunPartial {
                    line: line.clone(),
                    acts: moment.in_tick,
                })
            }
            (By::Controller(_), action) => {
                if let Action::Advance { ms, .. } = action {
                    if moment.tick > 0 {
                        log.actions.push(Action::Advance {
                            ms: *ms,
                            times: moment.tick,
                        });
                    }
                }
                log.actions.push(Action::Partial {
                    ms: moment.tick_ms,
                    acts: moment.in_tick,
                });
            }
        }
        let moments = self.moments[..=index].to_vec();
        let checkpoints = self
            .checkpoints
            .iter()
            .filter(|c| c.acts <= moment.acts && c.pos.action <= moment.action)
            .filter(|c| {
                // A checkpoint inside the cut action only holds when it is before the cut.
                c.pos.action < moment.action || c.pos.ticks <= moment.tick
            })
            .cloned()
            .collect();
        Branch {
            log,
            moments,
            checkpoints,
            live: cluster,
            acts: moment.acts,
            dropped: self.dropped,
        }
    }
}

/// Drops the oldest moments past [`MAX_MOMENTS`], counting them in `dropped`.
fn trim(moments: &mut Vec<Moment>, dropped: &mut usize) {
    let extra = moments.len().saturating_sub(MAX_MOMENTS);
    if extra > 0 {
        moments.drain(..extra);
        *dropped += extra;
    }
}

/// The label of a controller moment: the first cause it recorded (and how many more),
/// or what it did when it recorded none (a status update).
fn describe(c: &Cluster, name: &str, last: &mut Option<Cause>, rv: &mut u64) -> String {
    let new: Vec<&Cause> = {
        let mut new: Vec<&Cause> = c
            .causes()
            .rev()
            .take_while(|cause| Some(*cause) != last.as_ref())
            .collect();
        new.reverse();
        new
    };
    *last = c.causes().last().cloned();
    let since = std::mem::replace(rv, c.store.resource_version());
    match new.as_slice() {
        [] => {
            // Only the first change is worded; the rest are counted (a kubelet pass can
            // update hundreds of pods).
            let mut changed = c.store.changes_since(since).filter(|ch| ch.kind != "Event");
            let Some(first) = changed.next() else {
                return format!("{name} recorded an event");
            };
            let verb = match first.op {
                ChangeOp::Added => "created",
                ChangeOp::Modified => "updated",
                ChangeOp::Deleted => "removed",
            };
            match changed.count() {
                0 => format!("{name} {verb} {} {}", first.kind, first.name),
                rest => format!(
                    "{name} {verb} {} {} (and {rest} more)",
                    first.kind, first.name
                ),
            }
        }
        [one] => one.message.clone(),
        [first, rest @ ..] => format!("{} (and {} more)", first.message, rest.len()),
    }
}

/// The label of a user moment: the command the console logged for it.
fn user_label(action: &Action) -> String {
    match action {
        Action::Lesson { id } => format!("lesson {id} started"),
        other => console_command(other).unwrap_or_default(),
    }
}

impl History {
    /// An empty timeline over a fresh cluster from `seed`.
    pub fn new(seed: u64) -> History {
        History {
            current: Branch::new(seed),
            other: None,
            past: None,
        }
    }

    /// The timeline `log` builds, replayed action by action.
    pub fn from_log(log: &SessionLog) -> History {
        History::replay(log, |_, _, _| {})
    }

    /// The timeline `log` builds, and the console the page showed while the session was
    /// made, from the one replay: an entry for each action the page logs, with the
    /// output the replay printed and the simulated time it ran at
    /// ([`ConsoleState::replay`]). The engine is deterministic, so each entry is the one
    /// the page made live.
    pub fn from_log_with_console(log: &SessionLog) -> (History, ConsoleState) {
        let mut console = ConsoleState::default();
        let h = History::replay(log, |action, out, live| {
            console.replay(action, out, || live.now().to_string())
        });
        (h, console)
    }

    /// Replays `log` action by action, calling `each` with every action, what it
    /// printed and the present cluster after it.
    fn replay(log: &SessionLog, mut each: impl FnMut(&Action, &Output, &Cluster)) -> History {
        let mut h = History::new(log.seed);
        for a in &log.actions {
            let out = h.current.act(a.clone());
            each(a, &out, &h.current.live);
        }
        h
    }

    /// The cluster shown: the moment in the past, or the present.
    pub fn shown(&self) -> &Cluster {
        self.past.as_ref().map_or(&self.current.live, |(_, c)| c)
    }

    /// The present cluster.
    pub fn live(&self) -> &Cluster {
        &self.current.live
    }

    /// The current branch's log (what is saved).
    pub fn log(&self) -> &SessionLog {
        &self.current.log
    }

    /// Every moment of the current branch, oldest first.
    pub fn moments(&self) -> &[Moment] {
        &self.current.moments
    }

    /// The index of the moment shown, `None` in the present.
    pub fn viewing(&self) -> Option<usize> {
        self.past.as_ref().map(|(i, _)| *i)
    }

    /// The other branch, if acting in the past made one.
    pub fn other_branch(&self) -> Option<&OtherBranch> {
        self.other.as_ref().map(|(_, o)| o)
    }

    /// Performs an action in the present; in the past, first branches there.
    pub fn act(&mut self, action: Action) -> Output {
        self.branch_if_in_past();
        let react = matches!(action, Action::Apply { .. } | Action::Run { .. });
        let out = self.current.act(action);
        if react {
            self.current.act(Action::React);
        }
        out
    }

    /// Runs `f` on the present cluster as `action` (for actions whose caller wants
    /// more than the printed output), recording it like [`History::act`]. `f` must do
    /// what `perform` does for `action`, so replay gives the same cluster.
    pub fn act_with<R>(&mut self, action: Action, f: impl FnOnce(&mut Cluster) -> R) -> R {
        self.branch_if_in_past();
        let r = f(&mut self.current.live);
        let index = self.current.log.actions.len();
        self.current.record(action, index);
        r
    }

    /// Shows moment `index`; past the last moment, the present.
    pub fn view(&mut self, index: usize) {
        let moments = &self.current.moments;
        if index >= moments.len() {
            self.past = None;
            return;
        }
        if self.viewing() == Some(index) {
            return;
        }
        let cluster = self.current.rebuild(&moments[index]);
        self.past = Some((index, cluster));
    }

    /// Back to the present.
    pub fn to_present(&mut self) {
        self.past = None;
    }

    fn branch_if_in_past(&mut self) {
        let Some((index, cluster)) = self.past.take() else {
            return;
        };
        let cut = self.current.cut(index, cluster);
        let info = OtherBranch {
            parted_at: self.current.moments[index].at,
            ends_at: self.current.live.now(),
            moments_after: self.current.moments.len() - index - 1,
        };
        let old = std::mem::replace(&mut self.current, cut);
        self.other = Some((old, info));
    }

    /// Makes the other branch the current one (and this one the other).
    pub fn switch_branch(&mut self) {
        if let Some((other, info)) = self.other.take() {
            let parted_at = info.parted_at;
            let old = std::mem::replace(&mut self.current, other);
            let moments_after = old
                .moments
                .iter()
                .filter(|m| m.at > parted_at)
                .count()
                .max(1);
            let info = OtherBranch {
                parted_at,
                ends_at: old.live.now(),
                moments_after,
            };
            self.other = Some((old, info));
            self.past = None;
        }
    }

    /// Forgets the other branch.
    pub fn discard_other(&mut self) {
        self.other = None;
    }

    /// Checkpoints kept on the current branch (for the memory figure).
    pub fn checkpoint_count(&self) -> usize {
        self.current.checkpoints.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::state::SessionLog;
    use crate::components::view::STARTER_YAML;

    fn pods(c: &Cluster) -> Vec<String> {
        use crate::engine::kinds::Pod;
        c.store
            .list_in::<Pod>("default")
            .map(|p| format!("{} {:?}", p.metadata.name, p.status))
            .collect()
    }

    fn run(h: &mut History, line: &str) -> Output {
        h.act(Action::Run { line: line.into() })
    }

    /// The controller moments inside the console line `line` (its last run).
    fn inside(h: &History, line: &str) -> Vec<usize> {
        let log = &h.log().actions;
        let Some(at) = log
            .iter()
            .rposition(|a| matches!(a, Action::Run { line: l } if l == line))
        else {
            return Vec::new();
        };
        (0..h.moments().len())
            .filter(|&i| h.moments()[i].action == at && h.moments()[i].by != By::User)
            .collect()
    }

    /// The ReplicaSets (pod-template-hash) the pods of `c` belong to.
    fn revisions(c: &Cluster) -> std::collections::BTreeSet<String> {
        use crate::engine::kinds::Pod;
        c.store
            .list_in::<Pod>("default")
            .filter_map(|p| p.metadata.labels.get("pod-template-hash").cloned())
            .collect()
    }

    fn starter(ticks: u64) -> History {
        let mut h = History::new(7);
        h.act(Action::Apply {
            text: STARTER_YAML.into(),
        });
        for _ in 0..ticks {
            h.act(Action::Advance { ms: 100, times: 1 });
        }
        h
    }

    #[test]
    fn every_controller_action_is_a_moment_with_its_cause() {
        let h = starter(40);
        let by_rs: Vec<&Moment> = h
            .moments()
            .iter()
            .filter(|m| m.by == By::Controller("replicaset-controller"))
            .collect();
        assert!(
            by_rs.iter().any(|m| m.label.contains("creates")),
            "{by_rs:?}"
        );
        assert_eq!(h.moments()[0].by, By::User);
        assert_eq!(h.moments()[0].label, "kubectl apply -f editor.yaml");
        // The apply, its reaction, then ticks run-length encoded.
        assert!(matches!(h.log().actions[1], Action::React));
        assert_eq!(h.log().actions.len(), 3);
        // The reaction's first moment is the Deployment controller's, right after the
        // apply's own moment and at the same instant.
        assert_eq!(h.moments()[1].by, By::Controller("deployment-controller"));
        assert_eq!(h.moments()[1].at, h.moments()[0].at);
    }

    /// Every moment rebuilt by replay from a checkpoint is the cluster that was live
    /// right after it: the same as running the session again and halting there. That
    /// holds for moments inside console lines that let time pass too (`sleep`, `kubectl
    /// rollout status`, `settle`): each of their controller actions is a moment.
    #[test]
    fn any_moment_rebuilds_exactly() {
        let mut h = starter(30);
        run(&mut h, "kubectl scale deployment web --replicas=5");
        run(&mut h, "sleep 30s");
        for _ in 0..100 {
            h.act(Action::Advance { ms: 250, times: 1 });
        }
        run(&mut h, "kubectl set image deployment/web nginx=nginx:1.28");
        run(&mut h, "kubectl rollout status deployment/web");
        run(&mut h, "node fail node-1");
        run(&mut h, "settle");
        for _ in 0..300 {
            h.act(Action::Advance { ms: 1000, times: 1 });
        }
        assert!(h.checkpoint_count() > 3);
        let lines = [
            "sleep 30s",
            "kubectl rollout status deployment/web",
            "settle",
        ];
        let mut in_lines = Vec::new();
        for line in lines {
            let moments = inside(&h, line);
            assert!(!moments.is_empty(), "{line}");
            in_lines.extend(moments);
        }
        // The line's own moment, the cluster after it, follows its controller actions.
        let settled = *inside(&h, "settle").last().unwrap();
        assert_eq!(h.moments()[settled + 1].label, "settle");
        assert_eq!(h.moments()[settled + 1].by, By::User);
        // Rebuild each moment twice: from its checkpoint, and from scratch (a history
        // without checkpoints) by cutting the branch there and replaying its log.
        let n = h.moments().len();
        let mut picked: Vec<usize> = (0..n).step_by(3).chain([n - 1]).collect();
        picked.extend(in_lines);
        picked.sort();
        picked.dedup();
        for i in picked {
            h.view(i);
            let shown = h.shown().snapshot();
            let cut = h.current.cut(i, h.shown().clone());
            let replayed = cut.log.replay();
            assert_eq!(
                replayed.snapshot(),
                shown,
                "moment {i}: {:?}",
                h.moments()[i]
            );
        }
        h.to_present();
        assert_eq!(h.shown().snapshot(), h.log().replay().snapshot());
    }

    /// Acting on a moment in the middle of `kubectl rollout status` cuts the line there
    /// (`RunPartial`): the new log replays to the cluster shown, then to the new present,
    /// byte for byte; a history rebuilt from it has the same moments, and its console
    /// shows the line with what it had printed by the cut.
    #[test]
    fn a_branch_cut_inside_rollout_status_replays_to_the_same_snapshot() {
        let mut h = starter(60);
        run(&mut h, "kubectl set image deployment/web nginx=nginx:1.28");
        let status = "kubectl rollout status deployment/web";
        let printed = run(&mut h, status);
        assert!(
            printed.text.ends_with("successfully rolled out\n"),
            "{}",
            printed.text
        );
        let old_end = h.live().snapshot();
        let during = inside(&h, status);
        assert!(
            during
                .iter()
                .any(|&i| matches!(h.moments()[i].by, By::Controller("deployment-controller")))
                && during
                    .iter()
                    .any(|&i| matches!(h.moments()[i].by, By::Controller("replicaset-controller"))),
            "the rollout's scale-ups and scale-downs are moments"
        );
        // A moment with both revisions' pods, well inside the line.
        let i = during
            .iter()
            .copied()
            .skip(during.len() / 3)
            .find(|&i| {
                h.view(i);
                revisions(h.shown()).len() == 2
            })
            .unwrap();
        h.view(i);
        let shown = h.shown().snapshot();
        let acts = h.moments()[i].in_tick;
        run(&mut h, "kubectl get pods");
        assert!(h.other_branch().is_some());
        let cut_at = h
            .log()
            .actions
            .iter()
            .position(|a| matches!(a, Action::RunPartial { .. }))
            .unwrap();
        assert_eq!(
            h.log().actions[cut_at],
            Action::RunPartial {
                line: status.into(),
                acts
            }
        );
        let json = serde_json::to_string(&h.log().actions[cut_at]).unwrap();
        assert_eq!(
            json,
            format!(r#"{{"do":"runpartial","line":"{status}","acts":{acts}}}"#)
        );
        let to_cut = SessionLog {
            seed: h.log().seed,
            actions: h.log().actions[..=cut_at].to_vec(),
        };
        assert_eq!(to_cut.replay().snapshot(), shown);
        assert_eq!(h.log().replay().snapshot(), h.live().snapshot());

        let (again, console) = History::from_log_with_console(h.log());
        assert_eq!(again.moments(), h.moments());
        assert_eq!(again.live().snapshot(), h.live().snapshot());
        let entry = console
            .entries
            .iter()
            .find(|e| e.command == status)
            .unwrap();
        assert!(printed.text.starts_with(&entry.output), "{}", entry.output);
        assert!(!entry.output.contains("successfully"), "{}", entry.output);

        // The old future, the whole rollout, is still there.
        h.switch_branch();
        assert_eq!(h.live().snapshot(), old_end);

        // Back on the cut branch, a moment earlier inside the cut line cuts it shorter.
        h.switch_branch();
        let j = (0..h.moments().len())
            .find(|&j| h.moments()[j].action == cut_at && h.moments()[j].in_tick == 2)
            .unwrap();
        h.view(j);
        let shown = h.shown().snapshot();
        run(&mut h, "kubectl get pods");
        assert_eq!(
            h.log().actions[cut_at],
            Action::RunPartial {
                line: status.into(),
                acts: 2
            }
        );
        let to_cut = SessionLog {
            seed: h.log().seed,
            actions: h.log().actions[..=cut_at].to_vec(),
        };
        assert_eq!(to_cut.replay().snapshot(), shown);
        assert_eq!(h.log().replay().snapshot(), h.live().snapshot());
        assert_eq!(History::from_log(h.log()).moments(), h.moments());
    }

    #[test]
    fn going_back_shows_the_older_pod_set() {
        let mut h = starter(50);
        let before = pods(h.live());
        h.act(Action::Run {
            line: "kubectl delete pod --all".into(),
        });
        for _ in 0..80 {
            h.act(Action::Advance { ms: 100, times: 1 });
        }
        let after = pods(h.live());
        assert_ne!(before, after);
        let at = h
            .moments()
            .iter()
            .rposition(|m| m.label == "kubectl delete pod --all")
            .unwrap();
        // The page's clock runs kubectl's wait: the delete returns at once and the
        // ReplicaSet's reaction is the next moment, at the same instant.
        let next = &h.moments()[at + 1];
        assert_eq!(next.by, By::Controller("replicaset-controller"));
        assert_eq!(next.at, h.moments()[at].at);
        h.view(at - 1);
        assert_eq!(pods(h.shown()), before);
        assert_eq!(pods(h.live()), after, "the present is untouched");
    }

    #[test]
    fn acting_in_the_past_branches_and_keeps_the_old_future() {
        let mut h = starter(50);
        h.act(Action::Run {
            line: "kubectl scale deployment web --replicas=1".into(),
        });
        for _ in 0..50 {
            h.act(Action::Advance { ms: 100, times: 1 });
        }
        let old_end = h.live().snapshot();
        // Back to a controller moment in the middle of a tick, then act.
        let i = h
            .moments()
            .iter()
            .position(|m| matches!(m.by, By::Controller("default-scheduler")))
            .unwrap();
        h.view(i);
        h.act(Action::Run {
            line: "kubectl get pods".into(),
        });
        let other = h.other_branch().cloned().unwrap();
        assert!(other.moments_after > 0);
        // The new branch's log rebuilds the new present exactly, from the cut.
        assert_eq!(h.log().replay().snapshot(), h.live().snapshot());
        assert!(h
            .log()
            .actions
            .iter()
            .any(|a| matches!(a, Action::Partial { .. })));
        assert_ne!(h.live().snapshot(), old_end);
        // The old future is still there.
        h.switch_branch();
        assert_eq!(h.live().snapshot(), old_end);
        h.discard_other();
        assert!(h.other_branch().is_none());
    }

    #[test]
    fn a_history_rebuilt_from_its_log_has_the_same_moments() {
        let mut h = starter(60);
        h.act(Action::Step);
        run(&mut h, "kubectl scale deployment web --replicas=4");
        run(&mut h, "sleep 20s");
        run(&mut h, "kubectl set image deployment/web nginx=nginx:1.28");
        run(&mut h, "kubectl rollout status deployment/web");
        run(&mut h, "kubectl drain node-3 --ignore-daemonsets");
        run(&mut h, "node fail node-2");
        run(&mut h, "settle");
        for _ in 0..60 {
            h.act(Action::Advance { ms: 1000, times: 1 });
        }
        for line in [
            "sleep 20s",
            "kubectl rollout status deployment/web",
            "kubectl drain node-3 --ignore-daemonsets",
            "settle",
        ] {
            assert!(!inside(&h, line).is_empty(), "{line}");
        }
        let again = History::from_log(h.log());
        assert_eq!(again.moments(), h.moments());
        assert_eq!(again.live().snapshot(), h.live().snapshot());
    }
}
