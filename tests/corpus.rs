//! Real manifests from Kubernetes' own docs and well-known repositories (see
//! tests/corpus/SOURCES.md) must read exactly as kubectl reads them: no errors, the
//! documents and kinds listed in tests/corpus/index.tsv, and no panic on any mutation.

use kubeplay::engine::defaults::{admit_pod, apply_defaults};
use kubeplay::engine::diagnostic::Severity;
use kubeplay::engine::manifest::{parse_manifests, Parsed};
use kubeplay::engine::object::Object;
use kubeplay::engine::validate::{format_invalid, validate};
use proptest::prelude::*;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// One row of index.tsv: a file, the kind of each of its documents, and their count.
struct Entry {
    file: String,
    kinds: Vec<String>,
    documents: usize,
}

fn index() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus_dir().join("index.tsv")).expect("index.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Entry {
                file: cols[0].to_string(),
                kinds: cols[1].split(',').map(str::to_string).collect(),
                documents: cols[2].parse().expect("document count"),
            }
        })
        .collect()
}

fn read(file: &str) -> String {
    std::fs::read_to_string(corpus_dir().join("manifests").join(file)).expect(file)
}

/// The kinds per document, in order; a `kind: List` document counts as one.
fn kinds_per_document(parsed: &Parsed) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut last = None;
    for object in &parsed.objects {
        if last != Some(object.document) {
            out.push(Vec::new());
            last = Some(object.document);
        }
        out.last_mut()
            .unwrap()
            .push(object.object.kind_name().to_string());
    }
    out
}

/// What each `kind: List` in the corpus holds.
fn list_items(file: &str) -> Vec<&'static str> {
    match file {
        "kubernetes__hack__testdata__list.yaml" => vec!["Service", "Deployment"],
        "website__policy__quota.yaml" => vec!["ResourceQuota", "ResourceQuota", "ResourceQuota"],
        other => panic!("{other}: a List this test does not know; add its items here"),
    }
}

#[test]
fn every_corpus_file_reads_without_errors_or_warnings() {
    let entries = index();
    assert_eq!(entries.len(), 94, "index.tsv rows");
    let mut failures = Vec::new();
    for entry in &entries {
        let parsed = parse_manifests(&read(&entry.file));
        for d in &parsed.diagnostics {
            if d.severity != Severity::Notice {
                failures.push(format!("{}: {} {d}", entry.file, d.severity));
            }
        }
        let got = kinds_per_document(&parsed);
        let want: Vec<Vec<String>> = entry
            .kinds
            .iter()
            .map(|k| match k.as_str() {
                "List" => list_items(&entry.file)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                k => vec![k.to_string()],
            })
            .collect();
        assert_eq!(
            want.len(),
            entry.documents,
            "{}: index.tsv is inconsistent",
            entry.file
        );
        if got != want {
            failures.push(format!("{}: documents {got:?}, want {want:?}", entry.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_object_passes_validation_after_defaults() {
    let mut failures = Vec::new();
    for entry in index() {
        for parsed in parse_manifests(&read(&entry.file)).objects {
            let mut obj = parsed.object;
            apply_defaults(&mut obj);
            if let Object::Pod(pod) = &mut obj {
                admit_pod(pod);
            }
            let errors = validate(&obj, None);
            if !errors.is_empty() {
                failures.push(format!(
                    "{}: {}",
                    entry.file,
                    format_invalid(obj.kind_name(), &obj.meta().name, &errors)
                ));
            }
            // Applying the same object again is an update that changes nothing.
            let again = validate(&obj, Some(&obj));
            if !again.is_empty() {
                failures.push(format!(
                    "{} (update): {}",
                    entry.file,
                    format_invalid(obj.kind_name(), &obj.meta().name, &again)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn stored_only_kinds_get_a_notice_and_simulated_ones_do_not() {
    let parsed = parse_manifests(&read("website__application__zookeeper__zookeeper.yaml"));
    let notices: Vec<String> = parsed
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        notices,
        [
            "PodDisruptionBudget \"zk-pdb\" is stored but not simulated by kubeplay yet: no controller will act on it",
            "StatefulSet \"zk\" is stored but not simulated by kubeplay yet: no controller will act on it",
        ]
    );
}

#[test]
fn yaml_1_1_octal_modes_read_as_kubectl_reads_them() {
    let parsed = parse_manifests(&read(
        "gke-samples__quickstarts__hello-app-redis__manifests__redis-cluster.yaml",
    ));
    let json = serde_json::to_string(&parsed.objects[0].object.to_api_value()).unwrap();
    assert!(json.contains("\"defaultMode\":493"), "{json}");
    assert!(json.contains("\"defaultMode\":365"), "{json}");
}

/// A corpus file with one random edit: a deleted, inserted or replaced span.
fn mutated_corpus_file() -> impl Strategy<Value = String> {
    let files: Vec<String> = index().into_iter().map(|e| read(&e.file)).collect();
    let pieces = prop::sample::select(vec![
        "",
        ":",
        "- ",
        "---\n",
        "\n",
        "  ",
        "\t",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "|",
        ">-\n",
        "#",
        "&a ",
        "*a",
        "!!str ",
        "0755",
        "null",
        "~",
        "? ",
        "kind: List\n",
        "items:\n",
        "apiVersion: v1\n",
        "\u{feff}",
        "é",
        "...\n",
    ]);
    (
        prop::sample::select(files),
        any::<prop::sample::Index>(),
        0usize..40,
        pieces,
    )
        .prop_map(|(text, at, cut, piece)| {
            let mut start = at.index(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{piece}{}", &text[..start], &text[end..])
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn parsing_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let _ = parse_manifests(&text);
    }

    #[test]
    fn parsing_never_panics_on_yaml_like_text(text in "([ \\-:{}\\[\\],#|>'\"&*!?a-z0-9]|\n|---\n){0,300}") {
        let _ = parse_manifests(&text);
    }

    #[test]
    fn parsing_never_panics_on_mutated_manifests(text in mutated_corpus_file()) {
        let parsed = parse_manifests(&text);
        for d in &parsed.diagnostics {
            let line = d.line.unwrap_or(1);
            prop_assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "{d} outside the text");
        }
    }
}
