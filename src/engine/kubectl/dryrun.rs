//! `--dry-run` and the `-o` of commands that create: what kubectl prints when it is
//! asked for a change without making it, and the objects its generators write
//! (`kubectl create deployment web --image=nginx --dry-run=client -o yaml`, the usual
//! way to start a manifest).

use super::args::Args;
use super::get::{to_json, to_yaml};
use super::jsonpath;
use super::Output;
use crate::engine::object::kind_info;
use serde_json::{json, Value};

/// How a write is carried out, from `--dry-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    /// The change is made.
    None,
    /// kubectl builds the request and prints it; nothing reaches the API server.
    Client,
    /// The API server checks and defaults the request as for real, then drops it.
    Server,
}

/// The value the argument parser gives a bare `--dry-run`, as kubectl's flag does
/// (its `NoOptDefVal`), so a bare flag is told apart from `--dry-run=true`.
pub const BARE: &str = "unchanged";

impl DryRun {
    /// Reads `--dry-run` as kubectl's `GetDryRunStrategy` does: `client`, `server`,
    /// `none`, or a boolean (deprecated); a bare flag means `client`. Returns the
    /// strategy and the deprecation warning kubectl prints for the old spellings.
    pub fn of(a: &Args) -> Result<(DryRun, Option<&'static str>), Output> {
        let Some(value) = a.get("--dry-run") else {
            return Ok((DryRun::None, None));
        };
        Ok(match value {
            BARE => (
                DryRun::Client,
                Some("Warning: --dry-run is deprecated and can be replaced with --dry-run=client."),
            ),
            "client" => (DryRun::Client, None),
            "server" => (DryRun::Server, None),
            "none" => (DryRun::None, None),
            // strconv.ParseBool's spellings.
            "1" | "t" | "T" | "true" | "TRUE" | "True" => (
                DryRun::Client,
                Some("Warning: Boolean values for --dry-run are deprecated and will be removed in a future release. Use --dry-run=server or --dry-run=client instead."),
            ),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => (DryRun::None, None),
            other => {
                return Err(Output::err(format!(
                    "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
                )))
            }
        })
    }

    /// What kubectl appends to each line it prints about an object.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }

    /// `text` with [`DryRun::suffix`] after every line about an object
    /// (`deployment.apps/web scaled`, `pod "web-1" deleted`); other lines (warnings,
    /// errors, YAML) as they are.
    pub fn mark(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            out.push_str(body);
            if is_object_line(body) {
                out.push_str(self.suffix());
            }
            out.push_str(end);
        }
        out
    }
}

/// `kind/name verb...` or `kind "name" verb...`, the verb words in lower case: the
/// lines kubectl's printers write for an operation on an object.
fn is_object_line(line: &str) -> bool {
    let Some((head, rest)) = line.split_once(' ') else {
        return false;
    };
    let resource = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-'))
    };
    let verbs = if head.contains('/') && resource(head.split('/').next().unwrap_or("")) {
        rest
    } else if resource(head) {
        match rest.strip_prefix('"').and_then(|r| r.split_once("\" ")) {
            Some((_, verbs)) => verbs,
            None => return false,
        }
    } else {
        return false;
    };
    !verbs.is_empty() && verbs.chars().all(|c| c.is_ascii_lowercase() || c == ' ')
}

/// The object a generator wrote, as kubectl holds it before sending: what
/// `--dry-run=client -o yaml` prints. Go's encoding writes an unset
/// `creationTimestamp` as `null` and the empty structs of a typed object as `{}`.
pub fn client_value(mut v: Value) -> Value {
    let kind = v["kind"].as_str().unwrap_or_default().to_string();
    for meta in ["/metadata", "/spec/template/metadata"] {
        if let Some(Value::Object(m)) = v.pointer_mut(meta) {
            m.insert("creationTimestamp".into(), Value::Null);
        }
    }
    for containers in ["/spec/containers", "/spec/template/spec/containers"] {
        if let Some(Value::Array(cs)) = v.pointer_mut(containers) {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                c.entry("resources").or_insert_with(|| json!({}));
            }
        }
    }
    let Some(obj) = v.as_object_mut() else {
        return v;
    };
    match kind.as_str() {
        "Deployment" => {
            if let Some(Value::Object(spec)) = obj.get_mut("spec") {
                spec.entry("strategy").or_insert_with(|| json!({}));
            }
            obj.insert("status".into(), json!({}));
        }
        "Namespace" => {
            obj.entry("spec").or_insert_with(|| json!({}));
            obj.insert("status".into(), json!({}));
        }
        "Pod" => {
            obj.insert("status".into(), json!({}));
        }
        "Service" => {
            obj.insert("status".into(), json!({"loadBalancer": {}}));
        }
        "HorizontalPodAutoscaler" => {
            obj.insert(
                "status".into(),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
            );
        }
        _ => {}
    }
    v
}

