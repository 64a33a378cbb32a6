//! kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`) and
//! custom columns (`-o custom-columns=NAME:.metadata.name`), as client-go's
//! `util/jsonpath` reads and runs them, with kubectl get's missing keys allowed.
//!
//! A template is text with actions in braces: a path (`{.spec.replicas}`,
//! `{$.kind}`, `{..image}`), a quoted literal (`{"\n"}`), or `{range PATH}` ... `{end}`.
//! A path is steps: `.field` (a `\.` inside a name is a dot), `.*`, `..field`,
//! `['field']`, `[n]` (negative counts from the end), `[start:end]`, `[*]` and filters
//! `[?(@.type=="Ready")]` with `==`, `!=`, `<`, `<=`, `>`, `>=` or bare existence.
//! Several results of one action print separated by spaces; strings print bare, other
//! values as compact JSON.

use serde_json::Value;
use std::cmp::Ordering;

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// `$`: the whole object, also inside a range.
    Root,
    /// `.name`; `*` for every value of a map.
    Field(String),
    /// `..name`: every descendant's field of that name.
    Recursive(String),
    /// `[n]`.
    Index(i64),
    /// `[start:end]`, either open.
    Slice(Option<i64>, Option<i64>),
    /// `[*]`.
    All,
    /// `[?(@.path OP literal)]`, or `[?(@.path)]` when `op` is `None`.
    Filter {
        path: Vec<Step>,
        op: Option<(Op, Value)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Template {
    /// Parses `text`, or says what is wrong as kubectl does
    /// (`error parsing jsonpath {.metadata.name, unclosed action`).
    pub fn parse(text: &str) -> Result<Template, String> {
        let fail = |why: &str| format!("error parsing jsonpath {text}, {why}");
        let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                nodes.push(Node::Text(rest.to_string()));
                break;
            };
            if open > 0 {
                nodes.push(Node::Text(rest[..open].to_string()));
            }
            let action_len =
                action_end(&rest[open + 1..]).ok_or_else(|| fail("unclosed action"))?;
            let action = rest[open + 1..open + 1 + action_len].trim();
            rest = &rest[open + 2 + action_len..];
            if let Some(path) = action.strip_prefix("range ") {
                let steps = parse_path(path.trim()).map_err(|e| fail(&e))?;
                stack.push((steps, std::mem::take(&mut nodes)));
            } else if action == "end" {
                let Some((steps, outer)) = stack.pop() else {
                    return Err(format!(
                        "error executing jsonpath {text:?}: Error executing template: not in range, nothing to end"
                    ));
                };
                let body = std::mem::replace(&mut nodes, outer);
                nodes.push(Node::Range(steps, body));
            } else if action.starts_with(['"', '\'']) {
                nodes.push(Node::Text(unquote(action).map_err(|e| fail(&e))?));
            } else {
                nodes.push(Node::Path(parse_path(action).map_err(|e| fail(&e))?));
            }
        }
        // client-go runs a range left open to the end of the template.
        while let Some((steps, outer)) = stack.pop() {
            let body = std::mem::replace(&mut nodes, outer);
            nodes.push(Node::Range(steps, body));
        }
        Ok(Template {
            source: text.to_string(),
            nodes,
        })
    }

    /// Runs the template on `data`. A missing field prints nothing; an index out of
    /// range or `[*]` on a map is an error worded as kubectl words it.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        run(&self.nodes, data, data, &mut out).map_err(|e| {
            format!(
                "error: error executing jsonpath {:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n",
                self.source, self.source
            )
        })?;
        Ok(out)
    }
}

impl Template {
    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first value the template's first path finds in `data` (`--sort-by` keys).
    pub fn first(&self, data: &Value) -> Result<Option<Value>, String> {
        for node in &self.nodes {
            if let Node::Path(steps) = node {
                return Ok(eval(steps, data, data)
                    .map_err(|e| format!("error: {e}"))?
                    .first()
                    .map(|v| (*v).clone()));
            }
        }
        Ok(None)
    }
}

/// How a value prints in a template: strings bare, everything else as compact JSON.
pub fn text(v: &Value) -> String {
    print(v)
}

/// Where the action that starts `text` closes (the index of its `}`), skipping braces
/// inside quoted literals.
fn action_end(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '}' => return Some(i),
            None => {}
        }
    }
    None
}

