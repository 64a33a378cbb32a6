//! Where a field path sits in manifest text: the line and column of a key or list item.
//!
//! serde tells us *which* field is wrong (`spec.template.spec.containers[0].image`) but
//! not *where* it was written. This module scans the text itself, the way an editor's
//! outline does: an indentation-aware pass over block YAML (mappings, `- ` items,
//! comments, `|`/`>` block scalars whose contents are skipped, quoted keys) plus a small
//! bracket-matching pass for flow collections (`{...}`, `[...]`), which also covers JSON
//! and KYAML. It never fails: a path it cannot follow all the way resolves to the closest
//! ancestor it found, and at worst to the start of the document.
//!
//! Documents are split exactly as kubectl's YAML reader splits them (a line starting
//! with `---`), and only documents with content are counted, so document `n` here is
//! document `n` in [`crate::engine::manifest`].

use std::fmt;

/// One step of a field path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A mapping key (`spec`, or a label key such as `app.kubernetes.io/name`).
    Key(String),
    /// A list index.
    Index(usize),
}

/// A 1-based position in the whole input text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Whether the whole path was found; `false` means this is an ancestor's position
    /// (or the document start).
    pub exact: bool,
}

/// One document of the input, as kubectl's reader cuts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSpan {
    /// Byte offset where the document's text starts (the line after `---`).
    pub start: usize,
    /// Byte offset where it ends (exclusive).
    pub end: usize,
    /// 1-based line of the document's first line of text.
    pub first_line: usize,
    /// 1-based line of its first line that is neither blank nor a comment.
    pub content_line: usize,
    /// 1-based column where that content starts.
    pub content_column: usize,
}

/// A `---` line followed by something other than a comment, which kubectl rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeparatorError {
    /// 1-based line of the separator.
    pub line: usize,
    /// What followed `---`, trimmed.
    pub text: String,
}

/// The documents of an input text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Documents {
    /// Documents with content, in order.
    pub spans: Vec<DocumentSpan>,
    /// Whether the input is a stream of JSON values rather than YAML.
    pub json: bool,
    /// Separator lines kubectl would refuse (`---{a: 1}`); each still separates.
    pub separator_errors: Vec<SeparatorError>,
}

/// Parses `spec.template.spec.containers[0].image` (and `metadata.labels[app.kubernetes.io/name]`,
/// the API server's way of writing map keys) into segments.
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut current)));
                }
            }
            '[' => {
                if !current.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut current)));
                }
                let inner: String = chars.by_ref().take_while(|&c| c != ']').collect();
                segments.push(match inner.parse() {
                    Ok(i) => Segment::Index(i),
                    Err(_) => Segment::Key(inner),
                });
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        segments.push(Segment::Key(current));
    }
    segments
}

/// Writes segments as the API server does: `spec.containers[0].image`; keys that hold a
/// dot or slash are bracketed (`metadata.labels[app.kubernetes.io/name]`).
pub fn format_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(k) if k.contains(['.', '/', '[', ']']) => out.push_str(&format!("[{k}]")),
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_path(std::slice::from_ref(self)))
    }
}

/// Finds `path` (such as `spec.template.spec.containers[0].image`) in document `document`
/// of `text`. `None` only when there is no such document.
pub fn locate(text: &str, document: usize, path: &str) -> Option<Location> {
    let documents = split_documents(text);
    let span = documents.spans.get(document)?;
    Some(Outline::of(text, span).find(&parse_path(path)))
}

/// Cuts `text` into documents as kubectl does: JSON when it starts with `{` and is valid
/// JSON, otherwise YAML split at lines starting with `---`. Blank and comment-only
/// documents are dropped.
pub fn split_documents(text: &str) -> Documents {
    let lines = LineIndex::new(text);
    if let Some(spans) = split_json(text, &lines) {
        return Documents {
            spans,
            json: true,
            separator_errors: Vec::new(),
        };
    }
    let mut documents = Documents::default();
    let mut start = 0;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        if let Some(after) = raw.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                let line = lines.position(offset).0;
                documents.separator_errors.push(SeparatorError {
                    line,
                    text: trimmed.to_string(),
                });
            }
            push_span(text, &lines, start, offset, &mut documents.spans);
            start = offset + raw.len();
        }
        offset += raw.len();
    }
    push_span(text, &lines, start, text.len(), &mut documents.spans);
    documents
}

