//! The engine knows nothing of the UI or the wall clock: no UI or browser crate, no
//! `Instant`/`SystemTime`, no unseeded randomness anywhere under src/engine.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "leptos",
    "web_sys",
    "js_sys",
    "gloo",
    "wasm_bindgen",
    "console_error_panic_hook",
    "Instant",
    "SystemTime",
    "UNIX_EPOCH",
    "thread_rng",
    "rand::random",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/engine is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[test]
fn engine_imports_no_ui_browser_or_clock() {
    let mut files = Vec::new();
    rust_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/engine")),
        &mut files,
    );
    assert!(files.len() > 10, "the engine's files were found");
    let mut hits = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("engine file is UTF-8");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with("/*") || code.starts_with('*') {
                continue;
            }
            for word in FORBIDDEN {
                let found = code.match_indices(word).any(|(i, _)| {
                    let before = code[..i].chars().next_back();
                    let after = code[i + word.len()..].chars().next();
                    !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
                });
                if found {
                    hits.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "src/engine must stay pure and deterministic:\n{}",
        hits.join("\n")
    );
}
