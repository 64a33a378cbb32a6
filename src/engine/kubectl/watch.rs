//! `kubectl get --watch`: the table, then one row each time a listed object is
//! written, as simulated time runs. A real watch runs until Ctrl-C; here it runs until
//! the cluster has been quiet for a minute (as `settle` does) or for
//! `--request-timeout`, then says why it stopped.

use std::collections::BTreeMap;

use super::args::Args;
use super::get::{parse_selection, select, table_options};
use super::print::{no_resources, table_cells, RememberedWidths, TableOptions};
use super::{check_flags, namespace, Output};
use crate::engine::cluster::{Cluster, Flow, Watch};
use crate::engine::meta::LabelQuery;
use crate::engine::object::{KindInfo, Object};
use crate::engine::time::{go_duration, parse_duration};

/// What the watch lists: one kind, maybe by name, in a namespace or all, by labels.
struct Watched {
    kind: &'static KindInfo,
    names: Vec<String>,
    ns: Option<String>,
    query: Option<LabelQuery>,
    opts: TableOptions,
}

impl Watched {
    fn list(&self, cluster: &Cluster) -> Vec<Object> {
        select(
            cluster,
            self.kind,
            &self.names,
            self.ns.as_deref(),
            self.query.as_ref(),
        )
        .0
    }

    fn rows(&self, objects: &[Object], cluster: &Cluster, headers: bool) -> Vec<Vec<String>> {
        let opts = TableOptions {
            no_headers: self.opts.no_headers || !headers,
            ..self.opts.clone()
        };
        table_cells(self.kind, objects, cluster.now(), &opts, None)
    }
}

/// `kubectl get TYPE [NAME] --watch | --watch-only`, letting time pass watched.
pub fn get_watch(cluster: &mut Cluster, a: &Args, watch: Watch) -> (Output, Flow) {
    let w = match watched(a) {
        Ok(w) => w,
        Err(o) => return (o, Flow::Go),
    };
    let timeout = match a.get("--request-timeout").filter(|t| *t != "0") {
        None => None,
        Some(t) => match parse_duration(t) {
            Ok(ms) => Some(ms),
            Err(_) => return (Output::err(format!("error: invalid argument \"{t}\" for \"--request-timeout\" flag: time: invalid duration \"{t}\"")), Flow::Go),
        },
    };
    let mut out = Output::ok("");
    let mut widths = RememberedWidths::default();
    let first = w.list(cluster);
    if !a.bool("--watch-only") {
        if first.is_empty() {
            if w.names.is_empty() {
                out.push(&no_resources(w.ns.as_deref()));
            }
        } else {
            out.text
                .push_str(&widths.lines(&w.rows(&first, cluster, true)));
        }
    }
    // Each object by uid with the resource version last printed, and its last state
    // (a deleted object's row is its last state, as a DELETED event carries it).
    let mut seen: BTreeMap<String, (String, Object)> = first
        .into_iter()
        .map(|o| {
            let m = o.meta();
            (m.uid.clone(), (m.resource_version.clone(), o))
        })
        .collect();
    let start = cluster.now();
    let mut printed_header = !out.text.is_empty();
    let mut follow = |c: &Cluster, controller: &'static str| {
        let now: Vec<Object> = w.list(c);
        let mut changed = Vec::new();
        let mut present = std::collections::BTreeSet::new();
        for o in now {
            let m = o.meta();
            present.insert(m.uid.clone());
            let moved = seen
                .get(&m.uid)
                .is_none_or(|(rv, _)| *rv != m.resource_version);
            if moved {
                seen.insert(m.uid.clone(), (m.resource_version.clone(), o.clone()));
                changed.push(o);
            }
        }
        let gone: Vec<String> = seen
            .keys()
            .filter(|uid| !present.contains(*uid))
            .cloned()
            .collect();
        for uid in gone {
            if let Some((_, last)) = seen.remove(&uid) {
                changed.push(last);
            }
        }
        if !changed.is_empty() {
            // `--watch-only` prints the header with its first row, as kubectl does.
            let rows = w.rows(&changed, c, !printed_header);
            printed_header = true;
            out.text.push_str(&widths.lines(&rows));
        }
        watch(c, controller)
    };
    let flow = match timeout {
        Some(ms) => cluster.advance_watched(ms, &mut follow),
        None => cluster.settle_watched(&mut follow).1,
    };
    if flow == Flow::Halt {
        return (out, Flow::Halt);
    }
    let ran = go_duration(cluster.now().since(start));
    out.push(&match timeout {
        Some(_) => format!("(kubeplay: the watch ended at --request-timeout, after {ran} of simulated time)"),
        None => format!("(kubeplay: the watch stopped after {ran} of simulated time: nothing more is due to change within a minute. A real kubectl --watch runs until Ctrl-C.)"),
    });
    (out, Flow::Go)
}

/// Reads what to watch, refusing what kubectl's watch refuses.
fn watched(a: &Args) -> Result<Watched, Output> {
    check_flags(
        a,
        "get",
        &[
            "--namespace",
            "--all-namespaces",
            "--selector",
            "--output",
            "--show-labels",
            "--no-headers",
            "--label-columns",
            "--watch",
            "--watch-only",
            "--request-timeout",
        ],
    )?;
    let sel = parse_selection(&a.positional).map_err(Output::err)?;
    let too_many = || {
        Output::err(format!("error: watch is only supported on individual resources and resource collections, but {} resources were found", sel.groups.len()))
    };
    let [(kind, names)] = sel.groups.as_slice() else {
        return Err(too_many());
    };
    if sel.multi {
        return Err(too_many());
    }
    let format = a.get("--output").unwrap_or("");
    if !matches!(format, "" | "wide") {
        return Err(Output::err(format!("error: kubeplay watches tables only (-o wide too), not -o {format}; run the command again without --watch to see the objects as they are now")));
    }
    let query = a
        .get("--selector")
        .map(LabelQuery::parse)
        .transpose()
        .map_err(|e| Output::err(format!("error: {e}")))?;
    let all_ns = a.bool("--all-namespaces");
    Ok(Watched {
        kind,
        names: names.clone(),
        ns: (!all_ns).then(|| namespace(a)),
        query,
        opts: table_options(a, format == "wide", false),
    })
}