/// A JSON stream, if `text` looks like JSON (first character `{`) and parses as JSON.
fn split_json(text: &str, lines: &LineIndex) -> Option<Vec<DocumentSpan>> {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if !trimmed.starts_with('{') {
        return None;
    }
    let mut spans = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    while let Some(item) = stream.next() {
        item.ok()?;
        let end = stream.byte_offset();
        push_span(text, lines, start, end, &mut spans);
        start = end;
    }
    Some(spans)
}

fn push_span(
    text: &str,
    lines: &LineIndex,
    start: usize,
    end: usize,
    spans: &mut Vec<DocumentSpan>,
) {
    let mut offset = start;
    for raw in text[start..end].split_inclusive('\n') {
        let body = raw.trim_start_matches([' ', '\t', '\u{feff}']);
        let content = body.trim_end();
        let marker = content == "..." || content.starts_with("... ") || content.starts_with('%');
        if !content.is_empty() && !content.starts_with('#') && !marker {
            let (content_line, content_column) = lines.position(offset + (raw.len() - body.len()));
            spans.push(DocumentSpan {
                start,
                end,
                first_line: lines.position(start).0,
                content_line,
                content_column,
            });
            return;
        }
        offset += raw.len();
    }
}

/// Byte offsets of line starts, to turn an offset into a 1-based line and column.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

/// The outline of one document: every key and list item with its position, as a flat
/// tree (an arena, so that no input, however deeply nested, can overflow the stack).
#[derive(Debug, Clone)]
pub struct Outline {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Node {
    key: Option<String>,
    line: usize,
    column: usize,
    parent: usize,
    children: Vec<usize>,
    /// The unquoted, untagged scalar written as this node's value, if any.
    plain: Option<String>,
}

const ROOT: usize = 0;

impl Outline {
    /// Scans the document `span` of `text`.
    pub fn of(text: &str, span: &DocumentSpan) -> Outline {
        let root = Node {
            key: None,
            line: span.content_line,
            column: span.content_column,
            parent: ROOT,
            children: Vec::new(),
            plain: None,
        };
        let mut outline = Outline { nodes: vec![root] };
        let body = text.get(span.start..span.end).unwrap_or("");
        let lines: Vec<(usize, &str)> = body
            .split('\n')
            .enumerate()
            .map(|(i, l)| (span.first_line + i, l.strip_suffix('\r').unwrap_or(l)))
            .collect();
        Scanner {
            outline: &mut outline,
            lines: &lines,
        }
        .block();
        outline
    }

    /// The position of `path`, or of its closest ancestor found, or of the document start.
    pub fn find(&self, path: &[Segment]) -> Location {
        let mut node = ROOT;
        let mut exact = true;
        for segment in path {
            let children = &self.nodes[node].children;
            let next = match segment {
                Segment::Key(k) => children
                    .iter()
                    .rev()
                    .find(|&&c| self.nodes[c].key.as_deref() == Some(k)),
                Segment::Index(i) => children
                    .iter()
                    .filter(|&&c| self.nodes[c].key.is_none())
                    .nth(*i),
            };
            match next {
                Some(&c) => node = c,
                None => {
                    exact = false;
                    break;
                }
            }
        }
        let n = &self.nodes[node];
        Location {
            line: n.line,
            column: n.column,
            exact,
        }
    }

    /// Every plain (unquoted, untagged) scalar value with its path and text as written;
    /// the manifest reader uses it to read `0755` as YAML 1.1 octal, as kubectl does.
    pub fn plain_scalars(&self) -> Vec<(Vec<Segment>, String)> {
        (1..self.nodes.len())
            .filter_map(|i| Some((self.path_of(i)?, self.nodes[i].plain.clone()?)))
            .collect()
    }

