//! `kubectl rollout status|history|undo|pause|resume|restart` and `kubectl set image`.

use super::args::Args;
use super::{check_flags, namespace, Output};
use crate::engine::cluster::{not_found, Cluster, Flow, Watch};
use crate::engine::controllers::deployment::util::{
    equal_ignore_hash, revision, HASH_LABEL, NOT_COPIED, REVISION,
};
use crate::engine::explain::ObjRef;
use crate::engine::kinds::{find_condition, Deployment, PodTemplateSpec, ReplicaSet};
use crate::engine::object::{resolve_resource, Object};
use crate::engine::sort;

/// How far `rollout status` lets simulated time run while it waits.
const STATUS_LIMIT_MS: u64 = 15 * 60 * 1000;

fn target(cluster: &Cluster, a: &Args, skip: usize, cmd: &str) -> Result<Deployment, Output> {
    let words = &a.positional[skip..];
    let (kind, name) = match words.first().and_then(|w| w.split_once('/')) {
        Some((k, n)) => (k.to_string(), n.to_string()),
        None => match (words.first(), words.get(1)) {
            (Some(k), Some(n)) => (k.clone(), n.clone()),
            _ => return Err(Output::err(format!("error: required resource not specified\nSee 'kubectl {cmd} -h' for help and examples"))),
        },
    };
    match resolve_resource(&kind).map(|k| k.kind) {
        Some("Deployment") => {}
        Some(other) => {
            return Err(Output::err(format!(
                "error: no {cmd} has been implemented for {{\"{}\" \"{other}\"}}",
                resolve_resource(&kind).map_or("", |k| k.group)
            )))
        }
        None => {
            return Err(Output::err(format!(
                "error: the server doesn't have a resource type \"{kind}\""
            )))
        }
    }
    cluster
        .store
        .get::<Deployment>(&namespace(a), &name)
        .cloned()
        .ok_or_else(|| Output::err(not_found("Deployment", &name)))
}

/// `kubectl rollout SUBCOMMAND`. `status` lets time pass while it waits, calling
/// `watch` after each controller action and stopping where it says [`Flow::Halt`].
pub fn rollout(cluster: &mut Cluster, a: &Args, watch: Watch) -> (Output, Flow) {
    let sub = a.positional.first().map(String::as_str).unwrap_or("");
    let cmd = format!("rollout {sub}");
    if let Err(o) = check_flags(
        a,
        &cmd,
        &[
            "--namespace",
            "--revision",
            "--to-revision",
            "--watch",
            "--timeout",
            "--dry-run",
        ],
    ) {
        return (o, Flow::Go);
    }
    if !matches!(
        sub,
        "status" | "history" | "undo" | "pause" | "resume" | "restart"
    ) {
        return (Output::err(format!("error: unknown command \"{sub}\" for \"kubectl rollout\"\nAvailable Commands: history, pause, restart, resume, status, undo")), Flow::Go);
    }
    let d = match target(cluster, a, 1, &cmd) {
        Ok(d) => d,
        Err(o) => return (o, Flow::Go),
    };
    let out = match sub {
        "status" => return status(cluster, a, d, watch),
        "history" => history(cluster, a, &d),
        "undo" => undo(cluster, a, d),
        "pause" | "resume" => pause(cluster, d, sub == "pause"),
        _ => restart(cluster, d),
    };
    (out, Flow::Go)
}

/// The status line kubectl's DeploymentStatusViewer prints, and whether it is done.
pub fn status_line(d: &Deployment) -> Result<(String, bool), String> {
    let name = &d.metadata.name;
    if d.metadata.generation > d.status.observed_generation {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    if find_condition(&d.status.conditions, "Progressing")
        .is_some_and(|c| c.reason.as_deref() == Some("ProgressDeadlineExceeded"))
    {
        return Err(format!(
            "error: deployment \"{name}\" exceeded its progress deadline"
        ));
    }
    let s = &d.status;
    if s.updated_replicas < d.replicas() {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} out of {} new replicas have been updated...", s.updated_replicas, d.replicas()), false));
    }
    if s.replicas > s.updated_replicas {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", s.replicas - s.updated_replicas), false));
    }
    if s.available_replicas < s.updated_replicas {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} of {} updated replicas are available...", s.available_replicas, s.updated_replicas), false));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out"),
        true,
    ))
}