/// A quoted literal with Go's escapes (`"\n"`, `"\t"`).
fn unquote(s: &str) -> Result<String, String> {
    let q = s.chars().next().unwrap_or('"');
    let inner = s
        .strip_prefix(q)
        .and_then(|s| s.strip_suffix(q))
        .ok_or_else(|| format!("unterminated quoted string {s}"))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Ok(out)
}

/// Reads a path: `$` or `@` (optional), then steps.
fn parse_path(text: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    match chars.first() {
        Some('$') => {
            steps.push(Step::Root);
            i = 1;
        }
        Some('@') => i = 1,
        _ => {}
    }
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                let (name, next) = field_name(&chars, i + 2);
                if name.is_empty() {
                    return Err(format!("invalid recursive descent in {text}"));
                }
                steps.push(Step::Recursive(name));
                i = next;
            }
            '.' => {
                let (name, next) = field_name(&chars, i + 1);
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
                i = next;
            }
            '[' => {
                let close = bracket_end(&chars, i)
                    .ok_or_else(|| format!("unterminated array in {text}"))?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = close + 1;
            }
            c if c.is_whitespace() => i += 1,
            c => return Err(format!("unrecognized character in action: {c:?}")),
        }
    }
    Ok(steps)
}

/// A field name from `start`: letters, digits, `_`, `-`, `/`, `*`, and `\.` as a dot.
fn field_name(chars: &[char], start: usize) -> (String, usize) {
    let mut name = String::new();
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'.') => {
                name.push('.');
                i += 2;
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '*') => {
                name.push(c);
                i += 1;
            }
            _ => break,
        }
    }
    (name, i)
}

/// The `]` that closes the `[` at `open`, skipping quoted text and nested brackets.
fn bracket_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' => depth += 1,
            None if c == ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            None => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::All);
    }
    if inner.starts_with(['\'', '"']) {
        return Ok(Step::Field(unquote(inner)?));
    }
    if let Some(filter) = inner.strip_prefix('?') {
        let body = filter
            .trim()
            .strip_prefix('(')
            .and_then(|f| f.strip_suffix(')'))
            .ok_or_else(|| format!("unrecognized filter {inner}"))?;
        return parse_filter(body.trim());
    }
    let number = |s: &str| -> Result<Option<i64>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| format!("invalid array index {s}"))
    };
    match inner.split_once(':') {
        Some((start, end)) => {
            // `[a:b:step]`: kubectl accepts a step; only step 1 is used in practice.
            let end = end.split(':').next().unwrap_or("");
            Ok(Step::Slice(number(start)?, number(end)?))
        }
        None => Ok(Step::Index(
            number(inner)?.ok_or_else(|| "empty array index".to_string())?,
        )),
    }
}

fn parse_filter(body: &str) -> Result<Step, String> {
    const OPS: [(&str, Op); 6] = [
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];
    for (token, op) in OPS {
        if let Some((left, right)) = body.split_once(token) {
            return Ok(Step::Filter {
                path: parse_path(left.trim())?,
                op: Some((op, literal(right.trim())?)),
            });
        }
    }
    Ok(Step::Filter {
        path: parse_path(body)?,
        op: None,
    })
}

fn literal(s: &str) -> Result<Value, String> {
    if s.starts_with(['"', '\'']) {
        return unquote(s).map(Value::String);
    }
    match s {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("unrecognized literal {s}")),
    }
}

fn run(nodes: &[Node], root: &Value, current: &Value, out: &mut String) -> Result<(), String> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let found = eval(steps, root, current)?;
                let texts: Vec<String> = found.iter().map(|v| print(v)).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(steps, body) => {
                for v in eval(steps, root, current)? {
                    match v {
                        Value::Array(items) => {
                            for item in items {
                                run(body, root, item, out)?;
                            }
                        }
                        other => run(body, root, other, out)?,
                    }
                }
            }
        }
    }
    Ok(())
}

