//! Scripts of kubectl commands and simulator directives, as `kubeplay run` takes them
//! and as lesson solutions are written. One command per line; `kubectl apply -f - <<EOF`
//! heredocs; `#` comments; directives `sleep`, `settle`, `node`, `image push`.
//! [`run_step_watched`] runs a step one controller action at a time, for time travel.

use super::cluster::{Cluster, Flow, NodeShape, Watch};
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
    run_step_watched(cluster, step, read_file, &mut |_, _| Flow::Go).map(|(out, _)| out)
}

/// [`run_step`], calling `watch` after every controller action the step lets happen:
/// the time `sleep`, `settle`, `kubectl rollout status`, `drain` and `delete` let pass,
/// and the same-instant reaction of a command ([`Cluster::react`]). When `watch` says
/// [`Flow::Halt`] the step stops right there, as [`Cluster::advance_watched`] does,
/// returning what it printed so far; the same step on the same cluster halts at the
/// same point every time, so a halted cluster can be rebuilt by replay. A line that
/// cannot be understood is refused before anything runs.
pub fn run_step_watched(
    cluster: &mut Cluster,
    step: &Step,
    read_file: &dyn Fn(&str) -> Result<String, String>,
    watch: Watch,
) -> Result<(Output, Flow), ScriptError> {
    let err = |message: String| ScriptError {
        line: step.line,
        message,
    };
    let words: Vec<&str> = step.command.split_whitespace().collect();
    match words.as_slice() {
        ["sleep", d] => {
            let ms = parse_duration(d).map_err(err)?;
            let flow = cluster.advance_watched(ms, watch);
            Ok((Output::ok(""), flow))
        }
        ["settle"] => match cluster.settle_watched(watch) {
            (took, Flow::Go) => Ok((
                Output::ok(format!("settled after {}\n", go_duration(took))),
                Flow::Go,
            )),
            // Stopped before quiet: it has not settled, so it says nothing yet.
            (_, Flow::Halt) => Ok((Output::ok(""), Flow::Halt)),
        },
        ["node", verb, name, rest @ ..] => node(cluster, verb, name, rest, watch).map_err(err),
        ["traffic", rest @ ..] => {
            let default_ns = cluster.kubeconfig.namespace().unwrap_or("default");
            let (ns, rest) = namespace_flag(rest, default_ns);
            let [svc, n] = rest.as_slice() else {
                return Err(err("usage: traffic SERVICE N [-n NAMESPACE]".into()));
            };
            let n: usize = n.parse().map_err(|_| err(format!("traffic: {n:?} is not a number of requests")))?;
            if n > 100_000 {
                return Err(err("traffic: at most 100000 requests at once".into()));
            }
            match cluster.send_traffic(&ns, svc, n) {
                Ok(report) => Ok((Output::ok(report.render()), Flow::Go)),
                Err(e) => Ok((Output::err(e), Flow::Go)),
            }
        }
        ["load", rest @ ..] => {
            let default_ns = cluster.kubeconfig.namespace().unwrap_or("default");
            let (ns, rest) = namespace_flag(rest, default_ns);
            let [target, pct] = rest.as_slice() else {
                return Err(err("usage: load DEPLOYMENT|SERVICE PERCENT% [-n NAMESPACE]".into()));
            };
            let p: u32 = pct.trim_end_matches('%').parse().map_err(|_| err(format!("load: {pct:?} is not a percentage such as 80%")))?;
            match then_react(cluster, watch, |c| c.set_load(&ns, target, p)) {
                Ok((msg, flow)) => Ok((Output::ok(msg), flow)),
                Err(e) => Ok((Output::err(e), Flow::Go)),
            }
        }
        ["image", "push", reference, flags @ ..] => {
            let behavior = parse_behavior(flags).map_err(err)?;
            let msg = cluster.push_image(reference, behavior).map_err(err)?;
            cluster.explain("registry", ObjRef::new("Image", "", reference), format!("{reference} was pushed to the registry; the tag now names this one artifact."));
            Ok((Output::ok(format!("{msg}\n")), Flow::Go))
        }
        [first, ..] if *first == "kubectl" || *first == "k" => {
            let input = Input { stdin: step.stdin.as_deref(), read_file };
            Ok(kubectl::run_watched(cluster, &step.command, &input, watch))
        }
        [first, ..] => Err(err(format!("unknown command {first:?}: expected kubectl, sleep, settle, node, image, traffic or load"))),
        [] => Ok((Output::ok(""), Flow::Go)),
    }
}

/// Runs `f`, a change that ends by letting controllers react ([`Cluster::react`]: a
/// node failing or recovering, load), with that reaction held back, then runs the
/// reaction through `watch` when it succeeded. The reaction is the change's last act,
/// so the cluster goes through the same states, and each controller action is seen.
fn then_react(
    cluster: &mut Cluster,
    watch: Watch,
    f: impl FnOnce(&mut Cluster) -> Result<String, String>,
) -> Result<(String, Flow), String> {
    let inline = cluster.reacts_inline();
    cluster.defer_reactions(true);
    let done = f(cluster);
    cluster.defer_reactions(!inline);
    let msg = done?;
    Ok((msg, cluster.react_watched(watch)))
}

fn node(
    cluster: &mut Cluster,
    verb: &str,
    name: &str,
    rest: &[&str],
    watch: Watch,
) -> Result<(Output, Flow), String> {
    if !rest.is_empty() {
        return Err(format!(
            "unexpected arguments after node {verb} {name}: {}",
            rest.join(" ")
        ));
    }
    match verb {
        "add" => {
            cluster.add_node(name, NodeShape::default())?;
            let flow = cluster.react_watched(watch);
            Ok((Output::ok(format!("node/{name} added\n")), flow))
        }
        "fail" => then_react(cluster, watch, |c| c.fail_node(name))
            .map(|(msg, flow)| (Output::ok(msg), flow)),
        "recover" => then_react(cluster, watch, |c| c.recover_node(name))
            .map(|(msg, flow)| (Output::ok(msg), flow)),
        "cordon" | "uncordon" => {
            let input = Input::none();
            Ok(kubectl::run_watched(
                cluster,
                &format!("kubectl {verb} {name}"),
                &input,
                watch,
            ))
        }
        other => Err(format!(
            "unknown node action {other:?}: expected add, fail, recover, cordon or uncordon"
        )),
    }
}

/// `-n NS` among a runner command's words, else `default_ns` (the current kubeconfig
/// context's namespace, as for kubectl), and the other words.
fn namespace_flag<'a>(words: &[&'a str], default_ns: &str) -> (String, Vec<&'a str>) {
    let mut ns = default_ns.to_string();
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
