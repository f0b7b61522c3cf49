//! What the site build extracts from a rendered page for the calculator.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The facts on one page that the calculator reads: its tables, list items and paragraphs,
/// each reduced to plain text (inline code reduced to its text, `<br>` to a newline).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentFacts {
    /// Every `{% table %}` on the page, in order.
    #[serde(default)]
    pub tables: Vec<FactTable>,
    /// The plain text of every markdown list item in the page body, in order,
    /// e.g. `AU (Australia): au`.
    #[serde(default)]
    pub list_items: Vec<String>,
    /// Every paragraph of the page body, in order.
    #[serde(default)]
    pub paragraphs: Vec<FactParagraph>,
}

/// One `{% table %}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactTable {
    /// The columns, in order.
    pub columns: Vec<FactColumn>,
    /// The rows, in order.
    pub rows: Vec<FactRow>,
}

/// One column of a [`FactTable`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactColumn {
    /// The column's key (`hostname`), which rows use to name their cells.
    pub key: String,
    /// The column's title as shown (`Hostname`).
    pub title: String,
}

/// One row of a [`FactTable`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactRow {
    /// The row's `id` (its anchor), when it has one.
    #[serde(default)]
    pub id: Option<String>,
    /// Cells by column key: the plain text of the rendered cell, e.g.
    /// `CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com` or `TCP\nHTTPS`.
    pub cells: BTreeMap<String, String>,
}

/// One paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactParagraph {
    /// The paragraph's plain text (inline code reduced to its text).
    pub text: String,
    /// The text of each inline code span in the paragraph, in order.
    #[serde(default)]
    pub code_spans: Vec<String>,
}

impl FactTable {
    /// The key of the first column whose key is `key` or whose title is `title`
    /// (case-insensitively).
    pub fn column(&self, key: &str, title: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(key) || c.title.trim().eq_ignore_ascii_case(title))
            .map(|c| c.key.as_str())
    }
}

impl FactRow {
    /// The trimmed text of the cell in column `key`; `None` when the cell is absent or blank.
    pub fn cell(&self, key: &str) -> Option<&str> {
        self.cells
            .get(key)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}