/// Waits for the rollout as kubectl's status watcher does, letting simulated time run to
/// each wake-up a controller asked for; on a halt, what it printed so far.
fn status(cluster: &mut Cluster, a: &Args, d: Deployment, watch: Watch) -> (Output, Flow) {
    let follow = a.get("--watch").is_none_or(|w| w != "false");
    let (ns, name) = (d.metadata.namespace.clone(), d.metadata.name.clone());
    let start = cluster.now();
    let mut out = Output::ok("");
    let mut last = String::new();
    loop {
        let Some(d) = cluster.store.get::<Deployment>(&ns, &name).cloned() else {
            return (Output::err(not_found("Deployment", &name)), Flow::Go);
        };
        match status_line(&d) {
            Err(e) => {
                out.push(&e);
                out.ok = false;
                return (out, Flow::Go);
            }
            Ok((line, done)) => {
                if line != last {
                    out.push(&line);
                    last = line;
                }
                if done || !follow {
                    return (out, Flow::Go);
                }
            }
        }
        match cluster.next_timer() {
            Some(t) if t.since(start) <= STATUS_LIMIT_MS => {
                if cluster.advance_watched(t.since(cluster.now()).max(1), watch) == Flow::Halt {
                    return (out, Flow::Halt);
                }
            }
            _ => {
                out.push("error: timed out waiting for the condition");
                out.ok = false;
                return (out, Flow::Go);
            }
        }
    }
}

fn owned_rss<'a>(cluster: &'a Cluster, d: &'a Deployment) -> Vec<&'a ReplicaSet> {
    let mut v: Vec<&ReplicaSet> = cluster
        .store
        .list_in::<ReplicaSet>(&d.metadata.namespace)
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid)
        })
        .collect();
    sort::sort_by_key(&mut v, |rs| revision(rs));
    v
}

/// The pod template as `rollout history --revision` prints it.
pub fn template_text(t: &PodTemplateSpec) -> String {
    let mut s = String::from("Pod Template:\n");
    let labels: Vec<String> = t
        .metadata
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    s.push_str(&format!(
        "  Labels:\t{}\n",
        if labels.is_empty() {
            "<none>".into()
        } else {
            labels.join("\n\t")
        }
    ));
    if !t.metadata.annotations.is_empty() {
        let ann: Vec<String> = t
            .metadata
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        s.push_str(&format!("  Annotations:\t{}\n", ann.join("\n\t")));
    }
    s.push_str("  Containers:\n");
    for c in &t.spec.containers {
        s.push_str(&format!("   {}:\n    Image:\t{}\n", c.name, c.image));
        match c.ports.first() {
            Some(p) => s.push_str(&format!(
                "    Port:\t{}/{}\n    Host Port:\t0/{}\n",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP"),
                p.protocol.as_deref().unwrap_or("TCP")
            )),
            None => s.push_str("    Port:\t<none>\n    Host Port:\t<none>\n"),
        }
        s.push_str("    Environment:\t<none>\n    Mounts:\t<none>\n");
    }
    s.push_str("  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n");
    s
}

fn history(cluster: &Cluster, a: &Args, d: &Deployment) -> Output {
    let rss = owned_rss(cluster, d);
    let label = format!("deployment.apps/{}", d.metadata.name);
    if let Some(rev) = a.get("--revision").filter(|r| *r != "0") {
        let Ok(rev) = rev.parse::<i64>() else {
            return Output::err(format!(
                "error: invalid argument \"{rev}\" for \"--revision\" flag"
            ));
        };
        return match rss.iter().find(|rs| revision(rs) == rev) {
            Some(rs) => Output::ok(format!(
                "{label} with revision #{rev}\n{}\n",
                template_text(&rs.spec.template)
            )),
            None => Output::err("error: unable to find the specified revision"),
        };
    }
    if rss.is_empty() {
        return Output::ok("No rollout history found.\n");
    }
    let mut out = format!("{label} \nREVISION  CHANGE-CAUSE\n");
    for rs in rss {
        let cause = rs
            .metadata
            .annotations
            .get("kubernetes.io/change-cause")
            .cloned()
            .unwrap_or_else(|| "<none>".into());
        out.push_str(&format!("{:<10}{cause}\n", revision(rs)));
    }
    out.push('\n');
    Output::ok(out)
}

