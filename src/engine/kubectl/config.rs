//! `kubectl config` and `kubectl cluster-info`: the client's kubeconfig (one cluster,
//! one user, contexts that pick a namespace) and where the cluster answers.
//!
//! The kubeconfig is client state, but it lives in the [`Cluster`] value so that it is
//! snapshotted, replayed and rewound with everything else: `kubectl config
//! set-context --current --namespace=dev` changes what every later command means.

use super::args::Args;
use super::get::{to_json, to_yaml};
use super::{check_flags, jsonpath, print, Output};
use crate::engine::cluster::Cluster;
use crate::engine::meta::LabelQuery;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The name of the one cluster, user and (first) context of the kubeconfig.
pub const KUBEPLAY: &str = "kubeplay";

/// Where the simulated API server listens: beside the nodes on their network (the
/// nodes are 172.18.0.2 upward), on the port the `kubernetes` Service targets.
pub const SERVER: &str = "https://172.18.0.1:6443";

/// What kubectl prints when the current context names no cluster it knows: it falls
/// back to its default server, where nothing listens.
pub const NO_SERVER: &str =
    "The connection to the server localhost:8080 was refused - did you specify the right host or port?";

/// The kubeconfig kubectl reads: contexts by name and the current one. The cluster
/// (`kubeplay`, at [`SERVER`]) and the user (`kubeplay`) are fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubeConfig {
    /// Contexts by name, in name order as kubectl lists them.
    pub contexts: BTreeMap<String, Context>,
    /// The current context's name; empty when none is set.
    pub current_context: String,
}

/// One kubeconfig context: a cluster, a user and a default namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The cluster's name; empty when unset.
    pub cluster: String,
    /// The user's name (`AUTHINFO`); empty when unset.
    pub user: String,
    /// The namespace commands default to; empty means `default`.
    pub namespace: String,
}

impl Default for KubeConfig {
    /// One context, `kubeplay`, current, with no namespace of its own.
    fn default() -> Self {
        let context = Context {
            cluster: KUBEPLAY.into(),
            user: KUBEPLAY.into(),
            namespace: String::new(),
        };
        KubeConfig {
            contexts: [(KUBEPLAY.to_string(), context)].into(),
            current_context: KUBEPLAY.into(),
        }
    }
}

impl KubeConfig {
    fn current(&self) -> Option<&Context> {
        self.contexts.get(&self.current_context)
    }

    /// The current context's namespace, when it names one.
    pub fn namespace(&self) -> Option<&str> {
        self.current()
            .map(|c| c.namespace.as_str())
            .filter(|n| !n.is_empty())
    }

    /// Whether the current context points at the simulated cluster; if not, kubectl
    /// has no server to talk to ([`NO_SERVER`]).
    pub fn reaches_cluster(&self) -> bool {
        self.current().is_some_and(|c| c.cluster == KUBEPLAY)
    }

