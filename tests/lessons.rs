//! Every lesson is a regression test: its file parses, its solution meets every goal,
//! and its starting state meets none of them, so no lesson passes by accident.

use kubeplay::engine::lesson::{self, Lesson};
use std::path::Path;

fn lessons() -> Vec<(String, Lesson)> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons"));
    let index = std::fs::read_to_string(dir.join("index.yaml")).expect("lessons/index.yaml");
    let files = lesson::parse_index(&index).expect("index parses");
    assert!(files.len() >= 12, "the course has at least 12 lessons");
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            let l = Lesson::parse(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, l)
        })
        .collect()
}

#[test]
fn every_lesson_parses_and_ids_are_unique() {
    let all = lessons();
    let mut ids: Vec<&str> = all.iter().map(|(_, l)| l.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "lesson ids are unique");
    for (f, l) in &all {
        assert!(
            !l.intro.trim().is_empty() && !l.hints.is_empty(),
            "{f} has an intro and hints"
        );
        assert!(
            l.goals.iter().all(|g| !g.learned.trim().is_empty()),
            "{f}: every goal says what was learned"
        );
        l.start_cluster()
            .unwrap_or_else(|e| panic!("{f}: start: {e}"));
    }
}

#[test]
fn every_solution_meets_every_goal() {
    for (f, l) in lessons() {
        let report = lesson::check(&l, &l.solution).unwrap_or_else(|e| panic!("{f}: {e}"));
        let unmet: Vec<&String> = report
            .goals
            .iter()
            .filter(|(_, m)| !m)
            .map(|(g, _)| g)
            .collect();
        assert!(
            unmet.is_empty(),
            "{f}: the solution leaves goals unmet: {unmet:?}\n{}",
            report.transcript
        );
    }
}

#[test]
fn no_goal_is_met_by_the_starting_state() {
    let mut early = Vec::new();
    for (f, l) in lessons() {
        let met = lesson::met_at_start(&l).unwrap_or_else(|e| panic!("{f}: {e}"));
        if !met.is_empty() {
            early.push(format!("{f}: {met:?}"));
        }
    }
    assert!(
        early.is_empty(),
        "goals met before the learner did anything:\n{}",
        early.join("\n")
    );
}

#[test]
fn doing_nothing_passes_no_lesson() {
    for (f, l) in lessons() {
        let report = lesson::check(&l, "settle\n").unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(!report.passed(), "{f} passes with an empty solution");
    }
}
