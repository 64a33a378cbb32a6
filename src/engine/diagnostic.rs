//! Diagnostics: what is wrong (or worth knowing) about a user's manifest, and where.
//!
//! Bad input is not an exception in kubeplay: parsing yields objects *and* diagnostics,
//! and each diagnostic points at a line, a column and a field path, so the editor can
//! underline the spot and the console can print it the way kubectl would.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// The document (or the whole input) cannot be applied.
    Error,
    /// The document applies, but something in it is ignored or suspicious
    /// (an unknown field, which the API server drops).
    Warning,
    /// Information for a learner: a kind kubeplay stores but does not simulate.
    Notice,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        })
    }
}

/// One finding about the input text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, worded as kubectl or the API server words it.
    pub message: String,
    /// The field path, such as `spec.template.spec.containers[0].image`, when the
    /// finding is about one field.
    pub path: Option<String>,
    /// 1-based line in the whole input text.
    pub line: Option<usize>,
    /// 1-based column (in characters) in that line.
    pub column: Option<usize>,
    /// 0-based index of the YAML document the finding is about; documents that hold
    /// only blank lines and comments are not counted, as kubectl skips them.
    pub document: usize,
}

impl Diagnostic {
    /// A diagnostic with no position yet; see [`Diagnostic::at`] and [`Diagnostic::with_path`].
    pub fn new(severity: Severity, document: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.into(),
            path: None,
            line: None,
            column: None,
            document,
        }
    }

    /// An [`Severity::Error`] diagnostic.
    pub fn error(document: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, document, message)
    }

    /// A [`Severity::Warning`] diagnostic.
    pub fn warning(document: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, document, message)
    }

    /// A [`Severity::Notice`] diagnostic.
    pub fn notice(document: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Notice, document, message)
    }

    /// Sets the 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Diagnostic {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the field path.
    pub fn with_path(mut self, path: impl Into<String>) -> Diagnostic {
        self.path = Some(path.into());
        self
    }

    /// Whether this is an [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Reads like `line 14, column 13: spec.replicas: invalid type: string "three", expected i32`.
///
/// The path is left out when the message already starts with it or names it in quotes
/// (`unknown field "spec.replicaz"`), so nothing is said twice.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        if let Some(path) = self.path.as_deref().filter(|p| !p.is_empty()) {
            let said =
                self.message.starts_with(path) || self.message.contains(&format!("\"{path}\""));
            if !said {
                write!(f, "{path}: ")?;
            }
        }
        f.write_str(&self.message)
    }
}

/// Whether any diagnostic in `diagnostics` is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_a_compiler_message() {
        struct Case {
            diagnostic: Diagnostic,
            want: &'static str,
        }
        let cases = [
            Case {
                diagnostic: Diagnostic::error(0, "invalid type: string \"three\", expected i32")
                    .with_path("spec.replicas")
                    .at(14, 13),
                want: "line 14, column 13: spec.replicas: invalid type: string \"three\", expected i32",
            },
            Case {
                diagnostic: Diagnostic::warning(1, "unknown field \"spec.replicaz\"").with_path("spec.replicaz").at(7, 3),
                want: "line 7, column 3: unknown field \"spec.replicaz\"",
            },
            Case {
                diagnostic: Diagnostic::error(0, "error validating data: [apiVersion not set, kind not set]"),
                want: "error validating data: [apiVersion not set, kind not set]",
            },
            Case {
                diagnostic: Diagnostic::error(0, "spec.selector: Required value").with_path("spec.selector").at(5, 3),
                want: "line 5, column 3: spec.selector: Required value",
            },
        ];
        for case in cases {
            assert_eq!(case.diagnostic.to_string(), case.want);
        }
    }

    #[test]
    fn severities_order_errors_first() {
        assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Notice);
        assert!(has_errors(&[
            Diagnostic::notice(0, "x"),
            Diagnostic::error(0, "y")
        ]));
        assert!(!has_errors(&[Diagnostic::warning(0, "x")]));
    }
}
