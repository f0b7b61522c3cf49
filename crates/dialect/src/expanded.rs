//! What the Liquid pass hands the markdown pass: the expanded text, its source map, and
//! what was gathered on the way (attribute lists, tables, links in tables, includes).

use crate::diag::{FileId, Span};
use crate::model::{Attrs, Link, Table};
use portolan_liquid::SourceMap;

/// An attribute list waiting for the block that starts right after it.
#[derive(Debug, Clone)]
pub(crate) struct PendingIal {
    /// Output offset where the next line starts.
    pub(crate) offset: usize,
    /// The attributes.
    pub(crate) attrs: Attrs,
    /// Where the attribute list is written.
    pub(crate) span: Span,
}

/// The plain text of a table the Liquid pass generated, and where its HTML starts in the
/// expanded text: the markdown pass puts it in the section the table is in, for search.
#[derive(Debug, Clone)]
pub(crate) struct TableText {
    pub(crate) offset: usize,
    pub(crate) text: String,
}

/// The body after Liquid: markdown text plus what was gathered on the way.
#[derive(Debug, Default, Clone)]
pub(crate) struct Expanded {
    /// Markdown with variables substituted, includes spliced and tables as HTML.
    pub(crate) text: String,
    /// Output offset → source span.
    pub(crate) map: SourceMap,
    /// Attribute lists, by output offset.
    pub(crate) ials: Vec<PendingIal>,
    /// What rendering gathered on the way.
    pub(crate) gathered: Gathered,
    /// Table cells the page may still have after its `{% table %}`s (see
    /// [`crate::limits::MAX_TABLE_CELLS_PER_PAGE`]), for its pipe tables.
    pub(crate) table_cells_left: usize,
}

/// What the Liquid pass gathers besides the text (the markdown pass and the page model read
/// it): tables, links it generated, includes, the calculator's place, components.
#[derive(Debug, Default, Clone)]
pub(crate) struct Gathered {
    /// Tables, in order.
    pub(crate) tables: Vec<Table>,
    /// Their text, in the same order.
    pub(crate) table_texts: Vec<TableText>,
    /// Links inside table cells (the markdown pass cannot see into the generated HTML).
    pub(crate) links: Vec<Link>,
    /// Every file included, directly or not.
    pub(crate) includes: Vec<FileId>,
    /// Whether `{% hostname_calculator %}` was used.
    pub(crate) has_calculator: bool,
    /// Where `{% hostname_calculator %}` is written.
    pub(crate) calculator_span: Option<Span>,
    /// Ids the page's components took: no heading may take them.
    pub(crate) reserved_ids: Vec<String>,
    /// The components the page calls, sorted, once each.
    pub(crate) components: std::collections::BTreeSet<String>,
}
