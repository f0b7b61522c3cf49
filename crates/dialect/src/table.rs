//! The `{% table %}` block: a YAML body of `columns:` and `rows:` rendered as an HTML table.
//!
//! The body's Liquid is rendered first (so variables, `new_in` and loops work inside it), then
//! it is read as YAML; each cell is rendered as inline markdown (so backticks, links and
//! `<br>` work). A row's `id` becomes the row's anchor. A boolean cell is shown as a
//! "supported" / "not supported" icon with screen-reader text.
//!
//! Three steps: [`read_spec`] checks the body and parses it, [`check_keys`] reports keys
//! used twice or not at all, and [`Writer`] renders the header and rows, finding where
//! each value is written so that its problems point at it.

use std::cell::Cell as Budget;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use portolan_htmlscan::escape_html;
use serde::Deserialize;

use crate::diag::{did_you_mean, floor_char_boundary, push_limited, Diagnostic};
use crate::diag::{Finder, Span};
use crate::host::LinkRewriter;
use crate::limits::{MAX_TABLE_BYTES, MAX_TABLE_CELLS_PER_PAGE, MAX_TABLE_COLUMNS, MAX_YAML_DEPTH};
use crate::markdown::{render_inline_in, Inline};
use crate::model::{Cell, Column, Link, LinkOrigin, Row, Table};
use portolan_liquid::SourceMap;
use portolan_yaml::{Kind, Node, Resolved};

/// A rendered `{% table %}`: its data, its HTML and the links in its cells.
pub(crate) struct RenderedTable {
    pub(crate) table: Table,
    pub(crate) html: String,
    pub(crate) links: Vec<Link>,
}

/// A table's body, rendered: its text, where each part of it was written, and the tag.
#[derive(Clone, Copy)]
pub(crate) struct TableSource<'t> {
    pub(crate) text: &'t str,
    pub(crate) map: &'t SourceMap,
    pub(crate) tag: Span,
}

impl TableSource<'_> {
    fn body(&self) -> &str {
        self.text
    }

    /// The span of `len` bytes at offset `at` of the body, where they were written.
    fn span(&self, at: usize, len: usize) -> Span {
        self.map.locate_range(at, at + len).unwrap_or(self.tag)
    }

    /// Where offset `at` of the body was written.
    fn point(&self, at: usize) -> Span {
        self.map.locate(at).unwrap_or(self.tag)
    }
}

/// What cells are rendered with: links, and the page's budget of table cells (see
/// [`MAX_TABLE_CELLS_PER_PAGE`]).
pub(crate) struct TableContext<'a> {
    pub(crate) rewriter: &'a dyn LinkRewriter,
    pub(crate) cells_left: &'a Budget<usize>,
}

/// A table body's shape, read with serde (so unknown and missing keys are reported as
/// serde says them); the rows are taken from the YAML as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shape {
    columns: Vec<ColumnSpec>,
    #[allow(dead_code)]
    rows: serde::de::IgnoredAny,
    /// Where cells sit in a row taller than they are (Kong's tables take it).
    #[serde(default)]
    vertical_align: VerticalAlign,
}

/// A column as written: its title and key; a `width` (the share of the table Kong's theme
/// gives it) is read, so Kong's tables build, and not used: the theme's tables size their
/// columns by what they hold.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnSpec {
    title: String,
    key: String,
    #[serde(default)]
    #[allow(dead_code)]
    width: serde::de::IgnoredAny,
}

/// A table body, read.
struct Spec {
    columns: Vec<Column>,
    /// Each row as written: a map of column key to cell.
    rows: Vec<Node>,
    vertical_align: VerticalAlign,
}

/// A table's `vertical_align`: top (the default), middle or bottom.
#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum VerticalAlign {
    #[default]
    Top,
    Middle,
    Bottom,
}

/// The hint for YAML that broke on text Liquid wrote into it.
const LIQUID_IN_YAML_HINT: &str = "Liquid runs before the body is read as YAML, and the value written here breaks it (quotes, `: ` or `#` in a value do): write it unquoted as `{{ value | jsonify }}`, which writes a quoted string";

