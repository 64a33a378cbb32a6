//! Object metadata, owner references and label selectors shared by every kind.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Labels or annotations: string keys to string values, in a fixed order.
pub type StringMap = BTreeMap<String, String>;

/// `metadata`, with the fields the API server sets beside the ones users write.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// The object's name, unique per kind and namespace.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A prefix the server completes with random characters when `name` is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    /// The namespace; empty for cluster-scoped kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Identifying labels that selectors match.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: StringMap,
    /// Non-identifying notes, such as the deployment revision.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: StringMap,
    /// Unique id the server assigns at creation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// Changes on every write; clients use it for optimistic concurrency.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    /// Bumped by the server when the spec changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// When the object was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
    /// Set when deletion was asked for and the object is going away gracefully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    /// The grace period that applies to a pending deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Which objects own this one; garbage collection follows these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    /// Keys that must be cleared before the object is removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

impl ObjectMeta {
    /// The owner reference marked `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }

    /// Whether deletion has begun.
    pub fn is_deleting(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

/// A pointer from a dependent object to its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// The owner's API group and version (`apps/v1`).
    pub api_version: String,
    /// The owner's kind.
    pub kind: String,
    /// The owner's name.
    pub name: String,
    /// The owner's uid.
    pub uid: String,
    /// Whether the owner is the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// Whether the owner's deletion waits for this dependent (foreground deletion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// A label selector: `matchLabels` plus `matchExpressions`, all of which must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Labels that must be present with these values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: StringMap,
    /// Set-based requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One set-based requirement (`tier In (web, api)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    /// The values for `In` and `NotIn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Whether the selector selects nothing at all (empty selectors match everything for
    /// some kinds; callers decide).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &StringMap) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let has = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => has.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => has.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => has.is_some(),
                    "DoesNotExist" => has.is_none(),
                    _ => false,
                }
            })
    }

    /// The selector as kubectl prints it (`app=web,tier in (a,b)`).
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                _ => format!("!{}", r.key),
            });
        }
        parts.join(",")
    }
}

/// Whether a plain `key: value` selector (as Services use) selects `labels`.
pub fn map_selects(selector: &StringMap, labels: &StringMap) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// A label query from the command line (`-l app=web,tier!=db,env`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelQuery {
    reqs: Vec<(String, QueryOp)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum QueryOp {
    Eq(String),
    Ne(String),
    Exists,
    NotExists,
    In(Vec<String>),
    NotIn(Vec<String>),
}

impl LabelQuery {
    /// Parses kubectl's selector syntax.
    pub fn parse(s: &str) -> Result<LabelQuery, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let lower = part.to_ascii_lowercase();
            if let Some(idx) = lower.find(" notin ") {
                reqs.push((
                    part[..idx].trim().to_string(),
                    QueryOp::NotIn(set_values(&part[idx + 7..])?),
                ));
            } else if let Some(idx) = lower.find(" in ") {
                reqs.push((
                    part[..idx].trim().to_string(),
                    QueryOp::In(set_values(&part[idx + 4..])?),
                ));
            } else if let Some((k, v)) = part.split_once("!=") {
                reqs.push((k.trim().to_string(), QueryOp::Ne(v.trim().to_string())));
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                reqs.push((k.trim().to_string(), QueryOp::Eq(v.trim().to_string())));
            } else if let Some(k) = part.strip_prefix('!') {
                reqs.push((k.trim().to_string(), QueryOp::NotExists));
            } else {
                reqs.push((part.to_string(), QueryOp::Exists));
            }
        }
        for (k, _) in &reqs {
            if k.is_empty() || k.contains(char::is_whitespace) {
                return Err(format!(
                    "unable to parse requirement: invalid label key {k:?}"
                ));
            }
        }
        Ok(LabelQuery { reqs })
    }

    /// Whether `labels` satisfy the query.
    pub fn matches(&self, labels: &StringMap) -> bool {
        self.reqs.iter().all(|(k, op)| {
            let v = labels.get(k);
            match op {
                QueryOp::Eq(x) => v == Some(x),
                QueryOp::Ne(x) => v != Some(x),
                QueryOp::Exists => v.is_some(),
                QueryOp::NotExists => v.is_none(),
                QueryOp::In(xs) => v.is_some_and(|v| xs.contains(v)),
                QueryOp::NotIn(xs) => v.is_none_or(|v| !xs.contains(v)),
            }
        })
    }
}

fn set_values(s: &str) -> Result<Vec<String>, String> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: expected '(' and ')' around {s:?}"))?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
}

fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> StringMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn label_queries() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        let cases: &[(&str, bool)] = &[
            ("app=web", true),
            ("app==web", true),
            ("app=db", false),
            ("app!=db", true),
            ("tier", true),
            ("!tier", false),
            ("app in (web, api)", true),
            ("app notin (web)", false),
            ("app=web,tier=front", true),
            ("app=web,tier=back", false),
        ];
        for (q, want) in cases {
            assert_eq!(LabelQuery::parse(q).unwrap().matches(&l), *want, "{q}");
        }
    }

    #[test]
    fn selectors_with_expressions() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "web")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "env".into(),
                operator: "NotIn".into(),
                values: vec!["prod".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "web")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("env", "prod")])));
        assert_eq!(sel.to_selector_string(), "app=web,env notin (prod)");
        assert!(!map_selects(&StringMap::new(), &labels(&[("a", "b")])));
    }
}
