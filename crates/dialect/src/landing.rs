//! Landing pages: a YAML document of `metadata:` (the page's frontmatter) and `rows:` of
//! `columns:` of `blocks:`, each block a `type:` and its `config:`. Every block is the
//! theme's component `landing/<type>`, given its config as data; rows and columns are the
//! components `landing/row` and `landing/column`, which place what they hold. Liquid runs
//! in every string. The fields a block type writes in markdown ([`MARKDOWN_FIELDS`]) are
//! rendered as a page's body is (code highlighted, tables, attribute lists, links kept for
//! the link check) and handed to the template beside their text as `<field>_html`; a map
//! with `include_content: path` gets the include `path.md` as its `content`.

use std::collections::BTreeMap;
use std::ops::Range;

use portolan_htmlscan::{text as html_text, unsafe_html};
use portolan_yaml::{Kind, Node, Resolved};
use serde_json::Value;

use crate::component::{ComponentBody, ComponentCall, ComponentRef, BODY_MARKER};
use crate::diag::{push_limited, Diagnostic, FileId, Span};
use crate::frontmatter::RawFront;
use crate::markdown;
use crate::model::{Heading, SectionText};
use crate::slug::{slugify, RESERVED_IDS};
use crate::yaml_tree::{rules, Gathered, Markdown, Tools, TreeRenderer};

/// The components that lay out rows and columns (`landing/row`, `landing/column`): no
/// block type takes their names.
const LAYOUT: [&str; 2] = ["row", "column"];

/// The fields each block type writes in markdown, as paths in its config (see
/// [`crate::yaml_tree::Rule`]).
const MARKDOWN_FIELDS: &[(&str, &str, Markdown)] = &[
    ("text", "", Markdown::Block),
    ("structured_text", "header.text", Markdown::Inline),
    ("structured_text", "blocks.*.text", Markdown::Block),
    ("structured_text", "blocks.*.items", Markdown::Inline),
    ("card", "title", Markdown::Inline),
    ("card", "description", Markdown::Block),
    ("icon_card", "title", Markdown::Inline),
    ("icon_card", "description", Markdown::Block),
    ("faqs", "*.q", Markdown::Inline),
    ("faqs", "*.a", Markdown::Block),
    ("tabs", "*.content", Markdown::Block),
    ("table", "rows.*.*", Markdown::Inline),
    ("x_with_y", "headers", Markdown::Inline),
    ("x_with_y", "items.*.text", Markdown::Inline),
    ("button", "text", Markdown::Inline),
    ("related_resources", "*.text", Markdown::Inline),
];

/// Where a landing page's `metadata:` is, to be read as its frontmatter.
pub(crate) fn metadata(
    file: FileId,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Node, RawFront)> {
    let doc = match crate::yaml::read(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = crate::diag::floor_char_boundary(text, e.offset.min(text.len()));
            let message = if e.too_deep {
                format!(
                    "landing page nests more than {} levels deep",
                    crate::limits::MAX_YAML_DEPTH
                )
            } else {
                format!("invalid landing page YAML: {}", e.message)
            };
            diags.push(
                Diagnostic::error(Span::new(file, at, at), message)
                    .with_label("here")
                    .with_hint("a landing page is YAML: `metadata:` (title, description...) and `rows:` of `columns:` of `blocks:`"),
            );
            return None;
        }
    };
    let Some(meta) = doc.get("metadata").filter(|m| m.as_map().is_some()) else {
        diags.push(
            Diagnostic::error(Span::new(file, 0, 0), "landing page has no `metadata:`")
                .with_label("")
                .with_hint("start it with `metadata:` and the page's `title:` under it"),
        );
        return None;
    };
    // A block mapping is read from the start of its first line, so its indentation is the
    // same on every line; a flow mapping (`{title: x}`) as it is.
    let flow = text[meta.span.start..].starts_with('{');
    let start = if flow {
        meta.span.start
    } else {
        text[..meta.span.start].rfind('\n').map_or(0, |i| i + 1)
    };
    let raw = RawFront {
        start,
        end: meta.span.end.max(start),
    };
    Some((doc, raw))
}

