//! A headless kubectl over the engine: the UI console, the command-line runner and
//! the tests all run commands through [`run`]. Output and errors are worded as real
//! kubectl prints them.

pub mod apply;
pub mod args;
pub mod config;
pub mod describe;
pub mod diff;
pub mod dryrun;
pub mod events;
pub mod fields;
pub mod generate;
pub mod get;
pub mod jsonpath;
pub mod mutate;
pub mod patch;
pub mod print;
pub mod replace;
pub mod rollout;
pub mod taint;
pub mod unidiff;
pub mod wait;
pub mod watch;
pub mod workloads;

use super::cluster::{Cluster, Flow, Watch};
use super::object::{KindInfo, KINDS};
use args::Args;
use dryrun::DryRun;

/// What a command printed, in order, and whether it succeeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Everything printed, stdout and stderr interleaved as a terminal shows them.
    pub text: String,
    /// Whether the command succeeded (exit status 0).
    pub ok: bool,
}

impl Output {
    /// A successful result.
    pub fn ok(text: impl Into<String>) -> Output {
        Output {
            text: text.into(),
            ok: true,
        }
    }

    /// A failed result.
    pub fn err(text: impl Into<String>) -> Output {
        Output {
            text: text.into(),
            ok: false,
        }
    }

    fn push(&mut self, line: &str) {
        self.text.push_str(line);
        if !line.ends_with('\n') {
            self.text.push('\n');
        }
    }
}

/// Where `-f` reads from: `-` is the given stdin; other names go to `read_file`.
pub struct Input<'a> {
    /// Text for `-f -` (a heredoc, or the editor in the page).
    pub stdin: Option<&'a str>,
    /// Reads a named file (the runner reads disk; the page knows only the editor).
    pub read_file: &'a dyn Fn(&str) -> Result<String, String>,
}

impl Input<'_> {
    /// Input with no stdin and no files.
    pub fn none() -> Input<'static> {
        Input {
            stdin: None,
            read_file: &|p| Err(format!("error: the path \"{p}\" does not exist")),
        }
    }

    fn read(&self, path: &str) -> Result<String, String> {
        if path == "-" {
            return self
                .stdin
                .map(str::to_string)
                .ok_or_else(|| "error: no objects passed to apply".to_string());
        }
        (self.read_file)(path)
    }
}

/// Runs one kubectl command line (with or without the leading `kubectl`), then lets
/// controllers react at the same instant, as a real cluster does within milliseconds.
pub fn run(cluster: &mut Cluster, line: &str, input: &Input) -> Output {
    run_watched(cluster, line, input, &mut |_, _| Flow::Go).0
}

/// [`run`], calling `watch` after every controller action the command lets happen: the
/// time it lets pass while it waits (`rollout status`, `drain`, `delete`'s wait) and
/// its same-instant reaction. When `watch` says [`Flow::Halt`] the command stops right
/// there, as [`Cluster::advance_watched`] does, with what it printed so far; the same
/// command on the same cluster always halts at the same point, so the halted cluster
/// can be rebuilt by replay.
pub fn run_watched(
    cluster: &mut Cluster,
    line: &str,
    input: &Input,
    watch: Watch,
) -> (Output, Flow) {
    let (mut out, flow) = run_only(cluster, line, input, watch);
    if !out.text.is_empty() && !out.text.ends_with('\n') {
        out.text.push('\n');
    }
    if flow == Flow::Halt {
        return (out, flow);
    }
    let flow = cluster.react_watched(watch);
    (out, flow)
}

fn run_only(cluster: &mut Cluster, line: &str, input: &Input, watch: Watch) -> (Output, Flow) {
    let words = match args::split(line) {
        Ok(w) => w,
        Err(e) => return (Output::err(format!("error: {e}")), Flow::Go),
    };
    let mut words: &[String] = &words;
    if words.first().is_some_and(|w| w == "kubectl" || w == "k") {
        words = &words[1..];
    }
    let Some((cmd, rest)) = words.split_first() else {
        return (Output::err(HELP.trim_start()), Flow::Go);
    };
    let a = match Args::parse(rest) {
        Ok(a) => a.with_context_namespace(cluster.kubeconfig.namespace()),
        Err(e) => return (Output::err(e), Flow::Go),
    };
    // A context that names no cluster leaves kubectl nothing to talk to; only what
    // runs in the client still works.
    let client_only = matches!(
        cmd.as_str(),
        "config" | "help" | "--help" | "-h" | "explain" | "edit"
    );
    if !cluster.kubeconfig.reaches_cluster() && !client_only {
        let text = match cmd.as_str() {
            "version" => format!("{CLIENT_VERSION}{}", config::NO_SERVER),
            _ => config::NO_SERVER.to_string(),
        };
        return (Output::err(text), Flow::Go);
    }
    let (dry, warning) = match dry_run(cmd, &a) {
        Ok(d) => d,
        Err(o) => return (o, Flow::Go),
    };
    if dry == DryRun::None {
        let (mut out, flow) = dispatch(cluster, cmd, &a, input, watch);
        if let Some(w) = warning {
            out.text = format!("{w}\n{}", out.text);
        }
        return (out, flow);
    }
    // A dry run is the same command on a copy that is then dropped: the same checks,
    // defaults and errors, and nothing happens to the cluster or on its timeline.
    let mut scratch = cluster.clone();
    let (out, _) = dispatch(&mut scratch, cmd, &a, input, &mut |_, _| Flow::Go);
    let text = dry.mark(&out.text);
    let text = match warning {
        Some(w) => format!("{w}\n{text}"),
        None => text,
    };
    (Output { text, ok: out.ok }, Flow::Go)
}

