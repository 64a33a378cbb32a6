//! Scripted scenarios: each `tests/scenarios/*.kp` script runs on a fresh cluster
//! (seed 1) and its transcript must equal the reviewed snapshot in
//! `tests/snapshots/`. Update with `INSTA_UPDATE=always cargo test --test scenarios`,
//! then read the diff.

use kubeplay::engine::cluster::{Cluster, Flow};
use kubeplay::engine::script;

fn transcript(text: &str, seed: u64) -> String {
    let mut cluster = Cluster::new(seed);
    let no_files = |p: &str| Err(format!("error: the path \"{p}\" does not exist"));
    match script::run_script(&mut cluster, text, &no_files) {
        Ok((t, _)) => t,
        Err((t, e)) => format!("{t}error: {e}\n"),
    }
}

#[test]
fn scenario_transcripts() {
    insta::glob!("scenarios/*.kp", |path| {
        let text = std::fs::read_to_string(path).expect("scenario is readable");
        insta::assert_snapshot!(transcript(&text, 1));
    });
}

#[test]
fn same_seed_same_transcript_and_state() {
    insta::glob!("scenarios/*.kp", |path| {
        let text = std::fs::read_to_string(path).expect("scenario is readable");
        let run = || {
            let mut c = Cluster::new(7);
            let (t, _) = script::run_script(&mut c, &text, &|_| Err("no files".into()))
                .unwrap_or_else(|(t, e)| (format!("{t}{e}"), false));
            (t, c.snapshot())
        };
        let (a, b) = (run(), run());
        assert_eq!(a.0, b.0, "transcripts differ for {}", path.display());
        assert!(a.1 == b.1, "states differ for {}", path.display());
    });
}

#[test]
fn a_restored_snapshot_replays_the_same_future() {
    insta::glob!("scenarios/*.kp", |path| {
        let text = std::fs::read_to_string(path).expect("scenario is readable");
        let steps = script::parse(&text).expect("scenario parses");
        let half = steps.len() / 2;
        let no_files = |_: &str| Err("no files".to_string());
        let mut original = Cluster::new(3);
        for s in &steps[..half] {
            let _ = script::run_step(&mut original, s, &no_files);
        }
        let mut restored = Cluster::restore(&original.snapshot()).expect("snapshot restores");
        assert!(
            restored.snapshot() == original.snapshot(),
            "restore is exact for {}",
            path.display()
        );
        for s in &steps[half..] {
            let a = script::run_step(&mut original, s, &no_files).map(|o| o.text);
            let b = script::run_step(&mut restored, s, &no_files).map(|o| o.text);
            assert_eq!(a, b, "line {} of {}", s.line, path.display());
        }
        assert!(restored.snapshot() == original.snapshot());
    });
}

/// Every step of every scenario run watched (`script::run_step_watched`): without a halt
/// it prints and leaves exactly what the unwatched step does; halted after its k-th
/// controller action (first, middle, last), the cluster is the one the watcher saw
/// there, which is what lets time travel rebuild a moment inside `sleep`, `settle`,
/// `rollout status` or `drain` by replay.
#[test]
fn a_watched_step_halts_exactly_where_its_watcher_says() {
    insta::glob!("scenarios/*.kp", |path| {
        let text = std::fs::read_to_string(path).expect("scenario is readable");
        let steps = script::parse(&text).expect("scenario parses");
        let no_files = |_: &str| Err("no files".to_string());
        let mut plain = Cluster::new(5);
        let mut watched = Cluster::new(5);
        let mut halted_inside = 0;
        for s in &steps {
            let before = watched.clone();
            let mut acts = 0u64;
            let out = script::run_step(&mut plain, s, &no_files).map(|o| o.text);
            let ran = script::run_step_watched(&mut watched, s, &no_files, &mut |_, _| {
                acts += 1;
                Flow::Go
            });
            let where_ = format!("line {} of {}", s.line, path.display());
            assert_eq!(out, ran.map(|(o, _)| o.text), "{where_}");
            assert!(plain.snapshot() == watched.snapshot(), "{where_}");
            for k in [1, acts.div_ceil(2), acts]
                .into_iter()
                .filter(|k| (1..=acts).contains(k))
            {
                let mut seen = String::new();
                let mut n = 0;
                let mut again = before.clone();
                let _ = script::run_step_watched(&mut again, s, &no_files, &mut |c, _| {
                    n += 1;
                    if n == k {
                        seen = c.snapshot();
                    }
                    Flow::Go
                });
                let mut stopped = before.clone();
                let mut n = 0;
                let flow = script::run_step_watched(&mut stopped, s, &no_files, &mut |_, _| {
                    n += 1;
                    if n == k {
                        Flow::Halt
                    } else {
                        Flow::Go
                    }
                })
                .map(|(_, flow)| flow);
                assert_eq!(flow, Ok(Flow::Halt), "{where_}, action {k} of {acts}");
                assert!(
                    stopped.snapshot() == seen,
                    "{where_}: halted after action {k} of {acts}"
                );
                halted_inside += 1;
            }
        }
        assert!(halted_inside > 0, "{} lets no time pass", path.display());
    });
}