/// A landing page's body, rendered.
#[derive(Debug, Default)]
pub(crate) struct LandingBody {
    pub(crate) html: String,
    pub(crate) headings: Vec<Heading>,
    pub(crate) sections: Vec<SectionText>,
    /// Links, ids, includes, components and tables of its blocks.
    pub(crate) gathered: Gathered,
}

/// Renders the `rows:` of landing page `doc` (the file's YAML).
pub(crate) fn render_rows(
    tools: &Tools<'_>,
    file: FileId,
    text: &str,
    doc: &Node,
    diags: &mut Vec<Diagnostic>,
) -> LandingBody {
    let page_json = crate::yaml::to_value(tools.env.page).to_json_tree();
    let mut values = TreeRenderer {
        tools,
        file,
        text,
        base: 0,
        ids: Default::default(),
        taken: Vec::new(),
        gathered: Gathered::default(),
        diags,
    };
    for id in RESERVED_IDS {
        values.ids.reserve(id);
    }
    let mut r = Landing {
        values,
        page_json,
        counts: BTreeMap::new(),
        headings: Vec::new(),
        sections: Vec::new(),
    };
    let rows: &[Node] = match doc.get("rows").map(|n| &n.kind) {
        Some(Kind::Seq(rows)) => rows,
        Some(_) if !doc.get("rows").is_some_and(Node::is_null) => {
            let at = doc.get("rows").map_or(0..0, |n| n.span.clone());
            r.error(
                at,
                "`rows:` must be a list of rows",
                "each row is `- header:` and `columns:`",
            );
            &[]
        }
        _ => &[],
    };
    let mut html = String::new();
    for (i, row) in rows.iter().enumerate() {
        html.push_str(&r.row(row, i));
    }
    LandingBody {
        html,
        headings: r.headings,
        sections: r.sections,
        gathered: r.values.gathered,
    }
}

struct Landing<'t, 'd> {
    values: TreeRenderer<'t, 'd>,
    page_json: Value,
    /// Calls of each component so far, for their ids.
    counts: BTreeMap<String, usize>,
    headings: Vec<Heading>,
    sections: Vec<SectionText>,
}

impl Landing<'_, '_> {
    fn span(&self, range: Range<usize>) -> Span {
        self.values.span(&range)
    }

    fn error(&mut self, at: Range<usize>, message: &str, hint: &str) {
        let d = Diagnostic::error(self.span(at), message.to_string())
            .with_label("here")
            .with_hint(hint.to_string());
        push_limited(self.values.diags, d);
    }

    /// The fields of a header map: each of `markdown` rendered beside its text, the rest
    /// with Liquid.
    fn fields(&mut self, node: &Node, markdown: &[(&str, Markdown)]) -> Value {
        let rules = rules(markdown);
        self.values.tree(node, &rules, &mut Vec::new())
    }

    /// One row: its header, its columns (each its blocks), through `landing/row`.
    fn row(&mut self, row: &Node, index: usize) -> String {
        // Kong writes a row's header under `header:`; a few write its `type:` and `text:`
        // on the row itself.
        let header_node = match row.get("header") {
            Some(h) if h.as_map().is_some() => Some(h),
            _ if row.get("text").is_some() => Some(row),
            _ => None,
        };
        let mut params = BTreeMap::new();
        let mut heading = None;
        if let Some(h) = header_node {
            let header = self.fields(
                h,
                &[
                    ("text", Markdown::Inline),
                    ("sub_text", Markdown::Inline),
                    ("description", Markdown::Block),
                ],
            );
            let level = match header.get("type").and_then(Value::as_str) {
                Some("h1") => 1,
                Some("h3") => 3,
                _ => 2,
            };
            let title = header
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            let id = self.values.ids.unique(&slugify(&title));
            if level > 1 && !title.is_empty() {
                heading = Some(Heading {
                    level,
                    id: id.clone(),
                    text: markdown::collapse(&plain(&header, "text_html", &title)),
                });
            }
            let mut header = header;
            if let Value::Object(m) = &mut header {
                m.insert("id".into(), Value::String(id));
                m.insert("level".into(), Value::from(level));
            }
            params.insert("header".to_string(), header);
        }
        if let Some(n) = row.get("column_count").and_then(Node::as_scalar) {
            if let Resolved::Int(n) = n.resolve() {
                params.insert("column_count".to_string(), Value::from(n));
            }
        }
        let columns: &[Node] = match row.get("columns").map(|n| &n.kind) {
            Some(Kind::Seq(c)) => c,
            _ => &[],
        };
        params.insert("columns".to_string(), Value::from(columns.len()));
        params.insert("index".to_string(), Value::from(index));
        let mut inner = String::new();
        for (i, column) in columns.iter().enumerate() {
            inner.push_str(&self.column(column, i, columns.len()));
        }
        let at = row.span.start..row.span.start;
        let html = self
            .call("landing/row", params, at.clone(), Some(&inner))
            .unwrap_or(inner);
        if let Some(h) = heading {
            self.sections.push(SectionText {
                heading: h.text.clone(),
                anchor: h.id.clone(),
                text: html_text(&html),
            });
            self.values.gathered.anchors.push(h.id.clone());
            self.headings.push(h);
        } else {
            self.sections.push(SectionText {
                heading: String::new(),
                anchor: String::new(),
                text: html_text(&html),
            });
        }
        html
    }

