//! The page's own work while a 300-pod cluster animates, natively (`cargo bench --bench
//! frames`): what `tests/browser/perf.mjs` drives in the browser, without the browser.
//!
//! The starter cluster, converged; then the editor's Deployment scaled to 300 small
//! replicas and applied (the apply and the controllers' same-instant reaction, as the
//! page records them), then 60 ticks of 500 ms (the page's 100 ms timer at 5x). Each
//! step is timed with the view models the page recomputes after it: the cluster
//! panel's, the workloads', and the timeline's.

use kubeplay::components::history::History;
use kubeplay::components::state::{perform, perform_watched, Action, SessionLog};
use kubeplay::components::timeline::timeline_view;
use kubeplay::components::view::{cluster_view, workloads, STARTER_YAML};
use kubeplay::engine::cluster::Flow;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const TICKS: usize = 60;
const TICK_MS: u64 = 500;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn time<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

#[derive(Default)]
struct Run {
    apply: Duration,
    apply_views: Duration,
    ticks: Vec<Duration>,
    views: Vec<Duration>,
}

fn run() -> Run {
    let mut h = History::new(42);
    h.act(Action::Apply {
        text: STARTER_YAML.into(),
    });
    for _ in 0..20 {
        h.act(Action::Advance {
            ms: TICK_MS,
            times: 1,
        });
    }
    let big = big_yaml();
    let views = |h: &History| {
        black_box(cluster_view(h.shown()));
        black_box(workloads(h.shown()));
        black_box(timeline_view(h));
    };
    let apply = time(|| h.act(Action::Apply { text: big })).1;
    let mut run = Run {
        apply,
        apply_views: time(|| views(&h)).1,
        ..Run::default()
    };
    for _ in 0..TICKS {
        run.ticks.push(
            time(|| {
                h.act(Action::Advance {
                    ms: TICK_MS,
                    times: 1,
                })
            })
            .1,
        );
        run.views.push(time(|| views(&h)).1);
    }
    run
}

/// The reaction to the apply, controller action by controller action: each action's
/// time (the controller's pass and the cluster applying its changes), summed by name.
fn reaction_by_controller() -> BTreeMap<&'static str, (usize, Duration)> {
    let log = SessionLog {
        seed: 42,
        actions: vec![
            Action::Apply {
                text: STARTER_YAML.into(),
            },
            Action::Advance {
                ms: TICK_MS,
                times: 20,
            },
        ],
    };
    let mut c = log.replay();
    perform(&mut c, &Action::Apply { text: big_yaml() });
    let mut by = BTreeMap::new();
    let mut last = Instant::now();
    perform_watched(&mut c, &Action::React, 0, &mut |_, name| {
        let e: &mut (usize, Duration) = by.entry(name).or_default();
        e.0 += 1;
        e.1 += last.elapsed();
        last = Instant::now();
        Flow::Go
    });
    by
}

fn big_yaml() -> String {
    STARTER_YAML
        .replace("replicas: 3", "replicas: 300")
        .replace("cpu: 250m", "cpu: 10m")
        .replace("memory: 128Mi", "memory: 16Mi")
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick" || a == "--test");
    let runs: Vec<Run> = (0..if quick { 1 } else { 5 }).map(|_| run()).collect();
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let of = |f: &dyn Fn(&Run) -> f64| median(runs.iter().map(f).collect());
    let max = |v: &[Duration]| v.iter().map(|d| ms(*d)).fold(0.0, f64::max);
    let med = |v: &[Duration]| median(v.iter().map(|d| ms(*d)).collect());
    println!(
        "apply of 300 replicas (apply and reaction)      {:>8.3} ms",
        of(&|r| ms(r.apply))
    );
    let reactions: Vec<_> = (0..runs.len()).map(|_| reaction_by_controller()).collect();
    for name in reactions[0].keys() {
        println!(
            "  reaction: {name:<28} {:>3} action(s) {:>8.3} ms",
            reactions[0][name].0,
            median(reactions.iter().map(|r| ms(r[name].1)).collect())
        );
    }
    println!(
        "view models after it                            {:>8.3} ms",
        of(&|r| ms(r.apply_views))
    );
    println!(
        "tick of {TICK_MS} ms: engine median {:>8.3} ms, max {:>8.3} ms",
        of(&|r| med(&r.ticks)),
        of(&|r| max(&r.ticks))
    );
    println!(
        "view models per tick:  median {:>8.3} ms, max {:>8.3} ms",
        of(&|r| med(&r.views)),
        of(&|r| max(&r.views))
    );
}