fn undo(cluster: &mut Cluster, a: &Args, d: Deployment) -> Output {
    let label = format!("deployment.apps/{}", d.metadata.name);
    if d.spec.paused {
        return Output::err(format!("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{}' and try again", d.metadata.name));
    }
    let to = match a.int("--to-revision") {
        Ok(r) => r.unwrap_or(0),
        Err(e) => return Output::err(e),
    };
    let rss = owned_rss(cluster, &d);
    if rss.is_empty() {
        return Output::err(format!(
            "error: no rollout history found for deployment \"{}\"",
            d.metadata.name
        ));
    }
    let target = if to == 0 {
        // The second-highest revision: the one before the current.
        let mut revs: Vec<&ReplicaSet> = rss.clone();
        sort::sort_by_key(&mut revs, |rs| std::cmp::Reverse(revision(rs)));
        match revs.get(1) {
            Some(rs) => *rs,
            None => {
                return Output::err(format!(
                    "error: no revision found for deployment \"{}\"",
                    d.metadata.name
                ))
            }
        }
    } else {
        match rss.iter().find(|rs| revision(rs) == to) {
            Some(rs) => *rs,
            None => {
                return Output::err(format!(
                    "error: unable to find specified revision {to} in history"
                ))
            }
        }
    };
    let target = target.clone();
    let target = &target;
    let rev = revision(target);
    if equal_ignore_hash(&target.spec.template, &d.spec.template) {
        return Output::ok(format!(
            "{label} skipped rollback (current template already matches revision {rev})\n"
        ));
    }
    let mut template = target.spec.template.clone();
    template.metadata.labels.remove(HASH_LABEL);
    let mut nd = d.clone();
    nd.spec.template = template;
    // Keep the Deployment's own annotations that are not copied, take the rest from the ReplicaSet.
    let mut ann: crate::engine::meta::StringMap = d
        .metadata
        .annotations
        .iter()
        .filter(|(k, _)| NOT_COPIED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &target.metadata.annotations {
        if !NOT_COPIED.contains(&k.as_str()) {
            ann.insert(k.clone(), v.clone());
        }
    }
    ann.insert(
        REVISION.into(),
        d.metadata
            .annotations
            .get(REVISION)
            .cloned()
            .unwrap_or_default(),
    );
    nd.metadata.annotations = ann;
    let name = d.metadata.name.clone();
    let ns = d.metadata.namespace.clone();
    cluster.update(Object::Deployment(nd));
    cluster.explain("kubectl", ObjRef::new("Deployment", &ns, &name), format!("kubectl rollout undo copied the pod template of revision {rev} ({}) back into Deployment {name}; the controller reuses that ReplicaSet as the newest revision and rolls to it.", target.metadata.name));
    Output::ok(format!("{label} rolled back\n"))
}

fn pause(cluster: &mut Cluster, mut d: Deployment, on: bool) -> Output {
    let name = d.metadata.name.clone();
    if d.spec.paused == on {
        return Output::err(format!(
            "error: deployments.apps \"{name}\" is {}",
            if on { "already paused" } else { "not paused" }
        ));
    }
    d.spec.paused = on;
    let ns = d.metadata.namespace.clone();
    cluster.update(Object::Deployment(d));
    let why = if on {
        format!("Deployment {name} is paused: template changes are recorded but not rolled out until it is resumed.")
    } else {
        format!("Deployment {name} is resumed: the controller rolls out the current template.")
    };
    cluster.explain("kubectl", ObjRef::new("Deployment", &ns, &name), why);
    Output::ok(format!(
        "deployment.apps/{name} {}\n",
        if on { "paused" } else { "resumed" }
    ))
}

fn restart(cluster: &mut Cluster, mut d: Deployment) -> Output {
    let name = d.metadata.name.clone();
    if d.spec.paused {
        return Output::err(format!("error: deployments.apps \"{name}\" can't restart paused deployment (run rollout resume first)"));
    }
    d.spec.template.metadata.annotations.insert(
        "kubectl.kubernetes.io/restartedAt".into(),
        cluster.now().rfc3339(),
    );
    let ns = d.metadata.namespace.clone();
    cluster.update(Object::Deployment(d));
    cluster.explain("kubectl", ObjRef::new("Deployment", &ns, &name), format!("kubectl rollout restart stamped the pod template of {name} with restartedAt, a template change, so every pod is replaced by a rolling update."));
    Output::ok(format!("deployment.apps/{name} restarted\n"))
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...`.
pub fn set(cluster: &mut Cluster, a: &Args) -> Output {
    if a.positional.first().map(String::as_str) != Some("image") {
        return Output::err(format!(
            "error: unknown command \"{}\" for \"kubectl set\"\nAvailable Commands: image",
            a.positional.first().cloned().unwrap_or_default()
        ));
    }
    if let Err(o) = check_flags(a, "set image", &["--namespace", "--record"]) {
        return o;
    }
    let mut d = match target(cluster, a, 1, "set image") {
        Ok(d) => d,
        Err(o) => return o,
    };
    let skip = if a.positional.get(1).is_some_and(|w| w.contains('/')) {
        2
    } else {
        3
    };
    let pairs: Vec<&String> = a.positional.iter().skip(skip).collect();
    if pairs.is_empty() {
        return Output::err("error: at least one image update is required");
    }
    for p in pairs {
        let Some((c, img)) = p.split_once('=') else {
            return Output::err(format!(
                "error: invalid image update {p:?}: expected CONTAINER=IMAGE"
            ));
        };
        let mut found = false;
        for cont in &mut d.spec.template.spec.containers {
            if c == "*" || cont.name == c {
                cont.image = img.to_string();
                found = true;
            }
        }
        if !found {
            return Output::err(format!("error: unable to find container named \"{c}\""));
        }
    }
    let name = d.metadata.name.clone();
    let ns = d.metadata.namespace.clone();
    let changed = cluster.update(Object::Deployment(d));
    if changed {
        cluster.explain("kubectl", ObjRef::new("Deployment", &ns, &name), format!("kubectl set image changed the pod template of {name}, so the Deployment starts a rollout to a new ReplicaSet."));
    }
    Output::ok(format!("deployment.apps/{name} image updated\n"))
}