    /// One column: its blocks, through `landing/column`.
    fn column(&mut self, column: &Node, index: usize, count: usize) -> String {
        let mut params = BTreeMap::new();
        if let Some(h) = column.get("header").filter(|h| h.as_map().is_some()) {
            let header = self.fields(h, &[("text", Markdown::Inline)]);
            params.insert("header".to_string(), header);
        }
        if let Some(n) = column.get("col_span").and_then(Node::as_scalar) {
            if let Resolved::Int(n) = n.resolve() {
                params.insert("col_span".to_string(), Value::from(n));
            }
        }
        params.insert("index".to_string(), Value::from(index));
        params.insert("count".to_string(), Value::from(count));
        let blocks: &[Node] = match column.get("blocks").map(|n| &n.kind) {
            Some(Kind::Seq(b)) => b,
            _ => &[],
        };
        let mut inner = String::new();
        for block in blocks {
            inner.push_str(&self.block(block));
        }
        let at = column.span.start..column.span.start;
        self.call("landing/column", params, at, Some(&inner))
            .unwrap_or(inner)
    }

    /// One block: its config with Liquid and markdown rendered, through `landing/<type>`.
    fn block(&mut self, block: &Node) -> String {
        let Some(kind) = block.get("type") else {
            let at = block.span.start..block.span.start;
            self.error(
                at,
                "block has no `type:`",
                "write `- type: card` (or text, structured_text, image...) and its `config:`",
            );
            return String::new();
        };
        let name = kind.key_text().unwrap_or("").to_string();
        if name.is_empty()
            || LAYOUT.contains(&name.as_str())
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            self.error(
                kind.span.clone(),
                &format!("block type `{name}` is not a name"),
                "block types are lowercase names such as `card` or `structured_text`",
            );
            return String::new();
        }
        let component = format!("landing/{name}");
        if self.values.tools.env.components.body(&component).is_none() {
            let known: Vec<String> = self
                .values
                .tools
                .env
                .components
                .names()
                .into_iter()
                .filter_map(|n| n.strip_prefix("landing/").map(str::to_string))
                .filter(|n| !LAYOUT.contains(&n.as_str()))
                .collect();
            let d = Diagnostic::error(
                self.span(kind.span.clone()),
                format!("unknown block type `{name}`"),
            )
            .with_label(format!("no theme component `landing/{name}`"));
            let d = match crate::diag::did_you_mean(&name, known.iter().map(String::as_str)) {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => d.with_hint(format!("block types: {}", known.join(", "))),
            };
            push_limited(self.values.diags, d);
            return String::new();
        }
        let fields: Vec<(&str, Markdown)> = MARKDOWN_FIELDS
            .iter()
            .filter(|(t, _, _)| *t == name)
            .map(|(_, path, how)| (*path, *how))
            .collect();
        let rules = rules(&fields);
        let mut params = BTreeMap::new();
        let config = block.get("config");
        let data = match config {
            Some(c) => {
                let (data, html) = self.values.value(c, &rules);
                if let Some(html) = html {
                    params.insert("html".to_string(), Value::String(html));
                }
                data
            }
            None => Value::Null,
        };
        if name == "mermaid" {
            if let Some(diagram) = data.get("diagram").and_then(Value::as_str) {
                let source = format!("```mermaid\n{}\n```\n", diagram.trim_end());
                let at = config
                    .and_then(|c| c.get("diagram"))
                    .map_or(block.span.clone(), |d| d.span.clone());
                let (_, html) = self.values.block_part(&source, &at);
                params.insert("html".to_string(), Value::String(html));
            }
        }
        if let Some(group) = block.get("tab_group").and_then(Node::key_text) {
            params.insert("tab_group".to_string(), Value::String(group.to_string()));
        }
        self.call_with_data(&component, params, data, kind.span.clone())
            .unwrap_or_default()
    }

    /// Calls component `name` with `data` as its body.
    fn call_with_data(
        &mut self,
        name: &str,
        params: BTreeMap<String, Value>,
        data: Value,
        at: Range<usize>,
    ) -> Option<String> {
        self.render(name, params, ComponentBody::Data(data), at, None)
    }

    /// Calls component `name`, which places `inner` (HTML) where it writes its body.
    fn call(
        &mut self,
        name: &str,
        params: BTreeMap<String, Value>,
        at: Range<usize>,
        inner: Option<&str>,
    ) -> Option<String> {
        self.values.tools.env.components.body(name)?;
        self.render(name, params, ComponentBody::Markdown, at, inner)
    }

    fn render(
        &mut self,
        name: &str,
        params: BTreeMap<String, Value>,
        body: ComponentBody,
        at: Range<usize>,
        inner: Option<&str>,
    ) -> Option<String> {
        let this = ComponentRef::numbered(&mut self.counts, name, params);
        let call = ComponentCall {
            this: &this,
            body,
            parent: None,
            children: &[],
            page: &self.page_json,
        };
        let span = self.span(at);
        let written = match self.values.tools.env.components.render(&call) {
            Ok(w) => w,
            Err(e) => {
                let mut d = Diagnostic::error(span, format!("component `{name}`: {}", e.message))
                    .with_label("in this block");
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                push_limited(self.values.diags, d);
                return None;
            }
        };
        for w in &written.warnings {
            push_limited(
                self.values.diags,
                Diagnostic::warning(span, format!("component `{name}`: {w}"))
                    .with_label("in this block"),
            );
        }
        if let Some(found) = unsafe_html(&written.text.replace(BODY_MARKER, ""))
            .into_iter()
            .next()
        {
            push_limited(
                self.values.diags,
                markdown::unsafe_html_error(span, &found.what)
                    .with_label("written by this block")
                    .with_hint(format!("a block may format, not run script: look at what its config holds, and at the theme's `components/{name}` template")),
            );
            return None;
        }
        self.values.gathered.components.insert(name.to_string());
        Some(match inner {
            Some(inner) => written.text.replacen(BODY_MARKER, inner, 1),
            None => written.text,
        })
    }
}

/// The plain text of a header: its HTML's text, else the text as written.
fn plain(header: &Value, html_key: &str, fallback: &str) -> String {
    header
        .get(html_key)
        .and_then(Value::as_str)
        .map(html_text)
        .unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_read_from_the_start_of_its_lines() {
        let t = "metadata:\n  title: T\n  products: [gateway]\nrows: []\n";
        let mut d = Vec::new();
        let (_, raw) = metadata(0, t, &mut d).unwrap();
        assert_eq!(
            &t[raw.start..raw.end],
            "  title: T\n  products: [gateway]\n"
        );
        let t = "metadata: {title: T}\n";
        let (_, raw) = metadata(0, t, &mut d).unwrap();
        assert_eq!(&t[raw.start..raw.end], "{title: T}");
        assert!(d.is_empty());
        assert!(metadata(0, "rows: []\n", &mut d).is_none());
        assert_eq!(d[0].message, "landing page has no `metadata:`");
        assert!(metadata(0, "metadata: [\n", &mut d).is_none());
        assert!(
            d[1].message.starts_with("invalid landing page YAML"),
            "{}",
            d[1].message
        );
    }
}