/// How far past a row's start its cells are looked for, for spans.
const ROW_WINDOW: usize = 64 << 10;

const YAML_SHAPE_HINT: &str = "the table body is YAML: `columns:` (a list of `title` and `key`), `rows:` (a list of maps keyed by column key) and, optionally, `vertical_align:` (top, middle or bottom)";

/// Renders the table at `src`; `None` when it has errors (all reported to `diags`).
pub(crate) fn render(
    ctx: &TableContext<'_>,
    src: TableSource<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<RenderedTable> {
    let before = diags.len();
    let spec = read_spec(ctx, src, diags)?;
    let mut writer = Writer {
        ctx,
        src,
        finder: Finder::new(src.body()),
        links: Vec::new(),
        html: String::with_capacity(src.body().len() * 2),
        diags,
    };
    let keys: Vec<&str> = spec.columns.iter().map(|c| c.key.as_str()).collect();
    let columns_seen = check_keys(&keys, &mut writer);
    let columns = writer.header(&spec.columns, spec.vertical_align);
    let rows = writer.rows(&spec.rows, &keys, &columns_seen);
    let Writer {
        html, links, diags, ..
    } = writer;
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(RenderedTable {
        table: Table { columns, rows },
        html,
        links,
    })
}

/// Checks the body's size, variables and nesting, parses it, and takes its cells from the
/// page's budget.
fn read_spec(
    ctx: &TableContext<'_>,
    src: TableSource<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Spec> {
    let body = src.body();
    let tag = src.tag;
    let refuse = |diags: &mut Vec<Diagnostic>, d: Diagnostic| {
        push_limited(diags, d);
        None
    };
    if body.len() > MAX_TABLE_BYTES {
        let d = Diagnostic::error(
            tag,
            format!(
                "table body is {} bytes; the limit is {MAX_TABLE_BYTES}",
                body.len()
            ),
        )
        .with_label("this table")
        .with_hint("split the table");
        return refuse(diags, d);
    }
    if body.trim().is_empty() {
        let d = Diagnostic::error(tag, "empty `{% table %}`")
            .with_label("no columns or rows")
            .with_hint(YAML_SHAPE_HINT);
        return refuse(diags, d);
    }
    let invalid = |at: usize, message: String| {
        // Liquid ran before the YAML was read: a value with quotes or `: ` in it can break
        // the YAML it lands in.
        let line = body[..at].rfind('\n').map_or(0, |n| n + 1);
        let hint = if src.map.has_generated(line..at + 1) {
            LIQUID_IN_YAML_HINT
        } else {
            YAML_SHAPE_HINT
        };
        Diagnostic::error(src.point(at), format!("invalid table YAML: {message}"))
            .with_label("here")
            .with_related(tag, "in this table")
            .with_hint(hint)
    };
    let node = match crate::yaml::read(body) {
        Ok(n) => n,
        Err(e) if e.too_deep => {
            let d = Diagnostic::error(
                src.point(floor_char_boundary(body, e.offset)),
                format!("table YAML nests more than {MAX_YAML_DEPTH} levels deep"),
            )
            .with_label("one level too deep")
            .with_related(tag, "in this table")
            .with_hint(YAML_SHAPE_HINT);
            return refuse(diags, d);
        }
        Err(e) => {
            let d = invalid(floor_char_boundary(body, e.offset), e.message);
            return refuse(diags, d);
        }
    };
    let shape: Shape = match portolan_yaml::from_node(&node) {
        Ok(s) => s,
        Err(e) => {
            let d = invalid(
                floor_char_boundary(body, e.offset.min(body.len())),
                e.message,
            );
            return refuse(diags, d);
        }
    };
    let rows = match node.get("rows").map(|r| &r.kind) {
        Some(Kind::Seq(rows)) => rows.clone(),
        _ => Vec::new(),
    };
    if let Some(bad) = rows.iter().find(|r| r.as_map().is_none()) {
        let d = invalid(
            bad.span.start.min(body.len()),
            "each row is a map of column key to cell".into(),
        );
        return refuse(diags, d);
    }
    let spec = Spec {
        columns: shape
            .columns
            .into_iter()
            .map(|c| Column {
                title: c.title,
                key: c.key,
            })
            .collect(),
        rows,
        vertical_align: shape.vertical_align,
    };
    if spec.columns.is_empty() {
        let d = Diagnostic::error(tag, "table has no columns")
            .with_label("this table")
            .with_hint(YAML_SHAPE_HINT);
        return refuse(diags, d);
    }
    if spec.columns.len() > MAX_TABLE_COLUMNS {
        let d = Diagnostic::error(
            tag,
            format!(
                "table has {} columns; the limit is {MAX_TABLE_COLUMNS}",
                spec.columns.len()
            ),
        )
        .with_label("this table")
        .with_hint("split the table");
        return refuse(diags, d);
    }
    let cells = spec.rows.len().saturating_mul(spec.columns.len());
    if cells > ctx.cells_left.get() {
        let d = Diagnostic::error(tag, format!("too many table cells: this table has {cells} (rows × columns), and a page may have {MAX_TABLE_CELLS_PER_PAGE} in all"))
            .with_label("this table")
            .with_hint("split the page");
        return refuse(diags, d);
    }
    ctx.cells_left.set(ctx.cells_left.get() - cells);
    Some(spec)
}

/// Reports column keys used twice; returns the set of keys.
fn check_keys<'k>(keys: &[&'k str], w: &mut Writer<'_, '_>) -> HashSet<&'k str> {
    let mut seen = HashSet::new();
    for k in keys {
        if !seen.insert(*k) {
            let at = w
                .finder
                .find_from(0, &format!("key: {k}"), usize::MAX)
                .map_or(w.src.tag, |o| w.src.span(o, 5 + k.len()));
            push_limited(
                w.diags,
                Diagnostic::error(at, format!("column key `{k}` is used twice"))
                    .with_label("repeated key")
                    .with_hint("give each column its own key"),
            );
        }
    }
    seen
}

