//! The hostname calculator on a page: what it reads of the page's content (its facts),
//! the spec derived from them, and the widget that embeds the spec.

use portolan_dialect::{BlockKind, Diagnostic, RenderedPage, Span};
use portolan_endpoints::{
    CalculatorSpec, ContentFacts, FactColumn, FactParagraph, FactRow, FactTable,
};

use crate::content::PageSource;
use crate::json::script_json;
use crate::templates::template_error;
use crate::templates::Templates;

/// What the calculator reads from a page: its tables, list items and paragraphs as text.
pub(crate) fn facts(page: &RenderedPage) -> ContentFacts {
    ContentFacts {
        tables: page
            .tables
            .iter()
            .map(|t| FactTable {
                columns: t
                    .columns
                    .iter()
                    .map(|c| FactColumn {
                        key: c.key.clone(),
                        title: c.title.clone(),
                    })
                    .collect(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| FactRow {
                        id: r.id.clone(),
                        cells: r.cells.iter().map(|(k, c)| (k.clone(), c.text())).collect(),
                    })
                    .collect(),
            })
            .collect(),
        list_items: page
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .map(|b| b.text.clone())
            .collect(),
        paragraphs: page
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .map(|b| FactParagraph {
                text: b.text.clone(),
                code_spans: b.code_spans.clone(),
            })
            .collect(),
    }
}

/// The calculator's spec for a page that places it, derived from the page's own content.
pub(crate) fn calculator_spec(
    src: &PageSource,
    page: &RenderedPage,
) -> Result<CalculatorSpec, Diagnostic> {
    CalculatorSpec::from_facts(&facts(page)).map_err(|errors| {
        let span = page.calculator_span.unwrap_or(Span::new(src.file, 0, 0));
        let mut d = Diagnostic::error(span, "the hostname calculator cannot read this page's content")
            .with_label("calculator placed here")
            .with_hint("the calculator reads the page's hostname and port tables and its list of geos; see docs/content/calculator.md");
        for e in errors {
            d = d.with_note(e.to_string());
        }
        d
    })
}

/// The calculator widget: the theme's form partial with the spec embedded as JSON.
pub(crate) fn calculator_html(
    templates: &Templates,
    src: &PageSource,
    page: &RenderedPage,
) -> Result<String, Diagnostic> {
    let spec = calculator_spec(src, page)?;
    templates
        .calculator(&spec, &script_json(&spec))
        .map_err(|e| template_error(src, &e))
}
