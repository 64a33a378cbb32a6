//! Scripted scenarios: each `tests/scenarios/*.kp` script runs on a fresh cluster
//! (seed 1) and its transcript must equal the reviewed snapshot in
//! `tests/snapshots/`. Update with `INSTA_UPDATE=always cargo test --test scenarios`,
//! then read the diff.

use kubeplay::engine::cluster::Cluster;
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
