//! The `{% table %}` block: a YAML body of `columns:` and `rows:` rendered as an HTML table.
//!
//! Each cell is Liquid-expanded, then rendered as inline markdown (so backticks, links and
//! `<br>` work). A row's `id` becomes the row's anchor. A boolean cell is shown as a
//! "supported" / "not supported" icon with screen-reader text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::diag::{did_you_mean, push_limited, Diagnostic, FileId, Finder, Span};
use crate::limits::{MAX_TABLE_CELLS_PER_PAGE, MAX_TABLE_COLUMNS, MAX_YAML_DEPTH};
use crate::liquid::{check_expressions, expand_lenient, Params};
use crate::markdown::{escape_html, render_inline_in, Link, LinkOrigin};
use crate::Variables;

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The header text (Liquid expanded).
    pub title: String,
    /// The key rows use for this column.
    pub key: String,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A boolean: supported or not.
    Flag(bool),
    /// Text, as written (Liquid expanded), as plain text and as HTML.
    Text {
        /// Markdown after Liquid expansion, e.g. "`443`".
        markdown: String,
        /// Plain text, e.g. "443"; a `<br>` becomes a newline.
        text: String,
        /// Inline HTML.
        html: String,
    },
}

impl Cell {
    /// Plain text of the cell ("true"/"false" for flags).
    pub fn text(&self) -> String {
        match self {
            Cell::Flag(b) => b.to_string(),
            Cell::Text { text, .. } => text.clone(),
        }
    }
}

/// A table row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The row's anchor id, if it has one.
    pub id: Option<String>,
    /// Cells keyed by column key.
    pub cells: BTreeMap<String, Cell>,
}

/// A rendered `{% table %}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Columns, in order.
    pub columns: Vec<Column>,
    /// Rows, in order.
    pub rows: Vec<Row>,
}

pub(crate) struct RenderedTable {
    pub(crate) table: Table,
    pub(crate) html: String,
    pub(crate) links: Vec<Link>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    columns: Vec<Column>,
    rows: Vec<serde_yaml::Mapping>,
}

pub use crate::limits::MAX_TABLE_BYTES;

/// How far past a row's start its cells are looked for, for spans.
const ROW_WINDOW: usize = 64 << 10;

const HINT: &str = "the table body is YAML: `columns:` (a list of `title` and `key`) and `rows:` (a list of maps keyed by column key)";

