//! The page model: what rendering a page produces, read by the site (templates, links,
//! search, the calculator) and written beside each page as `index.json`. Types only: the
//! page's (`RenderedPage`) and its frontmatter's (`front.rs`).

mod front;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::{FileId, Span};

pub use front::{Breadcrumb, Faq, FrontMatter, FrontSpans, RelatedResource};

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// Where a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkOrigin {
    /// Markdown body.
    Body,
    /// An image source in the body.
    Image,
    /// A `{% table %}` cell.
    Table,
    /// An FAQ answer.
    Faq,
    /// `related_resources:` in the frontmatter.
    RelatedResource,
    /// `next_steps:` in the frontmatter.
    NextStep,
}

/// A link found in the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The target as written.
    pub url: String,
    /// The link text.
    pub text: String,
    /// Where it is written.
    #[serde(skip)]
    pub span: Span,
    /// What kind of place it is in.
    pub origin: LinkOrigin,
}

/// What kind of text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading.
    Heading,
    /// A paragraph.
    Paragraph,
    /// A list item (its nested content included).
    ListItem,
}

/// Plain text of one block of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextBlock {
    /// Heading, paragraph or list item.
    pub kind: BlockKind,
    /// The text, inline code reduced to its content.
    pub text: String,
    /// The inline code spans in the block, in order.
    pub code_spans: Vec<String>,
}

/// A part of a page that a search result can link to: the intro (before the first h2/h3),
/// each h2/h3 with what follows it, then each FAQ.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SectionText {
    /// The heading's plain text; "" for the intro.
    pub heading: String,
    /// The heading's id; "" for the intro.
    pub anchor: String,
    /// The section's plain text (paragraphs, list items, lower headings, then its tables),
    /// whitespace collapsed.
    pub text: String,
}

/// Attributes from a kramdown block attribute list such as `{:.info #id key="v"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Attrs {
    /// `#id`.
    pub id: Option<String>,
    /// `.class` entries, in order.
    pub classes: Vec<String>,
    /// `key="value"` entries, in order.
    pub pairs: Vec<(String, String)>,
}

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

/// One FAQ, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedFaq {
    /// Anchor id, a slug of the question.
    pub id: String,
    /// The question as plain text (Liquid expanded).
    pub question_text: String,
    /// The question as inline HTML.
    pub question_html: String,
    /// The answer's markdown after Liquid expansion.
    pub answer_markdown: String,
    /// The answer as HTML.
    pub answer_html: String,
}

/// A page after rendering: HTML plus everything structured that the site and other tools
/// use, so that none of them reads structure back out of the HTML.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// Frontmatter with Liquid expanded in its text fields, and where its keys are written.
    pub front: FrontMatter,
    /// The body as HTML.
    pub html: String,
    /// Every heading of the body, in order.
    pub headings: Vec<Heading>,
    /// FAQs from the frontmatter.
    pub faqs: Vec<RenderedFaq>,
    /// Every `{% table %}` of the body (includes too), in order.
    pub tables: Vec<Table>,
    /// Every link of the page: body, tables, FAQs, related resources.
    pub links: Vec<Link>,
    /// Plain text of the body's paragraphs and list items, for the calculator.
    pub blocks: Vec<TextBlock>,
    /// The page's text by section, for search.
    pub sections: Vec<SectionText>,
    /// Every id a `#fragment` can point at: headings, FAQs (and the FAQ list's own `faq`),
    /// table rows, attribute lists, footnotes and ids in raw HTML.
    pub anchors: Vec<String>,
    /// Files included while rendering (directly or not): what this page depends on.
    pub includes: Vec<FileId>,
    /// True when the body places the hostname calculator.
    pub has_calculator: bool,
    /// True when a diagram is left for mermaid.js to draw in the browser (the page then
    /// loads it; no other page does).
    pub browser_diagrams: bool,
    /// The theme components the page calls (`navtabs`, `new_in`...), sorted, once each: the
    /// theme loads a component's script or style only where it is used.
    pub components: Vec<String>,
    /// Where the body places it.
    pub calculator_span: Option<Span>,
    /// Frontmatter the layout shows as content (a how-to's `tldr`, `prereqs`, `cleanup`;
    /// a cookbook's `overview`), Liquid rendered and markdown fields beside their text as
    /// `*_html` (see `parts.rs`).
    pub parts: std::collections::BTreeMap<String, serde_json::Value>,
}
