//! `kubeplay`: the headless runner of the engine.
//!
//! `kubeplay run SCRIPT [--seed N]` runs a script of kubectl commands and simulator
//! directives (`-` reads the script from stdin) and prints a transcript.

use kubeplay::engine::cluster::Cluster;
use kubeplay::engine::script;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: kubeplay run SCRIPT|- [--seed N]
       kubeplay lesson check LESSON [--solution SCRIPT] [--lessons DIR]
       kubeplay lesson list [--lessons DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("lesson") => lesson(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> ExitCode {
    let mut seed: u64 = 1;
    let mut path: Option<&str> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => {
                    eprintln!("error: --seed needs a number");
                    return ExitCode::from(2);
                }
            },
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(s) => seed = s,
                Err(_) => {
                    eprintln!("error: --seed needs a number");
                    return ExitCode::from(2);
                }
            },
            p if path.is_none() => path = Some(p),
            other => {
                eprintln!("error: unexpected argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(path) = path else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let text = if path == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("error: cannot read stdin: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let base = if path == "-" {
        Path::new(".").to_path_buf()
    } else {
        Path::new(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    let read_file = move |p: &str| -> Result<String, String> {
        let full = if Path::new(p).is_absolute() {
            Path::new(p).to_path_buf()
        } else {
            base.join(p)
        };
        std::fs::read_to_string(&full)
            .map_err(|_| format!("error: the path \"{p}\" does not exist"))
    };
    let mut cluster = Cluster::new(seed);
    match script::run_script(&mut cluster, &text, &read_file) {
        Ok((transcript, ok)) => {
            print!("{transcript}");
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err((transcript, e)) => {
            print!("{transcript}");
            eprintln!("error: {path}: {e}");
            ExitCode::from(2)
        }
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix(&format!("{name}=")))
        })
}

/// The ordered lesson files of a lessons directory, from its `index.yaml`.
fn lesson_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let index = std::fs::read_to_string(dir.join("index.yaml"))
        .map_err(|e| format!("cannot read {}: {e}", dir.join("index.yaml").display()))?;
    let files = kubeplay::engine::lesson::parse_index(&index)
        .map_err(|e| format!("{}: {e}", dir.join("index.yaml").display()))?;
    Ok(files.into_iter().map(|f| dir.join(f)).collect())
}

fn lesson(args: &[String]) -> ExitCode {
    use kubeplay::engine::lesson::{self, Lesson};
    let dir = Path::new(flag(args, "--lessons").unwrap_or("lessons")).to_path_buf();
    let load = |p: &Path| -> Result<Lesson, String> {
        let text =
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        Lesson::parse(&text).map_err(|e| format!("{}: {e}", p.display()))
    };
    match args.first().map(String::as_str) {
        Some("list") => match lesson_files(&dir) {
            Ok(files) => {
                for (i, f) in files.iter().enumerate() {
                    match load(f) {
                        Ok(l) => println!("{:>2}. {:<20} {}", i + 1, l.id, l.title),
                        Err(e) => println!("{:>2}. error: {e}", i + 1),
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Some("check") => {
            let Some(name) = args.get(1).filter(|a| !a.starts_with("--")) else {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            };
            let path = if Path::new(name).is_file() {
                Path::new(name).to_path_buf()
            } else {
                match lesson_files(&dir).map(|fs| {
                    fs.into_iter().find(|f| {
                        f.file_stem()
                            .is_some_and(|s| s.to_string_lossy().contains(name.as_str()))
                    })
                }) {
                    Ok(Some(p)) => p,
                    Ok(None) => {
                        eprintln!("error: no lesson matches {name:?} in {}", dir.display());
                        return ExitCode::from(2);
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            };
            let l = match load(&path) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let solution = match flag(args, "--solution") {
                Some(p) => match std::fs::read_to_string(p) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("error: cannot read {p}: {e}");
                        return ExitCode::from(2);
                    }
                },
                None => l.solution.clone(),
            };
            match lesson::check(&l, &solution) {
                Ok(report) => {
                    print!("{}", report.transcript);
                    println!("\nlesson {}: {}", l.id, l.title);
                    for (goal, met) in &report.goals {
                        println!("  [{}] {goal}", if *met { "met" } else { "not met" });
                    }
                    let n = report.goals.iter().filter(|g| g.1).count();
                    println!("{n} of {} goals met", report.goals.len());
                    if report.passed() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
