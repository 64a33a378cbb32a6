//! `kubectl replace -f FILE`: a full update of objects that must exist, through the
//! same defaulting and validation as apply ([`apply::apply_object`] in
//! [`Mode::Replace`]); with `--force`, delete then create, waiting in between as
//! kubectl does.

use super::apply::{self, Mode};
use super::args::Args;
use super::{check_flags, namespace, Input, Output};
use crate::engine::cluster::{Cluster, Flow, Watch};
use crate::engine::explain::ObjRef;
use crate::engine::manifest::parse_manifests;

/// How long `replace --force` waits for what it deleted to be gone.
const WAIT_LIMIT_MS: u64 = 120_000;

/// `kubectl replace -f FILE [--force] [--grace-period=N]`.
pub fn replace(cluster: &mut Cluster, a: &Args, input: &Input, watch: Watch) -> (Output, Flow) {
    if let Err(o) = check_flags(
        a,
        "replace",
        &["--filename", "--namespace", "--force", "--grace-period"],
    ) {
        return (o, Flow::Go);
    }
    let files = a.all("--filename");
    if files.is_empty() {
        return (
            Output::err("error: must specify one of -f and -k"),
            Flow::Go,
        );
    }
    let mut texts = Vec::new();
    for f in files {
        match input.read(f) {
            Ok(t) => texts.push((if f == "-" { "STDIN" } else { f }, t)),
            Err(e) => return (Output::err(e), Flow::Go),
        }
    }
    let mut out = Output::ok("");
    let mut flow = Flow::Go;
    let force = a.bool("--force");
    if force {
        let grace = match a.int("--grace-period") {
            Ok(g) => g.filter(|g| *g >= 0),
            Err(e) => return (Output::err(e), Flow::Go),
        };
        flow = delete_first(cluster, a, &texts, grace, watch, &mut out);
        if flow == Flow::Halt {
            return (out, flow);
        }
    }
    let mode = if force { Mode::Create } else { Mode::Replace };
    for (source, text) in &texts {
        let r = apply::apply_text(cluster, text, source, a.get("--namespace"), mode);
        // A forced replace creates; kubectl still says replaced, and words its errors
        // as a replace.
        let said = r
            .text
            .replace("no objects passed to apply", "no objects passed to replace")
            .replace("error when creating", "error when replacing");
        for line in said.lines() {
            out.push(&match line.strip_suffix(" created") {
                Some(done) if force => format!("{done} replaced"),
                _ => line.to_string(),
            });
        }
        out.ok &= r.ok;
    }
    (out, flow)
}

/// `--force`: deletes every object of the manifests that exists (`deployment.apps
/// "web" deleted`), then lets time run until they are gone, as kubectl waits before it
/// creates them again.
fn delete_first(
    cluster: &mut Cluster,
    a: &Args,
    texts: &[(&str, String)],
    grace: Option<i64>,
    watch: Watch,
    out: &mut Output,
) -> Flow {
    let mut deleted = Vec::new();
    for (_, text) in texts {
        for po in parse_manifests(text).objects {
            let o = po.object;
            let ns = match o.info() {
                Some(k) if !k.namespaced => String::new(),
                _ if !o.meta().namespace.is_empty() => o.meta().namespace.clone(),
                _ => namespace(a),
            };
            let kind = o.kind_name().to_string();
            let name = o.meta().name.clone();
            let Some(live) = cluster.store.get_object(&kind, &ns, &name) else {
                continue;
            };
            if cluster.delete(&kind, &ns, &name, grace).is_ok() {
                let label = o
                    .info()
                    .map_or_else(|| kind.to_ascii_lowercase(), |k| k.qualified());
                out.push(&format!("{label} \"{name}\" deleted"));
                cluster.explain("kubectl", ObjRef::new(&kind, &ns, &name), format!("kubectl replace --force deletes {kind} {name} to create it again from the manifest."));
                deleted.push((kind, ns, name, live.meta().uid.clone()));
            }
        }
    }
    if deleted.is_empty() {
        return Flow::Go;
    }
    super::wait_until(cluster, WAIT_LIMIT_MS, watch, |cluster| {
        !deleted.iter().any(|(k, ns, n, uid)| {
            cluster
                .store
                .get_object(k, ns, n)
                .is_some_and(|o| o.meta().uid == *uid)
        })
    })
}
