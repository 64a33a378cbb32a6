//! `kubectl create configmap|secret generic|service TYPE`: the objects kubectl's
//! generators write, created as `kubectl create -f` would create them.

use super::args::Args;
use super::{check_flags, Output};
use crate::engine::cluster::Cluster;
use serde_json::{json, Map, Value};

/// `kubectl create configmap NAME --from-literal=k=v...`.
pub fn configmap(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "create configmap",
        &["--from-literal", "--namespace", "--output"],
    ) {
        return o;
    }
    let Some(name) = a.positional.get(1) else {
        return Output::err("error: exactly one NAME is required, got 0\nSee 'kubectl create configmap -h' for help and examples");
    };
    let data = match literals(a, |v| Value::String(v.to_string())) {
        Ok(d) => d,
        Err(e) => return Output::err(e),
    };
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}});
    if !data.is_empty() {
        cm["data"] = Value::Object(data);
    }
    create(cluster, a, cm)
}

/// `kubectl create secret generic NAME --from-literal=k=v...` (values base64-encoded).
pub fn secret(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "create secret generic",
        &["--from-literal", "--namespace", "--type", "--output"],
    ) {
        return o;
    }
    match a.positional.get(1).map(String::as_str) {
        Some("generic") => {}
        Some(other) => {
            return Output::err(format!("error: unknown command \"{other}\" for \"kubectl create secret\"\nRun 'kubectl create secret --help' for usage."))
        }
        None => return Output::err("error: Create a secret with specified type.\nSee 'kubectl create secret -h' for help and examples"),
    }
    let Some(name) = a.positional.get(2) else {
        return Output::err("error: exactly one NAME is required, got 0\nSee 'kubectl create secret generic -h' for help and examples");
    };
    let data = match literals(a, |v| Value::String(base64(v.as_bytes()))) {
        Ok(d) => d,
        Err(e) => return Output::err(e),
    };
    let mut secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}});
    if !data.is_empty() {
        secret["data"] = Value::Object(data);
    }
    if let Some(t) = a.get("--type") {
        secret["type"] = Value::String(t.to_string());
    }
    create(cluster, a, secret)
}

/// `kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=PORT:TARGET...`:
/// selector and label `app: NAME`, ports named after their spec (`PORT-TARGET`).
pub fn service(cluster: &mut Cluster, a: &Args) -> Output {
    if let Err(o) = check_flags(
        a,
        "create service",
        &["--tcp", "--node-port", "--namespace", "--output"],
    ) {
        return o;
    }
    let type_ = match a.positional.get(1).map(String::as_str) {
        Some("clusterip") => "ClusterIP",
        Some("nodeport") => "NodePort",
        Some("loadbalancer") => "LoadBalancer",
        Some(other) => {
            return Output::err(format!("error: unknown command \"{other}\" for \"kubectl create service\"\nRun 'kubectl create service --help' for usage."))
        }
        None => return Output::err("error: Create a service using a specified subcommand.\nSee 'kubectl create service -h' for help and examples"),
    };
    let Some(name) = a.positional.get(2) else {
        return Output::err(format!("error: exactly one NAME is required, got 0\nSee 'kubectl create service {} -h' for help and examples", type_.to_ascii_lowercase()));
    };
    let node_port = match a.int("--node-port") {
        Ok(p) => p,
        Err(e) => return Output::err(e),
    };
    let mut ports = Vec::new();
    for spec in a.all("--tcp").iter().flat_map(|s| s.split(',')) {
        let (port, target) = spec.split_once(':').unwrap_or((spec, spec));
        let (Ok(p), Ok(t)) = (port.parse::<u16>(), target.parse::<u16>()) else {
            return Output::err(format!("error: invalid port spec: {spec}"));
        };
        // kubectl names the port after the spec as typed: `80:8080` -> `80-8080`, `443` -> `443`.
        let mut entry =
            json!({"name": spec.replace(':', "-"), "port": p, "protocol": "TCP", "targetPort": t});
        if let (Some(np), "NodePort") = (node_port, type_) {
            entry["nodePort"] = json!(np);
        }
        ports.push(entry);
    }
    if ports.is_empty() {
        return Output::err("error: at least one tcp port specifier must be provided");
    }
    let svc = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"ports": ports, "selector": {"app": name}, "type": type_}
    });
    create(cluster, a, svc)
}

/// `--from-literal=key=value` pairs as a data map.
fn literals(a: &Args, encode: impl Fn(&str) -> Value) -> Result<Map<String, Value>, String> {
    let mut data = Map::new();
    for lit in a.all("--from-literal") {
        let Some((k, v)) = lit.split_once('=') else {
            return Err(format!(
                "error: invalid literal source {lit}, expected key=value"
            ));
        };
        if data.insert(k.to_string(), encode(v)).is_some() {
            return Err(format!("error: cannot add key {k}, another key by that name already exists in Data for {lit}"));
        }
    }
    Ok(data)
}

fn create(cluster: &mut Cluster, a: &Args, object: Value) -> Output {
    super::apply::create_generated(cluster, object, a, a.get("--namespace"), "created")
}

/// Standard base64 with padding, as Secret data is stored.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        for (input, want) in [
            ("", ""),
            ("x", "eA=="),
            ("hello", "aGVsbG8="),
            ("abc", "YWJj"),
            ("s3cr3t!?", "czNjcjN0IT8="),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input}");
        }
    }
}