#[allow(clippy::too_many_arguments)]
pub(crate) fn render(
    site: &Variables,
    rewriter: &dyn crate::LinkRewriter,
    params: &Params,
    file: FileId,
    text: &str,
    body_start: usize,
    body_end: usize,
    tag: Span,
    cells_left: &std::cell::Cell<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<RenderedTable> {
    let body = &text[body_start..body_end];
    if body.len() > MAX_TABLE_BYTES {
        push_limited(
            diags,
            Diagnostic::error(
                tag,
                format!(
                    "table body is {} bytes; the limit is {MAX_TABLE_BYTES}",
                    body.len()
                ),
            )
            .with_label("this table")
            .with_hint("split the table"),
        );
        return None;
    }
    if body.trim().is_empty() {
        push_limited(
            diags,
            Diagnostic::error(tag, "empty `{% table %}`")
                .with_label("no columns or rows")
                .with_hint(HINT),
        );
        return None;
    }
    let before = diags.len();
    check_expressions(site, Some(params), file, text, body_start, body_end, diags);
    if let Err(deep) = crate::yaml::check_depth(body) {
        let at = crate::diag::floor_char_boundary(text, body_start + deep.offset);
        push_limited(
            diags,
            Diagnostic::error(
                Span::new(file, at, at),
                format!("table YAML nests more than {MAX_YAML_DEPTH} levels deep"),
            )
            .with_label("one level too deep")
            .with_related(tag, "in this table")
            .with_hint(HINT),
        );
        return None;
    }
    let spec: Spec = match serde_yaml::from_str(body) {
        Ok(s) => s,
        Err(e) => {
            let at = e
                .location()
                .map_or(tag.start, |l| body_start + l.index().min(body.len()));
            let at = crate::diag::floor_char_boundary(text, at);
            push_limited(
                diags,
                Diagnostic::error(
                    Span::new(file, at, at),
                    format!(
                        "invalid table YAML: {}",
                        yaml_message(&e, crate::diag::line_col(text, body_start).0)
                    ),
                )
                .with_label("here")
                .with_related(tag, "in this table")
                .with_hint(HINT),
            );
            return None;
        }
    };
    if spec.columns.is_empty() {
        push_limited(
            diags,
            Diagnostic::error(tag, "table has no columns")
                .with_label("this table")
                .with_hint(HINT),
        );
        return None;
    }
    if spec.columns.len() > MAX_TABLE_COLUMNS {
        push_limited(
            diags,
            Diagnostic::error(
                tag,
                format!(
                    "table has {} columns; the limit is {MAX_TABLE_COLUMNS}",
                    spec.columns.len()
                ),
            )
            .with_label("this table")
            .with_hint("split the table"),
        );
        return None;
    }
    let cells = spec.rows.len().saturating_mul(spec.columns.len());
    if cells > cells_left.get() {
        push_limited(
            diags,
            Diagnostic::error(tag, format!("too many table cells: this table has {cells} (rows × columns), and a page may have {MAX_TABLE_CELLS_PER_PAGE} in all"))
                .with_label("this table")
                .with_hint("split the page"),
        );
        return None;
    }
    cells_left.set(cells_left.get() - cells);
    let mut finder = Finder::new(body);
    let keys: Vec<&str> = spec.columns.iter().map(|c| c.key.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    for k in &keys {
        if !seen.insert(*k) {
            let at = finder
                .find_from(0, &format!("key: {k}"), usize::MAX)
                .map_or(tag, |o| {
                    Span::new(file, body_start + o, body_start + o + 5 + k.len())
                });
            push_limited(
                diags,
                Diagnostic::error(at, format!("column key `{k}` is used twice"))
                    .with_label("repeated key")
                    .with_hint("give each column its own key"),
            );
        }
    }

    let mut links = Vec::new();
    let mut html = String::with_capacity(body.len() * 2);
    html.push_str("<div class=\"table-wrap\">\n<table>\n<thead>\n<tr>");
    let mut columns = Vec::with_capacity(spec.columns.len());
    for c in &spec.columns {
        let title = expand_lenient(site, Some(params), &c.title);
        let r = render_inline_in(&title, rewriter, cells_left);
        let mut at = |needle: &str| {
            finder.find_from(0, needle, usize::MAX).map_or(tag, |o| {
                Span::new(file, body_start + o, body_start + o + needle.len())
            })
        };
        for bad in &r.rejected {
            push_limited(diags, crate::markdown::unsafe_url_error(at(bad), bad));
        }
        for (written, what) in &r.unsafe_html {
            push_limited(diags, crate::markdown::unsafe_html_error(at(written), what));
        }
        if let Some(why) = r.refused {
            push_limited(diags, why.error(at(&c.title)));
        }
        let _ = write!(html, "<th scope=\"col\">{}</th>", r.html);
        columns.push(Column {
            title: r.text,
            key: c.key.clone(),
        });
    }
    html.push_str("</tr>\n</thead>\n<tbody>\n");

    let mut rows = Vec::with_capacity(spec.rows.len());
    let mut search_from = 0;
    for row in &spec.rows {
        let mut id = None;
        let mut cells = BTreeMap::new();
        for (k, v) in row {
            let Some(k) = k.as_str() else { continue };
            if k == "id" {
                id = v
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_u64().map(|n| n.to_string()));
            } else if !seen.contains(k) {
                let at = finder
                    .find_from(search_from, &format!("{k}:"), ROW_WINDOW)
                    .map_or(tag, |o| {
                        Span::new(file, body_start + o, body_start + o + k.len())
                    });
                let mut d =
                    Diagnostic::warning(at, format!("row key `{k}` is not a column of this table"))
                        .with_label("its value is not shown");
                d = match did_you_mean(k, keys.iter().copied()) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint(format!("the columns are: {}", keys.join(", "))),
                };
                push_limited(diags, d);
            }
        }
        let _ = match &id {
            Some(id) => write!(html, "<tr id=\"{}\">", escape_html(id)),
            None => write!(html, "<tr>"),
        };
        for k in &keys {
            let cell = match row.get(*k) {
                None | Some(serde_yaml::Value::Null) => Cell::Text {
                    markdown: String::new(),
                    text: String::new(),
                    html: String::new(),
                },
                Some(serde_yaml::Value::Bool(b)) => Cell::Flag(*b),
                Some(v @ (serde_yaml::Value::String(_) | serde_yaml::Value::Number(_))) => {
                    let raw = match v {
                        serde_yaml::Value::String(s) => s.clone(),
                        other => scalar_text(other),
                    };
                    let markdown = expand_lenient(site, Some(params), &raw);
                    let r = render_inline_in(&markdown, rewriter, cells_left);
                    let mut at = |needle: &str| {
                        finder
                            .find_from(search_from, needle, ROW_WINDOW)
                            .map_or(tag, |o| {
                                Span::new(file, body_start + o, body_start + o + needle.len())
                            })
                    };
                    for l in r.links {
                        links.push(Link {
                            span: at(&l.url),
                            origin: LinkOrigin::Table,
                            ..l
                        });
                    }
                    for bad in r.rejected {
                        push_limited(diags, crate::markdown::unsafe_url_error(at(&bad), &bad));
                    }
                    for (written, what) in &r.unsafe_html {
                        push_limited(diags, crate::markdown::unsafe_html_error(at(written), what));
                    }
                    if let Some(why) = r.refused {
                        push_limited(diags, why.error(at(&format!("{k}:"))));
                    }
                    Cell::Text {
                        markdown,
                        text: r.text,
                        html: r.html,
                    }
                }
                Some(_) => {
                    let at = finder
                        .find_from(search_from, &format!("{k}:"), ROW_WINDOW)
                        .map_or(tag, |o| {
                            Span::new(file, body_start + o, body_start + o + k.len())
                        });
                    push_limited(diags, Diagnostic::error(at, format!("cell `{k}` is a list or map; a cell must be text, a number or true/false")).with_label("this cell").with_hint("quote the value to make it text"));
                    Cell::Text {
                        markdown: String::new(),
                        text: String::new(),
                        html: String::new(),
                    }
                }
            };
            match &cell {
                Cell::Flag(true) => html.push_str("<td><span class=\"cell-icon cell-yes\" aria-hidden=\"true\">✓</span><span class=\"sr-only\">Supported</span></td>"),
                Cell::Flag(false) => html.push_str("<td><span class=\"cell-icon cell-no\" aria-hidden=\"true\">✗</span><span class=\"sr-only\">Not supported</span></td>"),
                Cell::Text { html: h, .. } => {
                    let _ = write!(html, "<td>{}</td>", h.trim_end());
                }
            }
            cells.insert((*k).to_string(), cell);
        }
        html.push_str("</tr>\n");
        if let Some(first) = row.iter().next().and_then(|(k, _)| k.as_str()) {
            if let Some(o) = finder.find_from(search_from, &format!("{first}:"), ROW_WINDOW) {
                search_from = o + 1;
            }
        }
        rows.push(Row { id, cells });
    }
    html.push_str("</tbody>\n</table>\n</div>");
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(RenderedTable {
        table: Table { columns, rows },
        html,
        links,
    })
}

fn scalar_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// serde_yaml's message made true to the file: its trailing " at line L column C" dropped
/// (the caller prints the position itself) and any other "line N" inside it (serde_yaml
/// counts from the start of the YAML) moved to the file's own line numbers.
pub(crate) fn yaml_message(e: &serde_yaml::Error, first_line: usize) -> String {
    let mut msg = e.to_string();
    if let Some(l) = e.location() {
        let suffix = format!(" at line {} column {}", l.line(), l.column());
        if let Some(m) = msg.strip_suffix(&suffix) {
            msg = m.to_string();
        }
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg.as_str();
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + first_line - 1).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}