/// `kind.group/name` of an object value, as `-o name` and the success lines write it.
pub fn display_name(v: &Value) -> String {
    let kind = v["kind"].as_str().unwrap_or_default();
    let name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let resource = kind_info(kind).map_or_else(|| kind.to_ascii_lowercase(), |k| k.qualified());
    format!("{resource}/{name}")
}

/// Whether kubectl has a printer for `-o FORMAT` on a command that creates.
pub fn check_format(format: &str) -> Result<(), Output> {
    match format {
        "yaml" | "json" | "name" => Ok(()),
        f if f.starts_with("jsonpath=") && f.len() > "jsonpath=".len() => {
            jsonpath::Template::parse(&f["jsonpath=".len()..])
                .map(|_| ())
                .map_err(|e| Output::err(format!("error: {e}")))
        }
        other => Err(print_object(&Value::Null, other)),
    }
}

/// Prints a created object in `format` (the `-o` of `create`, `run`, `expose`):
/// `yaml`, `json`, `name` or `jsonpath=...`, as kubectl's printers for those commands.
pub fn print_object(v: &Value, format: &str) -> Output {
    if let Some(template) = format.strip_prefix("jsonpath=").filter(|t| !t.is_empty()) {
        return match jsonpath::Template::parse(template) {
            Ok(t) => match t.execute(v) {
                Ok(text) => Output::ok(text),
                Err(e) => Output::err(e),
            },
            Err(e) => Output::err(format!("error: {e}")),
        };
    }
    match format {
        "jsonpath" | "jsonpath=" => {
            Output::err("error: template format specified but no template given")
        }
        "yaml" => Output::ok(to_yaml(v)),
        "json" => Output::ok(to_json(v)),
        "name" => Output::ok(display_name(v) + "\n"),
        other => Output::err(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Args {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        Args::parse(&words).unwrap()
    }

    #[test]
    fn strategies_read_as_kubectl_reads_them() {
        for (words, want, warns) in [
            (&[][..], DryRun::None, false),
            (&["--dry-run=client"][..], DryRun::Client, false),
            (&["--dry-run=server"][..], DryRun::Server, false),
            (&["--dry-run=none"][..], DryRun::None, false),
            (&["--dry-run"][..], DryRun::Client, true),
            (&["--dry-run=true"][..], DryRun::Client, true),
            (&["--dry-run=false"][..], DryRun::None, false),
        ] {
            let (got, warning) = DryRun::of(&args(words)).unwrap();
            assert_eq!((got, warning.is_some()), (want, warns), "{words:?}");
        }
        let e = DryRun::of(&args(&["--dry-run=foo"])).unwrap_err();
        assert_eq!(
            e.text,
            "error: Invalid dry-run value (foo). Must be \"none\", \"server\", or \"client\"."
        );
    }

    #[test]
    fn only_lines_about_objects_are_marked() {
        let text = "deployment.apps/web scaled\npod \"web-1\" deleted\nnode/node-1 already cordoned\nWarning: x\ndeployment.apps/web\n  name: created\nerror: boom\n";
        assert_eq!(
            DryRun::Server.mark(text),
            "deployment.apps/web scaled (server dry run)\npod \"web-1\" deleted (server dry run)\nnode/node-1 already cordoned (server dry run)\nWarning: x\ndeployment.apps/web\n  name: created\nerror: boom\n"
        );
        assert_eq!(DryRun::None.mark(text), text);
    }

    #[test]
    fn client_objects_carry_gos_empty_values() {
        let v = client_value(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {"template": {"metadata": {}, "spec": {"containers": [{"name": "a", "image": "a"}]}}}
        }));
        assert_eq!(v.pointer("/metadata/creationTimestamp"), Some(&Value::Null));
        assert_eq!(
            v.pointer("/spec/template/metadata/creationTimestamp"),
            Some(&Value::Null)
        );
        assert_eq!(
            v.pointer("/spec/template/spec/containers/0/resources"),
            Some(&json!({}))
        );
        assert_eq!(v.pointer("/spec/strategy"), Some(&json!({})));
        assert_eq!(v.get("status"), Some(&json!({})));
        let svc =
            client_value(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}));
        assert_eq!(svc["status"], json!({"loadBalancer": {}}));
        let cm = client_value(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
        );
        assert_eq!(cm.get("status"), None, "a ConfigMap has no status");
    }
}