    /// Keys written twice in the same mapping: the path and position of each repeat.
    /// The last one wins, as in kubectl; the API server warns `duplicate field`.
    pub fn duplicate_keys(&self) -> Vec<(Vec<Segment>, Location)> {
        let mut out = Vec::new();
        for node in &self.nodes {
            let mut seen = std::collections::BTreeSet::new();
            for &c in &node.children {
                if let Some(key) = &self.nodes[c].key {
                    if !seen.insert(key.as_str()) {
                        if let Some(path) = self.path_of(c) {
                            let n = &self.nodes[c];
                            out.push((
                                path,
                                Location {
                                    line: n.line,
                                    column: n.column,
                                    exact: true,
                                },
                            ));
                        }
                    }
                }
            }
        }
        out
    }

    /// The path from the root to node `i`; `None` for nodes outside the tree.
    fn path_of(&self, mut i: usize) -> Option<Vec<Segment>> {
        let mut path = Vec::new();
        while i != ROOT {
            let node = &self.nodes[i];
            let parent = &self.nodes[node.parent];
            path.push(match &node.key {
                Some(k) => Segment::Key(k.clone()),
                None => {
                    let items = parent
                        .children
                        .iter()
                        .filter(|&&c| self.nodes[c].key.is_none());
                    Segment::Index(items.take_while(|&&c| c != i).count())
                }
            });
            if !parent.children.contains(&i) {
                return None;
            }
            i = node.parent;
        }
        path.reverse();
        Some(path)
    }

    fn add(&mut self, parent: usize, key: Option<String>, line: usize, column: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            key,
            line,
            column,
            parent,
            children: Vec::new(),
            plain: None,
        });
        self.nodes[parent].children.push(id);
        id
    }

    /// A node that belongs to no parent (a flow collection used as a key).
    fn add_detached(&mut self, line: usize, column: usize) -> usize {
        self.nodes.push(Node {
            key: None,
            line,
            column,
            parent: ROOT,
            children: Vec::new(),
            plain: None,
        });
        self.nodes.len() - 1
    }
}

/// A node still open for children on later lines, with the column it sits at.
#[derive(Clone, Copy)]
struct Open {
    indent: isize,
    node: usize,
    item: bool,
}

/// A cursor into the lines of a document: line index and byte offset in that line.
#[derive(Clone, Copy)]
struct Cursor {
    line: usize,
    at: usize,
}

struct Scanner<'o, 'l> {
    outline: &'o mut Outline,
    lines: &'l [(usize, &'l str)],
}

impl Scanner<'_, '_> {
    fn text(&self, c: Cursor) -> &str {
        self.lines
            .get(c.line)
            .map_or("", |(_, l)| l.get(c.at..).unwrap_or(""))
    }

    fn position(&self, c: Cursor) -> (usize, usize) {
        let (number, line) = self.lines.get(c.line).copied().unwrap_or((0, ""));
        (
            number,
            line.get(..c.at).map_or(1, |s| s.chars().count() + 1),
        )
    }

    /// The block-structure pass: one line at a time, tracking open nodes by indentation.
    fn block(&mut self) {
        let mut stack = vec![Open {
            indent: -1,
            node: ROOT,
            item: false,
        }];
        let mut i = 0;
        while i < self.lines.len() {
            let line = self.lines[i].1;
            let indent = line.len() - line.trim_start_matches(' ').len();
            let rest = &line[indent..];
            let marker = indent == 0
                && (rest.starts_with("---") || rest.starts_with("...") || rest.starts_with('%'));
            if rest.trim().is_empty() || rest.starts_with('#') || marker {
                i += 1;
                continue;
            }
            i = self.block_line(
                Cursor {
                    line: i,
                    at: indent,
                },
                &mut stack,
            );
        }
    }

