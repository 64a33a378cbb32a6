//! `kubectl diff -f FILE`: what an apply would change. The apply runs on a copy of the
//! cluster (the server-side dry run kubectl asks for); each object is printed as
//! `kubectl get -o yaml` shows it, live and merged, and the two are compared as
//! `diff -u -N LIVE-dir MERGED-dir` prints them. Exit status as kubectl's: success and
//! nothing printed when nothing differs, failure with the diff when something does.

use super::apply::{self, Mode};
use super::args::Args;
use super::get::to_yaml;
use super::unidiff;
use super::{check_flags, Input, Output};
use crate::engine::cluster::Cluster;
use crate::engine::manifest::parse_manifests;
use crate::engine::object::Object;
use crate::engine::time::SimTime;
use serde_json::Value;

/// `kubectl diff -f FILE...`.
pub fn diff(cluster: &Cluster, a: &Args, input: &Input) -> Output {
    if let Err(o) = check_flags(a, "diff", &["--filename", "--namespace"]) {
        return o;
    }
    let files = a.all("--filename");
    if files.is_empty() {
        return Output::err("error: must specify one of -f and -k");
    }
    let mut merged = cluster.clone();
    let mut keys = Vec::new();
    let mut errors = String::new();
    for f in files {
        let text = match input.read(f) {
            Ok(t) => t,
            Err(e) => return Output::err(e),
        };
        let source = if f == "-" { "STDIN" } else { f };
        let r = apply::apply_text(
            &mut merged,
            &text,
            source,
            a.get("--namespace"),
            Mode::Apply,
        );
        if !r.ok {
            // What the apply would have said about each object is not diff's to print;
            // its errors and warnings are.
            for line in r.text.lines().filter(|l| !is_success(l)) {
                errors.push_str(line);
                errors.push('\n');
            }
            continue;
        }
        for po in parse_manifests(&text).objects {
            keys.push(key_of(cluster, &po.object, a.get("--namespace")));
        }
    }
    if !errors.is_empty() {
        return Output::err(errors);
    }
    let now = cluster.now();
    let live_dir = format!("/tmp/LIVE-{}", temp_number(cluster, "LIVE"));
    let merged_dir = format!("/tmp/MERGED-{}", temp_number(cluster, "MERGED"));
    let mut files: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for (kind, ns, name) in keys {
        let live = cluster.store.get_object(&kind, &ns, &name);
        let after = merged.store.get_object(&kind, &ns, &name);
        let Some(after) = after else { continue };
        let file = file_name(&after);
        if files.iter().any(|(f, ..)| *f == file) {
            continue;
        }
        let mut after_value = after.to_api_value();
        // A dry run stores nothing: an update keeps the live resource version, and a
        // create has none yet.
        match &live {
            Some(l) => {
                after_value["metadata"]["resourceVersion"] =
                    l.meta().resource_version.clone().into()
            }
            None => {
                if let Some(m) = after_value["metadata"].as_object_mut() {
                    m.remove("resourceVersion");
                }
            }
        }
        let mut live_value = live.map(|l| l.to_api_value());
        if kind == "Secret" {
            mask_secret_data(live_value.as_mut(), &mut after_value);
        }
        files.push((
            file,
            live_value.map(|v| shown(&v)),
            Some(shown(&after_value)),
        ));
    }
    files.sort_by(|x, y| x.0.cmp(&y.0));
    let mut text = String::new();
    for (file, live, after) in files {
        let (live, after) = (live.unwrap_or_default(), after.unwrap_or_default());
        let hunks = unidiff::unified(&live, &after, 3);
        if hunks.is_empty() {
            continue;
        }
        // diff -N dates a missing file at the epoch.
        let live_stamp = if live.is_empty() {
            "1970-01-01 00:00:00.000000000 +0000".to_string()
        } else {
            stamp(now)
        };
        text.push_str(&format!(
            "diff -u -N {live_dir}/{file} {merged_dir}/{file}\n--- {live_dir}/{file}\t{live_stamp}\n+++ {merged_dir}/{file}\t{}\n{hunks}",
            stamp(now)
        ));
    }
    Output {
        ok: text.is_empty(),
        text,
    }
}

/// The lines apply prints for an object it changed or left alone.
fn is_success(line: &str) -> bool {
    [" created", " configured", " unchanged"]
        .iter()
        .any(|s| line.ends_with(s))
}

/// Where apply puts an object: its own namespace, else `-n`, else the context's.
fn key_of(cluster: &Cluster, o: &Object, ns_flag: Option<&str>) -> (String, String, String) {
    let ns = match o.info() {
        Some(k) if !k.namespaced => String::new(),
        _ if !o.meta().namespace.is_empty() => o.meta().namespace.clone(),
        _ => ns_flag
            .or(cluster.kubeconfig.namespace())
            .unwrap_or("default")
            .to_string(),
    };
    (o.kind_name().to_string(), ns, o.meta().name.clone())
}