/// Writes a table's HTML, finding where each value is written (in order) for its
/// diagnostics and links.
struct Writer<'a, 'd> {
    ctx: &'a TableContext<'a>,
    src: TableSource<'a>,
    finder: Finder<'a>,
    links: Vec<Link>,
    html: String,
    diags: &'d mut Vec<Diagnostic>,
}

impl Writer<'_, '_> {
    /// A value rendered as inline markdown, its links and problems placed where they are
    /// written: at or after `from` of the body, within `window` bytes (else at the tag).
    /// `over_limit_at` is what to point at when the value exceeds a limit.
    fn inline(
        &mut self,
        markdown: &str,
        from: usize,
        window: usize,
        over_limit_at: &str,
        links: Option<LinkOrigin>,
    ) -> Inline {
        let r = render_inline_in(markdown, self.ctx.rewriter, self.ctx.cells_left);
        let src = self.src;
        let finder = &mut self.finder;
        let mut at = |needle: &str| {
            finder
                .find_from(from, needle, window)
                .map_or(src.tag, |o| src.span(o, needle.len()))
        };
        if let Some(origin) = links {
            for l in &r.links {
                let span = at(&l.url);
                self.links.push(Link {
                    span,
                    origin,
                    ..l.clone()
                });
            }
        }
        r.report(&mut at, over_limit_at, self.diags);
        r
    }

    fn header(&mut self, columns: &[Column], align: VerticalAlign) -> Vec<Column> {
        self.html.push_str(match align {
            VerticalAlign::Top => "<div class=\"table-wrap\">\n<table>\n<thead>\n<tr>",
            VerticalAlign::Middle => {
                "<div class=\"table-wrap\">\n<table class=\"cells-middle\">\n<thead>\n<tr>"
            }
            VerticalAlign::Bottom => {
                "<div class=\"table-wrap\">\n<table class=\"cells-bottom\">\n<thead>\n<tr>"
            }
        });
        let mut out = Vec::with_capacity(columns.len());
        for c in columns {
            let r = self.inline(&c.title, 0, usize::MAX, &c.title, None);
            let _ = write!(self.html, "<th scope=\"col\">{}</th>", r.html);
            out.push(Column {
                title: r.text,
                key: c.key.clone(),
            });
        }
        self.html.push_str("</tr>\n</thead>\n<tbody>\n");
        out
    }