/// The commands (and `rollout` subcommands) that take `--dry-run`, as kubectl 1.32.
fn dry_run(cmd: &str, a: &Args) -> Result<(DryRun, Option<&'static str>), Output> {
    if a.get("--dry-run").is_none() {
        return Ok((DryRun::None, None));
    }
    let writes = match cmd {
        "apply" | "create" | "run" | "delete" | "scale" | "label" | "annotate" | "patch"
        | "set" | "expose" | "autoscale" | "cordon" | "uncordon" | "drain" | "replace"
        | "taint" => true,
        "rollout" => matches!(
            a.positional.first().map(String::as_str),
            Some("undo" | "restart" | "pause" | "resume")
        ),
        _ => false,
    };
    if !writes {
        let name = match (cmd, a.positional.first()) {
            ("rollout", Some(sub)) => format!("rollout {sub}"),
            _ => cmd.to_string(),
        };
        return Err(Output::err(format!(
            "Error: unknown flag: --dry-run\nSee 'kubectl {name} --help' for usage."
        )));
    }
    DryRun::of(a)
}

fn dispatch(
    cluster: &mut Cluster,
    cmd: &str,
    a: &Args,
    input: &Input,
    watch: Watch,
) -> (Output, Flow) {
    // The commands that wait let time pass, watched; the others run no controller.
    let out = match cmd {
        "delete" => return mutate::delete(cluster, a, input, watch),
        "rollout" => return rollout::rollout(cluster, a, watch),
        "drain" => return workloads::drain(cluster, a, watch),
        "wait" => return wait::wait(cluster, a, watch),
        "get" if a.bool("--watch") || a.bool("--watch-only") => {
            return watch::get_watch(cluster, a, watch)
        }
        "replace" => return replace::replace(cluster, a, input, watch),
        "apply" => apply::apply(cluster, a, input, false),
        "create" => apply::create(cluster, a, input),
        "get" => get::get(cluster, a),
        "describe" => get::describe(cluster, a),
        "scale" => mutate::scale(cluster, a),
        "label" => mutate::label(cluster, a),
        "annotate" => mutate::annotate(cluster, a),
        "patch" => patch::patch(cluster, a),
        "set" => rollout::set(cluster, a),
        "expose" => workloads::expose(cluster, a),
        "autoscale" => workloads::autoscale(cluster, a),
        "cordon" => mutate::cordon(cluster, a, true),
        "uncordon" => mutate::cordon(cluster, a, false),
        "run" => apply::run_pod(cluster, a),
        "taint" => taint::taint(cluster, a),
        "diff" => diff::diff(cluster, a, input),
        "events" => events::events(cluster, a),
        "config" => config::config(cluster, a),
        "cluster-info" => config::cluster_info(cluster, a),
        "explain" | "edit" => not_here(cmd),
        "api-resources" => api_resources(a),
        "logs" | "exec" | "attach" | "port-forward" | "cp" | "debug" | "top" | "proxy" => {
            no_containers(cmd)
        }
        "version" => Output::ok(format!(
            "{CLIENT_VERSION}Server Version: v1.32.0 (kubeplay)\n"
        )),
        "help" | "--help" | "-h" => Output::ok(HELP.trim_start()),
        other => Output::err(format!(
            "error: unknown command \"{other}\" for \"kubectl\"\nRun 'kubectl --help' for usage."
        )),
    };
    (out, Flow::Go)
}

/// How a command that waits lets time pass (`delete`, `drain`, `wait`): controllers react at
/// once, then the clock runs to each wake-up they asked for until `done` holds or
/// `limit_ms` of simulated time passed. Each controller action goes through `watch`;
/// where it says [`Flow::Halt`] the wait stops and says so.
fn wait_until(
    cluster: &mut Cluster,
    limit_ms: u64,
    watch: Watch,
    done: impl Fn(&Cluster) -> bool,
) -> Flow {
    let start = cluster.now();
    if cluster.step_watched(watch).1 == Flow::Halt {
        return Flow::Halt;
    }
    while !done(cluster) {
        match cluster.next_timer() {
            Some(t) if t.since(start) <= limit_ms => {
                if cluster.advance_watched(t.since(cluster.now()).max(1), watch) == Flow::Halt {
                    return Flow::Halt;
                }
            }
            _ => break,
        }
    }
    Flow::Go
}