/// kubectl's name for an object's file: `apps.v1.Deployment.default.web`,
/// `v1.Node..node-1`.
fn file_name(o: &Object) -> String {
    let (group, version) = match o.info() {
        Some(k) => (k.group.to_string(), k.version.to_string()),
        None => {
            let v = o.api_version();
            match v.split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), v),
            }
        }
    };
    let group = if group.is_empty() {
        group
    } else {
        format!("{group}.")
    };
    let m = o.meta();
    format!(
        "{group}{version}.{}.{}.{}",
        o.kind_name(),
        m.namespace,
        m.name
    )
}

/// An object as the files kubectl diffs hold it: YAML, without managed fields.
fn shown(v: &Value) -> String {
    let mut v = v.clone();
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    to_yaml(&v)
}

/// kubectl diff hides a Secret's values: `***` where both sides hold the same value,
/// `*** (before)` and `*** (after)` where it changed.
fn mask_secret_data(live: Option<&mut Value>, merged: &mut Value) {
    let empty = serde_json::Map::new();
    let old = live
        .as_ref()
        .and_then(|l| l["data"].as_object())
        .cloned()
        .unwrap_or_default();
    let new = merged["data"].as_object().unwrap_or(&empty).clone();
    let mask = |v: &mut Value, key: &str, text: &str| {
        if let Some(d) = v["data"].as_object_mut() {
            d.insert(key.to_string(), text.into());
        }
    };
    let mut live = live;
    for (k, after) in &new {
        match old.get(k) {
            Some(before) if before != after => {
                if let Some(l) = live.as_deref_mut() {
                    mask(l, k, "*** (before)");
                }
                mask(merged, k, "*** (after)");
            }
            Some(_) => {
                if let Some(l) = live.as_deref_mut() {
                    mask(l, k, "***");
                }
                mask(merged, k, "***");
            }
            None => mask(merged, k, "***"),
        }
    }
    for k in old.keys().filter(|k| !new.contains_key(*k)) {
        if let Some(l) = live.as_deref_mut() {
            mask(l, k, "***");
        }
    }
}

/// A file's time as `diff -u` writes it: `2025-01-01 00:00:05.000000000 +0000`.
fn stamp(t: SimTime) -> String {
    let rfc = t.rfc3339();
    let date_time = rfc.trim_end_matches('Z').replacen('T', " ", 1);
    format!("{date_time}.{:03}000000 +0000", t.0 % 1000)
}

/// The number in a temporary directory's name (`LIVE-2952284542`): Go draws it at
/// random; here it comes from the cluster's seed, the simulated time and the prefix
/// (a splitmix64 step), so a replay prints the same names and no shared random stream
/// moves.
fn temp_number(cluster: &Cluster, prefix: &str) -> u32 {
    let mut x = cluster.seed() ^ cluster.now().0.rotate_left(17);
    for b in prefix.bytes() {
        x = x.rotate_left(8) ^ u64::from(b);
    }
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn file_times_read_as_diff_writes_them() {
        assert_eq!(stamp(SimTime(5_250)), "2025-01-01 00:00:05.250000000 +0000");
    }

    #[test]
    fn temp_numbers_are_a_function_of_seed_time_and_prefix() {
        let c = Cluster::new(1);
        assert_eq!(temp_number(&c, "LIVE"), temp_number(&c, "LIVE"));
        assert_ne!(temp_number(&c, "LIVE"), temp_number(&c, "MERGED"));
    }

    #[test]
    fn the_exit_status_says_whether_anything_differs_and_nothing_changes() {
        use crate::engine::kubectl::{run, Input};
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n";
        let stdin = Input {
            stdin: Some(cm),
            read_file: &|_| Err("no files".into()),
        };
        let mut c = Cluster::new(1);
        let out = run(&mut c, "kubectl diff -f -", &stdin);
        assert!(!out.ok, "a difference is a failure, as diff's exit 1");
        assert!(out.text.contains("\n+  a: \"1\"\n"), "{}", out.text);
        assert!(
            c.store.get_object("ConfigMap", "default", "c").is_none(),
            "diff creates nothing"
        );
        assert!(run(&mut c, "kubectl apply -f -", &stdin).ok);
        assert_eq!(run(&mut c, "kubectl diff -f -", &stdin), Output::ok(""));
    }

    #[test]
    fn secret_values_are_masked_and_changes_still_show() {
        let mut live = json!({"data": {"same": "YQ==", "changed": "Yg==", "gone": "Yw=="}});
        let mut merged = json!({"data": {"same": "YQ==", "changed": "ZA==", "new": "ZQ=="}});
        mask_secret_data(Some(&mut live), &mut merged);
        assert_eq!(
            live["data"],
            json!({"same": "***", "changed": "*** (before)", "gone": "***"})
        );
        assert_eq!(
            merged["data"],
            json!({"same": "***", "changed": "*** (after)", "new": "***"})
        );
    }
}
