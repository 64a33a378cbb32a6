//! Command-line splitting and kubectl-style flag parsing.

use std::collections::BTreeMap;

/// Splits a command line as a POSIX shell would for simple cases: spaces separate
/// words, single and double quotes group, backslash escapes.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_word = true;
                }
            }
            (None, '|' | '>' | '<' | ';' | '&') => return Err(no_shell(c)),
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unterminated quote".into());
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Lines run without a shell: an unquoted shell operator is refused, saying what does
/// the same job here, rather than read as an argument.
fn no_shell(op: char) -> String {
    let what = match op {
        '|' => "a pipe (\"|\") is not available; kubectl filters and shapes its own output with -l, --field-selector, --sort-by, -o jsonpath=... and -o custom-columns=...",
        '>' => "redirection (\">\") is not available, and the playground's one file is the editor: copy -o yaml output there, then Apply",
        '<' => "input redirection (\"<\") is not available; give a manifest with a heredoc (kubectl apply -f - <<EOF) or the editor",
        _ => "one command per line: \";\" and \"&\" are not available",
    };
    format!("kubectl runs here without a shell: {what} (quote the character to pass it to kubectl)")
}

/// Flags that take a value.
const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-f",
    "--filename",
    "--replicas",
    "--image",
    "--port",
    "--grace-period",
    "--to-revision",
    "--revision",
    "--type",
    "--target-port",
    "--name",
    "--min",
    "--max",
    "--cpu-percent",
    "--timeout",
    "--field-selector",
    "--sort-by",
    "--protocol",
    "--node-port",
    "--dry-run",
    "--current-replicas",
    "--selector-overwrite",
    "--for",
    "--cascade",
    "--schedule",
    "--restart",
    "--labels",
    "--wait",
    "-p",
    "--patch",
    "--from-literal",
    "--tcp",
    "--template",
    "--request-timeout",
    "--types",
    "--cluster",
    "--user",
];

/// Short and long spellings of the same flag.
fn canonical(flag: &str) -> &str {
    match flag {
        "-n" => "--namespace",
        "-l" => "--selector",
        "-o" => "--output",
        "-f" => "--filename",
        "-A" => "--all-namespaces",
        "-w" => "--watch",
        "-R" => "--recursive",
        "-L" => "--label-columns",
        "-p" => "--patch",
        other => other,
    }
}

/// Parsed arguments: positional words and flags (repeated flags keep every value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// Words that are not flags.
    pub positional: Vec<String>,
    flags: BTreeMap<String, Vec<String>>,
    /// The current kubeconfig context's namespace, which kubectl uses where `-n` is not
    /// given; kept apart from the flag, since only an explicit `-n` is enforced against
    /// the namespace a manifest names.
    context_namespace: Option<String>,
}

impl Args {
    /// Parses words after the subcommand.
    pub fn parse(words: &[String]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if w == "--" {
                a.positional.extend(words[i + 1..].iter().cloned());
                break;
            }
            if w.starts_with('-')
                && w.len() > 1
                && !w.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
            {
                let (name, inline) = match w.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (w.clone(), None),
                };
                // `-nfoo` style short flags with attached values.
                let (name, inline) =
                    if !name.starts_with("--") && name.len() > 2 && inline.is_none() {
                        (name[..2].to_string(), Some(name[2..].to_string()))
                    } else {
                        (name, inline)
                    };
                let key = canonical(&name).to_string();
                let takes_value = VALUE_FLAGS.contains(&name.as_str())
                    || VALUE_FLAGS.contains(&key.as_str())
                    || key == "--label-columns";
                let value = match (inline, takes_value) {
                    (Some(v), _) => v,
                    (None, true) if key == "--wait" => "true".into(),
                    (None, true) if key == "--dry-run" => super::dryrun::BARE.into(),
                    (None, true) => {
                        i += 1;
                        words.get(i).cloned().ok_or_else(|| {
                            format!(
                                "error: flag needs an argument: '{}' in {}",
                                name.trim_start_matches('-'),
                                name
                            )
                        })?
                    }
                    (None, false) => "true".into(),
                };
                a.flags.entry(key).or_default().push(value);
            } else {
                a.positional.push(w.clone());
            }
            i += 1;
        }
        Ok(a)
    }

    /// These arguments with the namespace of the current context, used where `-n` is
    /// not given (`kubectl config set-context --current --namespace=dev`).
    pub fn with_context_namespace(mut self, ns: Option<&str>) -> Args {
        self.context_namespace = ns.filter(|n| !n.is_empty()).map(str::to_string);
        self
    }

    /// The current context's namespace, if it names one.
    pub fn context_namespace(&self) -> Option<&str> {
        self.context_namespace.as_deref()
    }

    /// The last value of a flag.
    pub fn get(&self, flag: &str) -> Option<&str> {
        self.flags
            .get(flag)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a repeatable flag.
    pub fn all(&self, flag: &str) -> Vec<&str> {
        self.flags
            .get(flag)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether a boolean flag is set (and not `=false`).
    pub fn bool(&self, flag: &str) -> bool {
        self.get(flag).is_some_and(|v| v != "false")
    }

    /// Flags that are not in `known`, for kubectl's `unknown flag` error.
    pub fn unknown<'a>(&'a self, known: &[&str]) -> Option<&'a str> {
        self.flags
            .keys()
            .map(String::as_str)
            .find(|f| !known.contains(f))
    }

    /// A flag's value parsed as an integer, with kubectl's error when it is not one.
    pub fn int(&self, flag: &str) -> Result<Option<i64>, String> {
        match self.get(flag) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("error: invalid argument \"{v}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_operators_are_refused_unless_quoted() {
        for line in [
            "get pods | grep web",
            "get deploy web -o yaml > web.yaml",
            "apply -f - < web.yaml",
            "get pods; get svc",
            "get pods && get svc",
        ] {
            let e = split(line).unwrap_err();
            assert!(
                e.starts_with("kubectl runs here without a shell"),
                "{line}: {e}"
            );
        }
        assert_eq!(
            split("get pods -o jsonpath='{.items[?(@.x>1)]}'").unwrap()[3],
            "jsonpath={.items[?(@.x>1)]}"
        );
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split(r#"get pods -l 'app in (a, b)' "x y""#).unwrap(),
            vec!["get", "pods", "-l", "app in (a, b)", "x y"]
        );
        assert!(split("get 'pods").is_err());
    }

    #[test]
    fn flags_in_every_spelling() {
        let words: Vec<String> = [
            "pods",
            "-n",
            "dev",
            "-owide",
            "--show-labels",
            "-l=app=web",
            "--replicas=3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let a = Args::parse(&words).unwrap();
        assert_eq!(a.positional, vec!["pods"]);
        assert_eq!(a.get("--namespace"), Some("dev"));
        assert_eq!(a.get("--output"), Some("wide"));
        assert_eq!(a.get("--selector"), Some("app=web"));
        assert!(a.bool("--show-labels"));
        assert_eq!(a.int("--replicas"), Ok(Some(3)));
        assert!(Args::parse(&["-n".to_string()]).is_err());
    }
}