/// Commands that need a running container, a process or a network connection: the
/// simulation has none, so they say so and point to what shows the same thing here.
fn no_containers(cmd: &str) -> Output {
    let instead = match cmd {
        "logs" => "a pod's events and container states are in `kubectl describe pod NAME`",
        "top" => "pods' requests against each node's capacity are in `kubectl describe node NAME`",
        "port-forward" | "proxy" => "send requests to a Service with `traffic SERVICE N`",
        _ => "`kubectl describe pod NAME` shows what a container is doing",
    };
    Output::err(format!(
        "error: kubeplay simulates containers without running them, so `kubectl {cmd}` has nothing to connect to; {instead}"
    ))
}

/// Commands kubeplay cannot carry out faithfully: `explain` reads the API server's
/// OpenAPI documents, which the simulation does not have, and `edit` opens `$EDITOR`,
/// which a console line has not. Each says so and points to what does the job here.
fn not_here(cmd: &str) -> Output {
    Output::err(match cmd {
        "explain" => "error: kubeplay's API server has no OpenAPI documents for `kubectl explain` to read; `kubectl get KIND NAME -o yaml` shows every field an object has, and the Kubernetes API reference (https://kubernetes.io/docs/reference/kubernetes-api/) says what each field means",
        _ => "error: `kubectl edit` opens an editor, and a kubectl line here has none; change objects with `kubectl patch`, `kubectl set image`, `kubectl scale` or `kubectl label`, or edit the manifest and `kubectl apply -f` it. In the page, `kubectl get deployment web -o yaml` then Open in editor puts the object in the editor, ready to change and apply",
    })
}

/// `kubectl api-resources`: the resource types this cluster serves.
fn api_resources(a: &Args) -> Output {
    if let Err(o) = check_flags(a, "api-resources", &["--namespaced", "--no-headers"]) {
        return o;
    }
    let namespaced = match a.get("--namespaced") {
        None => None,
        Some("true") | Some("") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Output::err(format!(
                "error: invalid argument \"{other}\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax"
            ))
        }
    };
    let mut kinds: Vec<&KindInfo> = KINDS
        .iter()
        .filter(|k| namespaced.is_none_or(|n| k.namespaced == n))
        .collect();
    crate::engine::sort::sort_by(&mut kinds, |x, y| {
        (x.group, x.plural).cmp(&(y.group, y.plural))
    });
    let mut text = String::new();
    if !a.bool("--no-headers") {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    }
    for k in kinds {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            k.plural,
            k.short.join(","),
            k.api_version(),
            k.namespaced,
            k.kind
        ));
    }
    Output::ok(print::align_tabs(&text, print::TabConfig::GET))
}

/// The namespace a command acts in: `-n`, else the current context's, else `default`.
pub fn namespace(a: &Args) -> String {
    a.get("--namespace")
        .or(a.context_namespace())
        .unwrap_or("default")
        .to_string()
}

/// kubectl's error for a flag a command does not take.
pub fn check_flags(a: &Args, cmd: &str, known: &[&str]) -> Result<(), Output> {
    // `--dry-run` is read once for every command that writes, before it runs.
    match a.unknown(known).filter(|f| *f != "--dry-run") {
        Some(f) => Err(Output::err(format!(
            "Error: unknown flag: {f}\nSee 'kubectl {cmd} --help' for usage."
        ))),
        None => Ok(()),
    }
}

/// The client's half of `kubectl version`.
const CLIENT_VERSION: &str = "Client Version: v1.32.0\nKustomize Version: v5.5.0\n";

const HELP: &str = "
kubectl controls the kubeplay simulated cluster.

Basic Commands:
  create        Create a resource from a file or from stdin
  run           Run a particular image on the cluster
  get           Display one or many resources
  delete        Delete resources by file names, stdin, resources and names, or by label selector

Basic Commands (Intermediate):
  explain       Get documentation for a resource (not in kubeplay: see `kubectl get -o yaml`)
  expose        Take a deployment or pod and expose it as a new Kubernetes service
  set           Set specific features on objects (set image)
  edit          Edit a resource on the server (not in kubeplay: see `kubectl patch`)

Deploy Commands:
  rollout       Manage the rollout of a resource
  scale         Set a new size for a deployment or replica set
  autoscale     Auto-scale a deployment

Cluster Management Commands:
  cluster-info  Display cluster information
  cordon        Mark node as unschedulable
  uncordon      Mark node as schedulable
  drain         Drain node in preparation for maintenance
  taint         Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe      Show details of a specific resource or group of resources
  events        List events

Advanced Commands (Intermediate):
  patch         Update fields of a resource
  wait          Experimental: Wait for a specific condition on one or many resources

Advanced Commands:
  diff          Diff the live version against a would-be applied version
  apply         Apply a configuration to a resource by file name or stdin
  replace       Replace a resource by file name or stdin

Settings Commands:
  label         Update the labels on a resource
  annotate      Update the annotations on a resource

Other Commands:
  api-resources Print the supported API resources on the server
  config        Modify kubeconfig files
  version       Print the client and server version information
";