/// How one result prints: strings bare, everything else as compact JSON.
fn print(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn eval<'a>(steps: &[Step], root: &'a Value, current: &'a Value) -> Result<Vec<&'a Value>, String> {
    let mut values = vec![current];
    for step in steps {
        if *step == Step::Root {
            values = vec![root];
            continue;
        }
        let mut next = Vec::new();
        for v in values {
            apply(step, v, &mut next)?;
        }
        values = next;
    }
    Ok(values)
}

fn apply<'a>(step: &Step, v: &'a Value, next: &mut Vec<&'a Value>) -> Result<(), String> {
    match step {
        Step::Root => next.push(v),
        Step::Field(name) if name == "*" => match v {
            Value::Object(map) => next.extend(map.values()),
            Value::Array(items) => next.extend(items.iter()),
            _ => {}
        },
        Step::Field(name) => {
            if let Some(found) = v.as_object().and_then(|m| m.get(name)) {
                next.push(found);
            }
        }
        Step::Recursive(name) => descend(v, name, next),
        Step::All => match v {
            Value::Array(items) => next.extend(items.iter()),
            Value::Object(_) => return Err("map[string]interface {} is not array or slice".into()),
            _ => {}
        },
        Step::Index(i) => {
            let Value::Array(items) = v else {
                return Ok(());
            };
            let len = items.len() as i64;
            let at = if *i < 0 { len + i } else { *i };
            if at < 0 || at >= len {
                return Err(format!(
                    "array index out of bounds: index {i}, length {len}"
                ));
            }
            next.push(&items[at as usize]);
        }
        Step::Slice(start, end) => {
            let Value::Array(items) = v else {
                return Ok(());
            };
            let len = items.len() as i64;
            let clamp = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
            let from = clamp(start.unwrap_or(0));
            let to = clamp(end.unwrap_or(len));
            if from < to {
                next.extend(items[from as usize..to as usize].iter());
            }
        }
        Step::Filter { path, op } => {
            let Value::Array(items) = v else {
                return Ok(());
            };
            for item in items {
                let found = eval(path, item, item)?;
                let keep = match op {
                    None => !found.is_empty(),
                    Some((op, want)) => found.iter().any(|f| compare(f, *op, want)),
                };
                if keep {
                    next.push(item);
                }
            }
        }
    }
    Ok(())
}

fn descend<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            if let Some(found) = map.get(name) {
                out.push(found);
            }
            for child in map.values() {
                descend(child, name, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                descend(child, name, out);
            }
        }
        _ => {}
    }
}

fn compare(found: &Value, op: Op, want: &Value) -> bool {
    let ordering = match (found, want) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .zip(b.as_f64())
            .and_then(|(a, b)| a.partial_cmp(&b)),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match (op, ordering) {
        (Op::Eq, o) => o == Some(Ordering::Equal),
        (Op::Ne, o) => o != Some(Ordering::Equal),
        (Op::Lt, Some(o)) => o == Ordering::Less,
        (Op::Le, Some(o)) => o != Ordering::Greater,
        (Op::Gt, Some(o)) => o == Ordering::Greater,
        (Op::Ge, Some(o)) => o != Ordering::Less,
        (_, None) => false,
    }
}

/// One column of `-o custom-columns`: its header and the path of its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header as written (`NAME`).
    pub header: String,
    template: Template,
}

/// Parses a custom-columns spec: `HEADER:PATH,HEADER:PATH`, where a path is written
/// with or without braces (`.metadata.name` or `{.metadata.name}`).
pub fn parse_columns(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("error: custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part.split_once(':').ok_or_else(|| {
                format!("error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
            })?;
            let path = path.trim();
            let wrapped = if path.starts_with('{') {
                path.to_string()
            } else {
                format!("{{{path}}}")
            };
            Ok(Column {
                header: header.to_string(),
                template: Template::parse(&wrapped).map_err(|e| format!("error: {e}"))?,
            })
        })
        .collect()
}