    fn rows(&mut self, rows: &[Node], keys: &[&str], seen: &HashSet<&str>) -> Vec<Row> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let entries = row.as_map().unwrap_or_default();
            let id = self.row_id_and_unknown_keys(entries, keys, seen);
            let _ = match &id {
                Some(id) => write!(self.html, "<tr id=\"{}\">", escape_html(id)),
                None => write!(self.html, "<tr>"),
            };
            let mut cells = BTreeMap::new();
            for k in keys {
                let cell = self.cell(k, row.get(k), entries, row.span.start);
                match &cell {
                    Cell::Flag(true) => self.html.push_str("<td><span class=\"cell-icon cell-yes\" aria-hidden=\"true\">✓</span><span class=\"sr-only\">Supported</span></td>"),
                    Cell::Flag(false) => self.html.push_str("<td><span class=\"cell-icon cell-no\" aria-hidden=\"true\">✗</span><span class=\"sr-only\">Not supported</span></td>"),
                    Cell::Text { html: h, .. } => {
                        let _ = write!(self.html, "<td>{}</td>", h.trim_end());
                    }
                }
                cells.insert((*k).to_string(), cell);
            }
            self.html.push_str("</tr>\n");
            out.push(Row { id, cells });
        }
        self.html.push_str("</tbody>\n</table>\n</div>");
        out
    }

    /// The row's `id`, warning about keys that are not columns.
    fn row_id_and_unknown_keys(
        &mut self,
        row: &[(Node, Node)],
        keys: &[&str],
        seen: &HashSet<&str>,
    ) -> Option<String> {
        let mut id = None;
        for (k, v) in row {
            let Some(name) = k.key_text() else { continue };
            if name == "id" {
                id = v.as_scalar().and_then(|s| match s.resolve() {
                    Resolved::Str(_) | Resolved::Int(_) => Some(s.text.clone()),
                    _ => None,
                });
            } else if !seen.contains(name) {
                let at = self.src.span(k.span.start, k.span.len());
                let mut d = Diagnostic::warning(
                    at,
                    format!("row key `{name}` is not a column of this table"),
                )
                .with_label("its value is not shown");
                d = match did_you_mean(name, keys.iter().copied()) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint(format!("the columns are: {}", keys.join(", "))),
                };
                push_limited(self.diags, d);
            }
        }
        id
    }

    /// Cell `k` of a row (its entries), read where it is written: a boolean is a flag, a
    /// scalar its text as written (a version `3.10` stays `3.10`), rendered as markdown.
    fn cell(&mut self, k: &str, value: Option<&Node>, row: &[(Node, Node)], row_at: usize) -> Cell {
        let empty = || Cell::Text {
            markdown: String::new(),
            text: String::new(),
            html: String::new(),
        };
        let Some(value) = value else { return empty() };
        let markdown = match value.as_scalar().map(|s| (s, s.resolve())) {
            Some((_, Resolved::Null)) => return empty(),
            Some((_, Resolved::Bool(b))) => return Cell::Flag(b),
            Some((s, _)) => s.text.clone(),
            None => {
                let key = row
                    .iter()
                    .find(|(n, _)| n.key_text() == Some(k))
                    .map(|(n, _)| n);
                let at = key.map_or(self.src.tag, |n| self.src.span(n.span.start, n.span.len()));
                push_limited(
                    self.diags,
                    Diagnostic::error(at, format!("cell `{k}` is a list or map; a cell must be text, a number or true/false"))
                        .with_label("this cell")
                        .with_hint("quote the value to make it text"),
                );
                return empty();
            }
        };
        let r = self.inline(
            &markdown,
            value.span.start.max(row_at),
            ROW_WINDOW,
            &format!("{k}:"),
            Some(LinkOrigin::Table),
        );
        Cell::Text {
            markdown,
            text: r.text,
            html: r.html,
        }
    }
}