    /// The kubeconfig as `kubectl config view` prints it: data redacted, and with
    /// `minify` only the current context and what it refers to.
    fn view(&self, minify: bool) -> Value {
        let shown: Vec<(&String, &Context)> = self
            .contexts
            .iter()
            .filter(|(name, _)| !minify || **name == self.current_context)
            .collect();
        let uses = |f: fn(&Context) -> &str| shown.iter().any(|(_, c)| f(c) == KUBEPLAY);
        let clusters: Vec<Value> = (!minify || uses(|c| &c.cluster))
            .then(|| {
                json!({"cluster": {"certificate-authority-data": "DATA+OMITTED", "server": SERVER}, "name": KUBEPLAY})
            })
            .into_iter()
            .collect();
        let users: Vec<Value> = (!minify || uses(|c| &c.user))
            .then(|| {
                json!({"name": KUBEPLAY, "user": {"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}})
            })
            .into_iter()
            .collect();
        let contexts: Vec<Value> = shown
            .iter()
            .map(|(name, c)| {
                let mut context = json!({"cluster": c.cluster, "user": c.user});
                if !c.namespace.is_empty() {
                    context["namespace"] = json!(c.namespace);
                }
                json!({"context": context, "name": name})
            })
            .collect();
        // Go writes an empty list as `null`.
        let list = |v: Vec<Value>| {
            if v.is_empty() {
                Value::Null
            } else {
                Value::Array(v)
            }
        };
        json!({
            "apiVersion": "v1",
            "clusters": list(clusters),
            "contexts": list(contexts),
            "current-context": self.current_context,
            "kind": "Config",
            "preferences": {},
            "users": list(users),
        })
    }
}

/// `kubectl config SUBCOMMAND`.
pub fn config(cluster: &mut Cluster, a: &Args) -> Output {
    let sub = a.positional.first().map(String::as_str);
    let rest = &a.positional[a.positional.len().min(1)..];
    let known: &[&str] = match sub {
        Some("get-contexts") => &["--no-headers", "--output"],
        Some("view") => &["--minify", "--output"],
        Some("set-context") => &["--current", "--namespace", "--cluster", "--user"],
        _ => &[],
    };
    let fixed = matches!(
        sub,
        Some(
            "set-cluster"
                | "set-credentials"
                | "set"
                | "unset"
                | "delete-cluster"
                | "delete-context"
                | "delete-user"
                | "rename-context"
        )
    );
    let name = sub.map_or_else(|| "config".to_string(), |s| format!("config {s}"));
    if let (false, Err(o)) = (fixed, check_flags(a, &name, known)) {
        return o;
    }
    let kc = &mut cluster.kubeconfig;
    match sub {
        None => Output::err(CONFIG_HELP.trim_start()),
        Some("current-context") => match kc.current_context.as_str() {
            "" => Output::err("error: current-context is not set"),
            name => Output::ok(format!("{name}\n")),
        },
        Some("get-contexts") => get_contexts(kc, rest, a),
        Some("get-clusters") => Output::ok(format!("NAME\n{KUBEPLAY}\n")),
        Some("get-users") => Output::ok(format!("NAME\n{KUBEPLAY}\n")),
        Some("view") => view(kc, a),
        Some("set-context") => set_context(kc, rest, a),
        Some("use-context" | "use") => match rest {
            [name] if kc.contexts.contains_key(name) => {
                kc.current_context = name.clone();
                Output::ok(format!("Switched to context \"{name}\".\n"))
            }
            [name] => Output::err(format!("error: no context exists with the name: \"{name}\"")),
            _ => Output::err(format!(
                "Usage:\n  kubectl config use-context CONTEXT_NAME [options]\n\nerror: Unexpected args: [{}]",
                rest.join(" ")
            )),
        },
        Some(other) if fixed => Output::err(format!(
            "error: kubeplay's kubeconfig has its one cluster and one user built in, so `kubectl config {other}` has nothing to change here; make a context with `kubectl config set-context NAME --cluster=kubeplay --user=kubeplay --namespace=NS` and switch with `kubectl config use-context NAME`"
        )),
        Some(other) => Output::err(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples"
        )),
    }
}

/// `kubectl config get-contexts [NAME...]`: kubectl's table, `*` in CURRENT.
fn get_contexts(kc: &KubeConfig, names: &[String], a: &Args) -> Output {
    let name_only = match a.get("--output") {
        None => false,
        Some("name") => true,
        Some(other) => {
            return Output::err(format!(
                "error: output must be one of '' or 'name': {other}"
            ))
        }
    };
    let mut out = Output::ok("");
    let mut rows = String::new();
    if !name_only && !a.bool("--no-headers") {
        rows.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
    }
    let mut missing = Vec::new();
    for (name, c) in &kc.contexts {
        if !names.is_empty() && !names.contains(name) {
            continue;
        }
        if name_only {
            rows.push_str(&format!("{name}\n"));
            continue;
        }
        let star = if *name == kc.current_context { "*" } else { "" };
        rows.push_str(&format!(
            "{star}\t{name}\t{}\t{}\t{}\n",
            c.cluster, c.user, c.namespace
        ));
    }
    for n in names.iter().filter(|n| !kc.contexts.contains_key(*n)) {
        missing.push(format!("error: context {n} not found"));
    }
    out.text = if name_only {
        rows
    } else {
        print::align_tabs(&rows, print::TabConfig::GET)
    };
    for m in &missing {
        out.push(m);
    }
    out.ok = missing.is_empty();
    out
}

/// `kubectl config view [--minify] [-o yaml|json|jsonpath=...]`.
fn view(kc: &KubeConfig, a: &Args) -> Output {
    let minify = a.bool("--minify");
    if minify && kc.current().is_none() {
        return Output::err("error: current-context must exist in order to minify");
    }
    let v = kc.view(minify);
    match a.get("--output").unwrap_or("yaml") {
        "yaml" => Output::ok(to_yaml(&v)),
        "json" => Output::ok(to_json(&v)),
        f if f.starts_with("jsonpath=") => {
            match jsonpath::Template::parse(&f["jsonpath=".len()..]) {
                Ok(t) => t.execute(&v).map_or_else(Output::err, Output::ok),
                Err(e) => Output::err(format!("error: {e}")),
            }
        }
        other => Output::err(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,jsonpath,yaml"
        )),
    }
}

/// `kubectl config set-context NAME|--current [--namespace=NS] [--cluster=C] [--user=U]`:
/// merges the given fields into the context, creating it when new.
fn set_context(kc: &mut KubeConfig, names: &[String], a: &Args) -> Output {
    let current = a.bool("--current");
    let name = match (names, current) {
        ([_], true) => {
            return Output::err("error: you cannot specify both a context name and --current")
        }
        ([], true) if kc.current_context.is_empty() => {
            return Output::err("error: no current context is set")
        }
        ([], true) => kc.current_context.clone(),
        ([name], false) if !name.is_empty() => name.clone(),
        ([], false) | ([_], false) => {
            return Output::err("error: you must specify a non-empty context name or --current")
        }
        (more, _) => {
            return Output::err(format!(
                "Usage:\n  kubectl config set-context [NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace] [options]\n\nerror: Unexpected args: [{}]",
                more.join(" ")
            ))
        }
    };
    let verb = if kc.contexts.contains_key(&name) {
        "modified"
    } else {
        "created"
    };
    let context = kc.contexts.entry(name.clone()).or_default();
    if let Some(ns) = a.get("--namespace") {
        context.namespace = ns.to_string();
    }
    if let Some(c) = a.get("--cluster") {
        context.cluster = c.to_string();
    }
    if let Some(u) = a.get("--user") {
        context.user = u.to_string();
    }
    Output::ok(format!("Context \"{name}\" {verb}.\n"))
}

/// `kubectl cluster-info`: the control plane's address and the Services in
/// `kube-system` (or `-n`) labelled `kubernetes.io/cluster-service=true`, as kubectl
/// finds them. kubeplay runs no add-ons (no CoreDNS), so only the control plane shows.
pub fn cluster_info(cluster: &Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(a, "cluster-info", &["--namespace"]) {
        return o;
    }
    match a.positional.first().map(String::as_str) {
        None => {}
        Some("dump") => return Output::err(
            "error: kubeplay has no node logs or container logs to dump; `kubectl get all -A -o yaml` prints the objects, `kubectl get events -A` what happened, and `kubectl describe nodes` each node",
        ),
        Some(other) => {
            return Output::err(format!(
                "error: unknown command \"{other}\" for \"kubectl cluster-info\"\nRun 'kubectl cluster-info --help' for usage."
            ))
        }
    }
    // kubectl reads `-n` itself here, and lists kube-system otherwise.
    let ns = a.get("--namespace").unwrap_or("kube-system");
    let query = LabelQuery::parse("kubernetes.io/cluster-service=true").ok();
    let mut text = format!("Kubernetes control plane is running at {SERVER}\n");
    for s in cluster.store.list_in::<crate::engine::kinds::Service>(ns) {
        if !query
            .as_ref()
            .is_some_and(|q| q.matches(&s.metadata.labels))
        {
            continue;
        }
        let name = &s.metadata.name;
        let proxied = match s.spec.ports.first() {
            Some(p) => {
                let scheme = if p.name.as_deref() == Some("https") || p.port == 443 {
                    "https:"
                } else {
                    ""
                };
                match p.name.as_deref().filter(|n| !n.is_empty()) {
                    Some(port) => format!("{scheme}{name}:{port}"),
                    None => format!("{scheme}{name}"),
                }
            }
            None => name.clone(),
        };
        let shown = s.metadata.labels.get("kubernetes.io/name").unwrap_or(name);
        text.push_str(&format!(
            "{shown} is running at {SERVER}/api/v1/namespaces/{ns}/services/{proxied}/proxy\n"
        ));
    }
    text.push_str(
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    );
    Output::ok(text)
}

const CONFIG_HELP: &str = "
Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".

Available Commands:
  current-context   Display the current-context
  get-clusters      Display clusters defined in the kubeconfig
  get-contexts      Describe one or many contexts
  get-users         Display users defined in the kubeconfig
  set-context       Set a context entry in kubeconfig
  use-context       Set the current-context in a kubeconfig file
  view              Display merged kubeconfig settings or a specified kubeconfig file

Usage:
  kubectl config SUBCOMMAND [options]
";

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kc: &mut KubeConfig, line: &str) -> Output {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let a = Args::parse(&words).expect("parses");
        let mut cluster = Cluster::new(1);
        cluster.kubeconfig = kc.clone();
        let out = config(&mut cluster, &a);
        *kc = cluster.kubeconfig;
        out
    }

    #[test]
    fn a_fresh_kubeconfig_has_one_current_context_without_a_namespace() {
        let kc = KubeConfig::default();
        assert_eq!(kc.current_context, "kubeplay");
        assert_eq!(kc.namespace(), None);
        assert!(kc.reaches_cluster());
    }

    #[test]
    fn set_context_current_namespace_becomes_the_default() {
        let mut kc = KubeConfig::default();
        let out = run(&mut kc, "set-context --current --namespace=dev");
        assert_eq!(out, Output::ok("Context \"kubeplay\" modified.\n"));
        assert_eq!(kc.namespace(), Some("dev"));
        run(&mut kc, "set-context --current --namespace=");
        assert_eq!(
            kc.namespace(),
            None,
            "an empty namespace means default again"
        );
    }

    #[test]
    fn a_new_context_is_created_merged_and_switched_to() {
        let mut kc = KubeConfig::default();
        assert_eq!(
            run(&mut kc, "set-context prod --namespace=prod").text,
            "Context \"prod\" created.\n"
        );
        assert!(
            !run(&mut kc, "use-context nope").ok,
            "an unknown context is refused"
        );
        assert_eq!(
            run(&mut kc, "use-context prod").text,
            "Switched to context \"prod\".\n"
        );
        assert!(!kc.reaches_cluster(), "prod names no cluster yet");
        run(
            &mut kc,
            "set-context prod --cluster=kubeplay --user=kubeplay",
        );
        assert!(kc.reaches_cluster());
        assert_eq!(kc.namespace(), Some("prod"), "merging keeps the namespace");
    }

    #[test]
    fn set_context_refusals_in_kubectls_words() {
        let mut kc = KubeConfig::default();
        for (line, want) in [
            (
                "set-context",
                "error: you must specify a non-empty context name or --current",
            ),
            (
                "set-context x --current",
                "error: you cannot specify both a context name and --current",
            ),
            (
                "use-context x",
                "error: no context exists with the name: \"x\"",
            ),
            (
                "get-contexts nope",
                "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\nerror: context nope not found\n",
            ),
        ] {
            let out = run(&mut kc, line);
            assert_eq!((out.text.as_str(), out.ok), (want, false), "{line}");
        }
        assert_eq!(kc, KubeConfig::default(), "refusals change nothing");
    }

    #[test]
    fn get_contexts_marks_the_current_one() {
        let mut kc = KubeConfig::default();
        run(&mut kc, "set-context other --namespace=prod");
        assert_eq!(
            run(&mut kc, "get-contexts").text,
            "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n*         kubeplay   kubeplay   kubeplay   \n          other                            prod\n"
        );
        assert_eq!(
            run(&mut kc, "get-contexts -o name").text,
            "kubeplay\nother\n"
        );
    }

    #[test]
    fn view_minify_keeps_the_current_context_and_what_it_uses() {
        let mut kc = KubeConfig::default();
        run(&mut kc, "set-context other --namespace=prod");
        run(&mut kc, "use-context other");
        let v = kc.view(true);
        assert_eq!(v["contexts"][0]["name"], "other");
        assert_eq!(v["contexts"][0]["context"]["cluster"], "");
        assert_eq!(v["clusters"], Value::Null, "other uses no cluster");
        let all = kc.view(false);
        assert_eq!(all["contexts"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            all["users"][0]["user"]["client-key-data"], "DATA+OMITTED",
            "no secrets"
        );
    }
}