    /// Reads the nodes that start on one line; returns the index of the next line to read.
    fn block_line(&mut self, mut c: Cursor, stack: &mut Vec<Open>) -> usize {
        let mut item_on_line = None;
        loop {
            let rest = self.text(c);
            let column = c.at as isize;
            let (line, col) = self.position(c);
            if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
                while stack.len() > 1 {
                    let top = stack[stack.len() - 1];
                    if top.indent > column || (top.indent == column && top.item) {
                        stack.pop();
                    } else {
                        break;
                    }
                }
                let parent = stack[stack.len() - 1].node;
                let node = self.outline.add(parent, None, line, col);
                stack.push(Open {
                    indent: column,
                    node,
                    item: true,
                });
                item_on_line = Some((node, column));
                c.at += 1;
                c.at += self.text(c).len() - self.text(c).trim_start().len();
                if self.text(c).is_empty() || self.text(c).starts_with('#') {
                    return c.line + 1;
                }
                continue;
            }
            if let Some((key, after)) = block_key(rest) {
                while stack.len() > 1 && stack[stack.len() - 1].indent >= column {
                    stack.pop();
                }
                let parent = stack[stack.len() - 1].node;
                let node = self.outline.add(parent, Some(key), line, col);
                c.at += after;
                return self.block_value(c, node, column, stack);
            }
            // A bare value: a list item's scalar, a flow collection, or a continuation line.
            return match item_on_line {
                // `- value`: a block scalar here belongs to the item, indented past its dash.
                Some((item, dash)) => self.inline_value(c, item, dash, true),
                None => {
                    while stack.len() > 1 && stack[stack.len() - 1].indent >= column {
                        stack.pop();
                    }
                    let owner = stack[stack.len() - 1].node;
                    self.inline_value(c, owner, column, false)
                }
            };
        }
    }

    /// After `key:`: an open value (children follow), a block scalar, or an inline value.
    fn block_value(
        &mut self,
        mut c: Cursor,
        node: usize,
        column: isize,
        stack: &mut Vec<Open>,
    ) -> usize {
        let mut tagged = false;
        loop {
            let rest = self.text(c);
            let trimmed = rest.trim_start();
            c.at += rest.len() - trimmed.len();
            if trimmed.starts_with('!') || trimmed.starts_with('&') {
                tagged |= trimmed.starts_with('!');
                c.at += trimmed.find([' ', '\t']).unwrap_or(trimmed.len());
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                stack.push(Open {
                    indent: column,
                    node,
                    item: false,
                });
                return c.line + 1;
            }
            return self.inline_value_tagged(c, node, column, true, tagged);
        }
    }

    fn inline_value(
        &mut self,
        c: Cursor,
        owner: usize,
        column: isize,
        record_plain: bool,
    ) -> usize {
        self.inline_value_tagged(c, owner, column, record_plain, false)
    }

    /// A value that starts on this line: block scalar, flow collection, quoted or plain scalar.
    fn inline_value_tagged(
        &mut self,
        c: Cursor,
        owner: usize,
        column: isize,
        record_plain: bool,
        tagged: bool,
    ) -> usize {
        let rest = self.text(c);
        match rest.chars().next() {
            Some('|') | Some('>') => self.skip_block_scalar(c.line + 1, column),
            Some('{') | Some('[') => self.flow(c, owner).line + 1,
            Some('"') | Some('\'') => self.quoted(c).1.line + 1,
            _ => {
                if record_plain && !tagged && !rest.starts_with('*') {
                    let value = strip_comment(rest).trim_end();
                    self.outline.nodes[owner].plain = Some(value.to_string());
                }
                c.line + 1
            }
        }
    }

    /// Skips a `|` or `>` scalar's lines: blank, or indented deeper than its parent.
    fn skip_block_scalar(&self, mut i: usize, parent_indent: isize) -> usize {
        while let Some((_, line)) = self.lines.get(i) {
            let indent = (line.len() - line.trim_start_matches(' ').len()) as isize;
            if line.trim().is_empty() || indent > parent_indent {
                i += 1;
            } else {
                break;
            }
        }
        i
    }

    /// Reads a quoted scalar at `c` (possibly over several lines): its text and the
    /// cursor just past the closing quote.
    fn quoted(&self, mut c: Cursor) -> (String, Cursor) {
        let quote = self.text(c).chars().next().unwrap_or('"');
        c.at += 1;
        let mut out = String::new();
        loop {
            let rest = self.text(c);
            let mut chars = rest.char_indices().peekable();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' if quote == '"' => match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, 't')) => out.push('\t'),
                        Some((_, e)) => out.push(e),
                        None => {}
                    },
                    '\'' if quote == '\'' && chars.peek().map(|p| p.1) == Some('\'') => {
                        chars.next();
                        out.push('\'');
                    }
                    ch if ch == quote => {
                        c.at += i + 1;
                        return (out, c);
                    }
                    ch => out.push(ch),
                }
            }
            if c.line + 1 >= self.lines.len() {
                c.at += rest.len();
                return (out, c);
            }
            out.push(' ');
            c = Cursor {
                line: c.line + 1,
                at: 0,
            };
        }
    }

    /// The flow pass: `{...}` and `[...]` (JSON included), with an explicit stack.
    /// Returns the cursor past the closing bracket (or at the end of the document).
    fn flow(&mut self, mut c: Cursor, owner: usize) -> Cursor {
        struct Frame {
            node: usize,
            map: bool,
            pending: Option<usize>,
            after_colon: bool,
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut last_quoted = false;
        loop {
            let rest = self.text(c);
            let Some(ch) = rest.chars().next() else {
                if c.line + 1 >= self.lines.len() {
                    return c;
                }
                c = Cursor {
                    line: c.line + 1,
                    at: 0,
                };
                continue;
            };
            let (line, col) = self.position(c);
            let prev_blank = c.at == 0 || self.lines[c.line].1[..c.at].ends_with([' ', '\t']);
            match ch {
                ' ' | '\t' | '\r' => c.at += 1,
                '#' if prev_blank => c.at += rest.len(),
                '{' | '[' => {
                    let node = match stack.last_mut() {
                        None => owner,
                        Some(top) if !top.map => self.outline.add(top.node, None, line, col),
                        Some(top) => match (top.after_colon, top.pending) {
                            (true, Some(key)) => key,
                            _ => self.outline.add_detached(line, col),
                        },
                    };
                    stack.push(Frame {
                        node,
                        map: ch == '{',
                        pending: None,
                        after_colon: false,
                    });
                    c.at += 1;
                    last_quoted = false;
                }
                '}' | ']' => {
                    c.at += 1;
                    stack.pop();
                    if stack.is_empty() {
                        return c;
                    }
                    last_quoted = false;
                }
                ',' => {
                    if let Some(top) = stack.last_mut() {
                        top.pending = None;
                        top.after_colon = false;
                    }
                    c.at += 1;
                    last_quoted = false;
                }
                ':' if last_quoted
                    || rest[1..].starts_with([' ', '\t', ',', '[', ']', '{', '}'])
                    || rest.len() == 1 =>
                {
                    if let Some(top) = stack.last_mut() {
                        top.after_colon = true;
                    }
                    c.at += 1;
                    last_quoted = false;
                }
                _ => {
                    let quoted = ch == '"' || ch == '\'';
                    let text = if quoted {
                        let (text, next) = self.quoted(c);
                        c = next;
                        text
                    } else {
                        let len = plain_flow_len(rest).max(ch.len_utf8());
                        c.at += len;
                        rest[..len].trim_end().to_string()
                    };
                    last_quoted = quoted;
                    match stack.last_mut() {
                        None => return c,
                        Some(top) if top.map && !top.after_colon => {
                            let node = top.node;
                            let key = self.outline.add(node, Some(text), line, col);
                            if let Some(top) = stack.last_mut() {
                                top.pending = Some(key);
                            }
                        }
                        Some(top) if top.map => {
                            if let (Some(key), false) = (top.pending, quoted) {
                                self.outline.nodes[key].plain = Some(text);
                            }
                        }
                        Some(top) => {
                            let item = self.outline.add(top.node, None, line, col);
                            if !quoted {
                                self.outline.nodes[item].plain = Some(text);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The key of a block mapping entry starting at `rest`, and the byte offset just past its `:`.
fn block_key(rest: &str) -> Option<(String, usize)> {
    let first = rest.chars().next()?;
    if first == '"' || first == '\'' {
        let mut chars = rest.char_indices().skip(1).peekable();
        let mut key = String::new();
        while let Some((i, ch)) = chars.next() {
            if ch == '\\' && first == '"' {
                if let Some((_, e)) = chars.next() {
                    key.push(e);
                }
            } else if ch == '\'' && first == '\'' && chars.peek().map(|p| p.1) == Some('\'') {
                chars.next();
                key.push('\'');
            } else if ch == first {
                let after = &rest[i + 1..];
                let colon = after.len() - after.trim_start().len();
                let tail = &after[colon..];
                return (tail.starts_with(':') && is_value_start(&tail[1..]))
                    .then(|| (key, i + 1 + colon + 1));
            } else {
                key.push(ch);
            }
        }
        return None;
    }
    if "[]{}#&*!|>%@`,".contains(first)
        || ((first == '?' || first == ':') && is_value_start(&rest[1..]))
    {
        return None;
    }
    let mut prev_blank = false;
    for (i, ch) in rest.char_indices() {
        if ch == '#' && prev_blank {
            return None;
        }
        if ch == ':' && is_value_start(&rest[i + 1..]) {
            return Some((rest[..i].trim_end().to_string(), i + 1));
        }
        prev_blank = ch == ' ' || ch == '\t';
    }
    None
}

/// Whether what follows a `:` makes it a mapping indicator (a blank or the line's end).
fn is_value_start(after: &str) -> bool {
    after.is_empty() || after.starts_with([' ', '\t'])
}

/// Cuts a trailing ` # comment` off a plain scalar.
fn strip_comment(rest: &str) -> &str {
    let bytes = rest.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i] == b'#' && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return &rest[..i];
        }
    }
    rest
}

/// The length of a plain scalar inside a flow collection.
fn plain_flow_len(rest: &str) -> usize {
    let mut prev_blank = false;
    for (i, ch) in rest.char_indices() {
        let next = &rest[i + ch.len_utf8()..];
        let stop = matches!(ch, ',' | '[' | ']' | '{' | '}')
            || (ch == '#' && prev_blank)
            || (ch == ':'
                && (next.is_empty() || next.starts_with([' ', '\t', ',', '[', ']', '{', '}'])));
        if stop {
            return i;
        }
        prev_blank = ch == ' ' || ch == '\t';
    }
    rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = "\
# a comment before the document
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, \"tier\": front}
spec:
  replicas: 3   # three
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        args:
        - --port=80
        command: |
          replicas: not a key
          image: neither
        ports:
          - containerPort: 80
            name: http
          - {containerPort: 443, name: https}
      - name: sidecar
        \"image\": busybox
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
";

    #[test]
    fn paths_resolve_to_their_keys() {
        struct Case {
            document: usize,
            path: &'static str,
            want: (usize, usize, bool),
        }
        let cases = [
            Case {
                document: 0,
                path: "spec.replicas",
                want: (8, 3, true),
            },
            Case {
                document: 0,
                path: "metadata.labels.tier",
                want: (6, 22, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[0]",
                want: (18, 7, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[0].name",
                want: (18, 9, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[0].image",
                want: (19, 9, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[0].args[0]",
                want: (21, 9, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[0].ports[1].name",
                want: (28, 34, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[1].image",
                want: (30, 9, true),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[0].ports[0].name",
                want: (27, 13, true),
            },
            // Not found: the closest ancestor, then the document start.
            Case {
                document: 0,
                path: "spec.template.spec.containers[0].image2",
                want: (18, 7, false),
            },
            Case {
                document: 0,
                path: "spec.template.spec.containers[5].image",
                want: (17, 7, false),
            },
            Case {
                document: 0,
                path: "status.replicas",
                want: (2, 1, false),
            },
            Case {
                document: 1,
                path: "spec.ports[0].port",
                want: (38, 5, true),
            },
            Case {
                document: 1,
                path: "",
                want: (32, 1, true),
            },
        ];
        for case in cases {
            let got = locate(DEPLOYMENT, case.document, case.path).expect(case.path);
            assert_eq!(
                (got.line, got.column, got.exact),
                case.want,
                "{}",
                case.path
            );
        }
        assert_eq!(locate(DEPLOYMENT, 2, "spec"), None);
    }

    #[test]
    fn documents_split_like_kubectl() {
        struct Case {
            text: &'static str,
            content_lines: Vec<usize>,
            json: bool,
            separator_errors: usize,
        }
        let cases = [
            Case {
                text: "a: 1\n---\nb: 2\n---\n",
                content_lines: vec![1, 3],
                json: false,
                separator_errors: 0,
            },
            Case {
                text: "---\n# only a comment\n---\n\n---\nkind: X\n...",
                content_lines: vec![6],
                json: false,
                separator_errors: 0,
            },
            Case {
                text: "--- # a comment\na: 1\n---{b: 1}\n",
                content_lines: vec![2],
                json: false,
                separator_errors: 1,
            },
            Case {
                text: "  {\"a\": 1}\n{\"b\":\n 2}",
                content_lines: vec![1, 2],
                json: true,
                separator_errors: 0,
            },
            Case {
                text: "{a: 1, }\n",
                content_lines: vec![1],
                json: false,
                separator_errors: 0,
            },
            Case {
                text: "",
                content_lines: vec![],
                json: false,
                separator_errors: 0,
            },
        ];
        for case in cases {
            let docs = split_documents(case.text);
            let lines: Vec<usize> = docs.spans.iter().map(|s| s.content_line).collect();
            assert_eq!(lines, case.content_lines, "{:?}", case.text);
            assert_eq!(docs.json, case.json, "{:?}", case.text);
            assert_eq!(
                docs.separator_errors.len(),
                case.separator_errors,
                "{:?}",
                case.text
            );
        }
    }

    #[test]
    fn json_and_kyaml_are_located_too() {
        let json = "{\n  \"kind\": \"Deployment\",\n  \"spec\": {\n    \"replicas\": \"three\",\n    \"x\": [1, {\"y\": 2}]\n  }\n}\n";
        let kyaml = "---\n{\n  spec: {\n    containers: [{\n      name: \"c\",\n      image: nginx,\n    }],\n  },\n}\n";
        struct Case {
            text: &'static str,
            path: &'static str,
            want: (usize, usize, bool),
        }
        let cases = [
            Case {
                text: json,
                path: "spec.replicas",
                want: (4, 5, true),
            },
            Case {
                text: json,
                path: "spec.x[1].y",
                want: (5, 15, true),
            },
            Case {
                text: kyaml,
                path: "spec.containers[0].image",
                want: (6, 7, true),
            },
            Case {
                text: kyaml,
                path: "spec.containers[0].ports",
                want: (4, 18, false),
            },
        ];
        for case in cases {
            let got = locate(case.text, 0, case.path).unwrap();
            assert_eq!(
                (got.line, got.column, got.exact),
                case.want,
                "{}",
                case.path
            );
        }
    }

    #[test]
    fn paths_round_trip() {
        for path in [
            "spec.template.spec.containers[0].image",
            "metadata.labels[app.kubernetes.io/name]",
            "items[2]",
        ] {
            assert_eq!(format_path(&parse_path(path)), path);
        }
        assert_eq!(
            parse_path("a[1].b"),
            vec![
                Segment::Key("a".into()),
                Segment::Index(1),
                Segment::Key("b".into())
            ]
        );
    }

    #[test]
    fn plain_scalars_and_duplicates_are_reported() {
        let text = "a:\n  mode: 0755\n  quoted: \"0755\"\n  tagged: !!str 0755\n  a: 1\n  a: 2\nlist: [1, x]\n";
        let span = &split_documents(text).spans[0];
        let outline = Outline::of(text, span);
        let plain: Vec<String> = outline
            .plain_scalars()
            .into_iter()
            .map(|(p, v)| format!("{}={v}", format_path(&p)))
            .collect();
        assert_eq!(
            plain,
            ["a.mode=0755", "a.a=1", "a.a=2", "list[0]=1", "list[1]=x"]
        );
        let dups = outline.duplicate_keys();
        assert_eq!(dups.len(), 1);
        assert_eq!(
            (format_path(&dups[0].0), dups[0].1.line),
            ("a.a".to_string(), 6)
        );
    }

    #[test]
    fn hostile_input_does_not_overflow() {
        let deep = "[".repeat(100_000);
        assert!(locate(&deep, 0, "a[0]").is_some());
        let indented: String = (0..5_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(locate(&indented, 0, "k0.k1.k2").unwrap().exact);
    }
}
