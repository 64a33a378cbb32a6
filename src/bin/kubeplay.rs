//! `kubeplay`: the headless runner of the engine.
//!
//! `kubeplay run SCRIPT [--seed N]` runs a script of kubectl commands and simulator
//! directives (`-` reads the script from stdin) and prints a transcript.

use kubeplay::engine::cluster::Cluster;
use kubeplay::engine::script;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: kubeplay run SCRIPT|- [--seed N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
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