/// One row of custom columns for `object`: each column's values joined by commas,
/// `<none>` where there are none.
pub fn column_cells(columns: &[Column], object: &Value) -> Result<Vec<String>, String> {
    columns
        .iter()
        .map(|c| {
            let mut found = Vec::new();
            for node in &c.template.nodes {
                if let Node::Path(steps) = node {
                    found.extend(eval(steps, object, object)?.into_iter().map(print));
                }
            }
            Ok(if found.is_empty() {
                "<none>".to_string()
            } else {
                found.join(",")
            })
        })
        .collect::<Result<_, String>>()
        .map_err(|e| format!("error: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "creationTimestamp": null,
                         "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "nginx", "image": "nginx:1.27", "resources": {}},
                {"name": "side", "image": "busybox:1.36"}
            ]}}},
            "status": {"conditions": [
                {"type": "Available", "status": "True"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}
            ]}
        })
    }

    fn run_on(template: &str) -> Result<String, String> {
        Template::parse(template)?.execute(&deployment())
    }

    /// Each case checked against kubectl 1.32 (`kubectl create deployment ... --dry-run=client -o jsonpath=...`).
    #[test]
    fn templates_print_as_kubectl_prints_them() {
        let cases = [
            ("{.metadata.name}", "web"),
            ("{.foo}", ""),
            ("{.kind.x}", ""),
            ("{$.kind}", "Deployment"),
            ("{.spec.replicas}{.kind}", "3Deployment"),
            (
                "{.spec.replicas} {.spec.template.spec.containers[0].name}",
                "3 nginx",
            ),
            (
                "{.spec.template.spec.containers[*].image}",
                "nginx:1.27 busybox:1.36",
            ),
            ("{..image}", "nginx:1.27 busybox:1.36"),
            ("{.spec.template.spec.containers[-1].name}", "side"),
            ("{.spec.template.spec.containers[-1:].name}", "side"),
            ("{.spec.template.spec.containers[0:1].name}", "nginx"),
            ("{.metadata.labels}", r#"{"app":"web"}"#),
            ("{.metadata.labels.*}", "web"),
            ("{.metadata.labels['app']}", "web"),
            ("{.metadata.creationTimestamp}", "null"),
            (
                r"{.metadata.annotations.deployment\.kubernetes\.io/revision}",
                "2",
            ),
            ("{.spec.template.spec.containers[0].resources}", "{}"),
            (
                r#"{.status.conditions[?(@.type=="Available")].status}"#,
                "True",
            ),
            (
                r#"{.status.conditions[?(@.type!="Available")].reason}"#,
                "NewReplicaSetAvailable",
            ),
            ("{.status.conditions[?(@.reason)].type}", "Progressing"),
            (
                r#"{range .spec.template.spec.containers[*]}{.name}{"\t"}{.image}{"\n"}{end}"#,
                "nginx\tnginx:1.27\nside\tbusybox:1.36\n",
            ),
            (
                "{range .spec.template.spec.containers[*]}[{.name}] {end}",
                "[nginx] [side] ",
            ),
            (
                "{range .spec.template.spec.containers[*]}{$.kind} {end}",
                "Deployment Deployment ",
            ),
            (r#"{"a\tb"}"#, "a\tb"),
            ("plain text", "plain text"),
        ];
        for (template, want) in cases {
            assert_eq!(run_on(template).as_deref(), Ok(want), "{template}");
        }
    }

    #[test]
    fn errors_are_worded_as_kubectl_words_them() {
        assert_eq!(
            Template::parse("{.metadata.name").unwrap_err(),
            "error parsing jsonpath {.metadata.name, unclosed action"
        );
        let e = run_on("{.spec.template.spec.containers[5].image}").unwrap_err();
        assert!(
            e.starts_with("error: error executing jsonpath \"{.spec.template.spec.containers[5].image}\": Error executing template: array index out of bounds: index 5, length 2. Printing more information"),
            "{e}"
        );
        let e = run_on("{.metadata.labels[*]}").unwrap_err();
        assert!(
            e.contains("map[string]interface {} is not array or slice"),
            "{e}"
        );
        assert!(Template::parse("{end}")
            .unwrap_err()
            .contains("not in range, nothing to end"));
    }

    #[test]
    fn custom_columns_join_values_and_show_none() {
        let cols = parse_columns(
            "NAME:.metadata.name,REPLICAS:{.spec.replicas},X:.foo,IMAGES:.spec.template.spec.containers[*].image",
        )
        .unwrap();
        let headers: Vec<&str> = cols.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, ["NAME", "REPLICAS", "X", "IMAGES"]);
        assert_eq!(
            column_cells(&cols, &deployment()).unwrap(),
            ["web", "3", "<none>", "nginx:1.27,busybox:1.36"]
        );
        assert_eq!(
            parse_columns("NAME").unwrap_err(),
            "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
    }

    #[test]
    fn hostile_templates_do_not_panic() {
        for t in [
            "{",
            "}",
            "{[",
            "{.a[}",
            "{.a[?(}",
            "{.a[1:x]}",
            "{range}",
            "{.a['x}",
            "{..}",
            "{\"}",
            "{.a[-99]}",
            "{.a[?(@.b<)]}",
        ] {
            let _ = Template::parse(t).and_then(|p| p.execute(&deployment()));
        }
    }
}
