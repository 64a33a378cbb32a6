//! Time travel's costs (`cargo bench --bench history`): the memory a 30-minute session
//! at 1x keeps for its timeline, and how long showing a past moment takes.
//!
//! The session is what a classroom demo does: the starter Deployment, a scale-up, a
//! rolling update, a node failure and recovery, a pod deleted, and idle time between,
//! ticked as the page ticks at 1x (100 ms of simulated time every 100 ms).
//! Memory is measured by a counting allocator: bytes live after the session minus
//! bytes live before it.
//!
//! The second measure is the worst case for one console line: `sleep 1h` on a busy
//! cluster (pods crash-looping, an autoscaler under load, twenty replicas), then
//! `kubectl rollout status` through a rolling update: what the timeline keeps for them,
//! and how long showing a moment inside them takes.

use kubeplay::components::history::History;
use kubeplay::components::state::Action;
use kubeplay::components::view::STARTER_YAML;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const TICK_MS: u64 = 100;
const SESSION_MIN: u64 = 30;

fn session() -> History {
    let mut h = History::new(42);
    h.act(Action::Apply {
        text: STARTER_YAML.into(),
    });
    let script: &[(u64, &str)] = &[
        (2, "kubectl scale deployment web --replicas=6"),
        (5, "kubectl set image deployment/web nginx=nginx:1.28"),
        (8, "node fail node-2"),
        (14, "node recover node-2"),
        (16, "kubectl delete pod --all"),
        (20, "kubectl rollout undo deployment/web"),
        (25, "kubectl scale deployment web --replicas=3"),
    ];
    let ticks = SESSION_MIN * 60 * 1000 / TICK_MS;
    let mut next = script.iter().peekable();
    for t in 0..ticks {
        let minute = t * TICK_MS / 60_000;
        while let Some((_, line)) = next.next_if(|(m, _)| *m <= minute) {
            h.act(Action::Run {
                line: (*line).into(),
            });
        }
        h.act(Action::Advance {
            ms: TICK_MS,
            times: 1,
        });
    }
    h
}

/// A cluster that keeps its controllers busy: the starter scaled to 20, ten pods whose
/// image crashes after 5 s (CrashLoopBackOff), and an HPA'd Deployment under load.
const BUSY_YAML: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: crashy
spec:
  replicas: 10
  selector:
    matchLabels:
      app: crashy
  template:
    metadata:
      labels:
        app: crashy
    spec:
      containers:
        - name: app
          image: example.com/crashy:1
          resources:
            requests:
              cpu: 50m
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php
spec:
  replicas: 1
  selector:
    matchLabels:
      app: php
  template:
    metadata:
      labels:
        app: php
    spec:
      containers:
        - name: php
          image: registry.k8s.io/hpa-example
          resources:
            requests:
              cpu: 200m
";

fn busy() -> History {
    let mut h = History::new(42);
    h.act(Action::Run {
        line: "image push example.com/crashy:1 --crash-after 5s".into(),
    });
    h.act(Action::Apply {
        text: format!("{STARTER_YAML}---\n{BUSY_YAML}"),
    });
    for line in [
        "kubectl autoscale deployment php --cpu-percent=50 --min=1 --max=8",
        "kubectl scale deployment web --replicas=20",
    ] {
        h.act(Action::Run { line: line.into() });
    }
    h.act(Action::Advance {
        ms: TICK_MS,
        times: 300,
    });
    h.act(Action::Run {
        line: "load php 250%".into(),
    });
    h
}

/// Shows `picks` moments from `from` on, spread over them; returns the median and worst
/// time in milliseconds.
fn show(h: &mut History, from: usize, picks: usize) -> (f64, f64) {
    let n = h.moments().len() - from;
    let mut times = Vec::new();
    for k in 0..picks {
        let i = from + (k * 7919) % n;
        let t = Instant::now();
        h.view(i);
        times.push(t.elapsed());
    }
    h.to_present();
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    (ms(times[times.len() / 2]), ms(times[times.len() - 1]))
}

fn one_line(h: &mut History, line: &str) {
    let from = h.moments().len();
    let before = LIVE.load(Ordering::Relaxed);
    let start = Instant::now();
    h.act(Action::Run { line: line.into() });
    let took = start.elapsed();
    let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let n = h.moments().len() - from;
    let (median, worst) = show(h, from, n.min(50));
    println!(
        "history: `{line}`: {n} moments, {} checkpoints, +{:.1} MiB live, {:.2} s natively; show one: median {median:.2} ms, worst {worst:.2} ms",
        h.checkpoint_count(),
        bytes as f64 / (1024.0 * 1024.0),
        took.as_secs_f64()
    );
}

fn main() {
    let before = LIVE.load(Ordering::Relaxed);
    let start = Instant::now();
    let mut h = session();
    let built = start.elapsed();
    let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let n = h.moments().len();
    println!(
        "history: {SESSION_MIN}-minute session at 1x: {n} moments, {} checkpoints, {:.1} MiB live ({:.1} s to run natively)",
        h.checkpoint_count(),
        bytes as f64 / (1024.0 * 1024.0),
        built.as_secs_f64()
    );
    // Show moments spread over the whole session, as a drag along the timeline does.
    let mut times = Vec::new();
    for k in 0..200 {
        let i = (k * 7919) % n;
        let t = Instant::now();
        h.view(i);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "history: show a past moment: median {:.2} ms, worst {:.2} ms (200 moments)",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
    let mut h = busy();
    one_line(&mut h, "sleep 1h");
    one_line(&mut h, "kubectl set image deployment/web nginx=nginx:1.28");
    one_line(&mut h, "kubectl rollout status deployment/web");
}
