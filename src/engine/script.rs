//! Scripts of kubectl commands and simulator directives, as `kubeplay run` takes them
//! and as lesson solutions are written. One command per line; `kubectl apply -f - <<EOF`
//! heredocs; `#` comments; directives `sleep`, `settle`, `node`, `image push`.

use super::cluster::{Cluster, NodeShape};
use super::explain::ObjRef;
use super::kubectl::{self, Input, Output};
use super::registry::parse_behavior;
use super::time::{go_duration, parse_duration};

/// One step of a script, with the line it started on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number.
    pub line: usize,
    /// The command as written (first line, without the heredoc body).
    pub command: String,
    /// Heredoc body, if the command had one.
    pub stdin: Option<String>,
}

/// A script line that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Splits a script into steps, collecting heredoc bodies.
pub fn parse(script: &str) -> Result<Vec<Step>, ScriptError> {
    let lines: Vec<&str> = script.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let t = raw.trim();
        let line = i + 1;
        i += 1;
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(pos) = t.find("<<") {
            let marker = t[pos + 2..]
                .trim()
                .trim_start_matches('-')
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string();
            if marker.is_empty() {
                return Err(ScriptError {
                    line,
                    message: "heredoc needs a marker, as in <<EOF".into(),
                });
            }
            let mut body = String::new();
            let mut closed = false;
            while i < lines.len() {
                let l = lines[i];
                i += 1;
                if l.trim() == marker {
                    closed = true;
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            if !closed {
                return Err(ScriptError {
                    line,
                    message: format!("heredoc is not closed: no line reads {marker}"),
                });
            }
            steps.push(Step {
                line,
                command: t[..pos].trim().to_string(),
                stdin: Some(body),
            });
        } else {
            steps.push(Step {
                line,
                command: t.to_string(),
                stdin: None,
            });
        }
    }
    Ok(steps)
}

/// Runs one step against the cluster: a directive, or a kubectl command.
pub fn run_step(
    cluster: &mut Cluster,
    step: &Step,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Output, ScriptError> {
    let err = |message: String| ScriptError {
        line: step.line,
        message,
    };
    let words: Vec<&str> = step.command.split_whitespace().collect();
    match words.as_slice() {
        ["sleep", d] => {
            let ms = parse_duration(d).map_err(err)?;
            cluster.advance(ms);
            Ok(Output::ok(""))
        }
        ["settle"] => {
            let took = cluster.settle();
            Ok(Output::ok(format!("settled after {}\n", go_duration(took))))
        }
        ["node", verb, name, rest @ ..] => node(cluster, verb, name, rest).map_err(err),
        ["traffic", rest @ ..] => {
            let (ns, rest) = namespace_flag(rest);
            let [svc, n] = rest.as_slice() else {
                return Err(err("usage: traffic SERVICE N [-n NAMESPACE]".into()));
            };
            let n: usize = n.parse().map_err(|_| err(format!("traffic: {n:?} is not a number of requests")))?;
            if n > 100_000 {
                return Err(err("traffic: at most 100000 requests at once".into()));
            }
            match cluster.send_traffic(&ns, svc, n) {
                Ok(report) => Ok(Output::ok(report.render())),
                Err(e) => Ok(Output::err(e)),
            }
        }
        ["load", rest @ ..] => {
            let (ns, rest) = namespace_flag(rest);
            let [target, pct] = rest.as_slice() else {
                return Err(err("usage: load DEPLOYMENT|SERVICE PERCENT% [-n NAMESPACE]".into()));
            };
            let p: u32 = pct.trim_end_matches('%').parse().map_err(|_| err(format!("load: {pct:?} is not a percentage such as 80%")))?;
            match cluster.set_load(&ns, target, p) {
                Ok(msg) => Ok(Output::ok(msg)),
                Err(e) => Ok(Output::err(e)),
            }
        }
        ["image", "push", reference, flags @ ..] => {
            let behavior = parse_behavior(flags).map_err(err)?;
            let msg = cluster.push_image(reference, behavior).map_err(err)?;
            cluster.explain("registry", ObjRef::new("Image", "", reference), format!("{reference} was pushed to the registry; the tag now names this one artifact."));
            Ok(Output::ok(format!("{msg}\n")))
        }
        [first, ..] if *first == "kubectl" || *first == "k" => {
            let input = Input { stdin: step.stdin.as_deref(), read_file };
            Ok(kubectl::run(cluster, &step.command, &input))
        }
        [first, ..] => Err(err(format!("unknown command {first:?}: expected kubectl, sleep, settle, node, image, traffic or load"))),
        [] => Ok(Output::ok("")),
    }
}

fn node(cluster: &mut Cluster, verb: &str, name: &str, rest: &[&str]) -> Result<Output, String> {
    if !rest.is_empty() {
        return Err(format!(
            "unexpected arguments after node {verb} {name}: {}",
            rest.join(" ")
        ));
    }
    match verb {
        "add" => {
            cluster.add_node(name, NodeShape::default())?;
            cluster.react();
            Ok(Output::ok(format!("node/{name} added\n")))
        }
        "fail" => cluster.fail_node(name).map(Output::ok),
        "recover" => cluster.recover_node(name).map(Output::ok),
        "cordon" | "uncordon" => {
            let input = Input::none();
            Ok(kubectl::run(
                cluster,
                &format!("kubectl {verb} {name}"),
                &input,
            ))
        }
        other => Err(format!(
            "unknown node action {other:?}: expected add, fail, recover, cordon or uncordon"
        )),
    }
}

fn namespace_flag<'a>(words: &[&'a str]) -> (String, Vec<&'a str>) {
    let mut ns = "default".to_string();
    let mut rest = Vec::new();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        if *w == "-n" || *w == "--namespace" {
            if let Some(n) = it.next() {
                ns = n.to_string();
            }
        } else if let Some(n) = w.strip_prefix("--namespace=") {
            ns = n.to_string();
        } else {
            rest.push(*w);
        }
    }
    (ns, rest)
}

/// Runs a whole script, printing `$ COMMAND` and its output for each step.
/// Returns the transcript and whether every command succeeded; stops at a bad line.
pub fn run_script(
    cluster: &mut Cluster,
    script: &str,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(String, bool), (String, ScriptError)> {
    let steps = parse(script).map_err(|e| (String::new(), e))?;
    let mut transcript = String::new();
    let mut all_ok = true;
    for step in &steps {
        transcript.push_str(&format!("$ {}\n", step.command));
        match run_step(cluster, step, read_file) {
            Ok(out) => {
                transcript.push_str(&out.text);
                all_ok &= out.ok;
            }
            Err(e) => return Err((transcript, e)),
        }
    }
    Ok((transcript, all_ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredocs_and_comments() {
        let s = "# setup\nkubectl apply -f - <<EOF\nkind: Namespace\nEOF\n\nsleep 5s\n";
        let steps = parse(s).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].line, 2);
        assert_eq!(steps[0].command, "kubectl apply -f -");
        assert_eq!(steps[0].stdin.as_deref(), Some("kind: Namespace\n"));
        assert_eq!(steps[1].line, 6);
        assert!(parse("kubectl apply -f - <<EOF\nkind: x\n").is_err());
    }
}
